from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access, web
from ..extensions import db
from ..main.sections import nav_item
from . import bp, services
from .models import Notification

nav_item(20, "notifications.inbox", _l("Notifications"))


@bp.app_context_processor
def inject_unread():
    if current_user and current_user.is_authenticated:
        return {"unread_notifications": services.unread_count(current_user)}
    return {"unread_notifications": 0}


@bp.route("/")
@access.login
def inbox():
    page = db.paginate(db.select(Notification).where(Notification.user_id == current_user.id)
                       .order_by(Notification.id.desc()), per_page=30, error_out=False)
    return render_template("notifications/inbox.html", page=page, render=services.render)


@bp.route("/read", methods=["POST"])
@access.login
def mark_read():
    services.mark_all_read(current_user)
    flash(_("All notifications marked as read."), "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/<int:notification_id>")
@access.login
@access.guard(Notification, "notification_id")
def open(notification):
    """Follow a notification's link, marking it read (a write: the request's
    transaction starts again for writing, and reads it again)."""
    if notification.read_at is None:
        web.about_to_write()
    target = services.open_notification(current_user, notification)
    return redirect(target or url_for("notifications.inbox"))

"""Notifications (DESIGN §8): in-app first, one INSERT per event for all its
recipients — never one job per user per event."""
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..errors_domain import NotAllowed
from ..extensions import db
from ..models import utcnow
from . import sms
from .models import Notification
from .sms_backends import sms_settings
from .sms_models import ReminderSent


def notify(user_ids, kind, message, params=None, url="", *, at=None, urgent=False):
    """Notify every user in ``user_ids`` at once.  ``message`` is an English
    msgid marked with ``N_`` and is translated when read.

    Kinds that have an SMS (``sms_kinds.BY_NOTIFICATION``) also queue it for
    the recipients who chose SMS: ``at`` is the moment the notice is about (a
    meeting's start, a ballot's closing), ``urgent`` lets it through quiet
    hours and the daily cap (an emergency ticket)."""
    ids = sorted({uid for uid in user_ids if uid is not None})
    if not ids:
        return 0
    now = utcnow()
    db.session.execute(db.insert(Notification), [
        {"user_id": uid, "kind": kind, "message": message, "params": params or {},
         "url": url, "created_at": now} for uid in ids])
    sms.enqueue(sms_settings(current_app.config), ids, kind, url, at=at, urgent=urgent,
                now=now)
    return len(ids)


def notify_once(key, user_ids, kind, message, params=None, url="", **options):
    """``notify``, unless a notification under ``key`` went out before (a
    reminder that a cron run may meet again).  True when it went out now."""
    won = db.session.execute(
        insert_ignoring_duplicates(ReminderSent).values(key=key, created_at=utcnow())
        .returning(ReminderSent.key)).first()
    if won is None:
        return False
    notify(user_ids, kind, message, params, url, **options)
    return True


def insert_ignoring_duplicates(model):
    """INSERT … ON CONFLICT DO NOTHING, in the dialect at hand: two runs
    racing on one key both finish, one of them inserting."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model).on_conflict_do_nothing()


def render(notification):
    return gettext(notification.message, **(notification.params or {}))


def unread_count(user):
    """Shown on every page: count(*), so the partial index ix_notification_unread
    answers it alone (counting the ids would visit each row on PostgreSQL)."""
    return db.session.scalar(db.select(db.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def mark_all_read(user):
    db.session.execute(db.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))


def open_notification(user, notification):
    """Mark one notification read when its recipient opens it; the address to
    go to (only a path on this site, never another site)."""
    if notification.user_id != user.id:
        raise NotAllowed(_l("This notification is for someone else."))
    if notification.read_at is None:
        notification.read_at = utcnow()
    url = notification.url or ""
    return url if url.startswith("/") and not url.startswith("//") else None

"""Notifications (DESIGN §8): in-app first, one INSERT per event for all its
recipients — never one job per user per event."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..errors_domain import NotAllowed
from ..extensions import db
from ..models import utcnow
from .models import Notification


def notify(user_ids, kind, message, params=None, url=""):
    """Notify every user in ``user_ids`` at once.  ``message`` is an English
    msgid marked with ``N_`` and is translated when read."""
    ids = sorted({uid for uid in user_ids if uid is not None})
    if not ids:
        return 0
    now = utcnow()
    db.session.execute(db.insert(Notification), [
        {"user_id": uid, "kind": kind, "message": message, "params": params or {},
         "url": url, "created_at": now} for uid in ids])
    return len(ids)


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

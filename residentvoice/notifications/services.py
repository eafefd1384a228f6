"""Notifications (DESIGN §8): in-app first, one INSERT per event for all its
recipients — never one job per user per event."""
import functools

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


@functools.lru_cache(maxsize=32)
def _insert_for(user_ids):
    """INSERT … SELECT of one notification for each user ``user_ids`` selects,
    built once per select (the values are bound when it runs)."""
    selected = user_ids.subquery().c[0]
    # Each user once (DISTINCT on the ids alone: PostgreSQL cannot compare json).
    ids = db.select(selected.label("user_id")).where(selected.is_not(None)).distinct() \
        .subquery()
    rows = (db.select(ids.c.user_id, db.bindparam("n_kind", type_=db.String()),
                      db.bindparam("n_message", type_=db.String()),
                      db.bindparam("n_params", type_=db.JSON()),
                      db.bindparam("n_url", type_=db.String()),
                      db.bindparam("n_created_at", type_=db.DateTime()))
            .order_by(ids.c.user_id))
    # A Core INSERT (still autoflushed): the ORM would take the values for rows.
    return Notification.__table__.insert().from_select(
        ["user_id", "kind", "message", "params", "url", "created_at"], rows)


def notify_selected(user_ids, kind, message, params=None, url="", values=None):
    """``notify`` for the users a query selects (``user_ids``: a SELECT of one
    column of user ids, e.g. the staff of an organisation, with ``values``
    for its bind parameters): one INSERT … SELECT, without reading the ids
    first.  Each user once, in id order.  Pass the same SELECT object each
    time (bind parameters, not literals) and the INSERT is built once too."""
    return db.session.execute(_insert_for(user_ids), {
        **(values or {}), "n_kind": kind, "n_message": message, "n_params": params or {},
        "n_url": url, "n_created_at": utcnow()}).rowcount


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

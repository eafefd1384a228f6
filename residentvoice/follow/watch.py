"""Telling followers of changes (issue 19 §4).

A flush that changes a followed record's status (or a meeting's time or
place) is noted on the session; just before the transaction commits, each
noted record's followers are notified once, through ``notifications.notify``
(so on the channels each follower chose).  Left out: whoever made the
change (the signed-in user of the request, when there is one) and whoever
the feature itself already notified about the same record in the same
transaction — a ticket's reporter hears "resolved, please confirm" from
tickets, not a second "it changed" from here.  A rollback forgets it all."""
from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..i18n import N_
from ..meetings.models import Meeting
from ..notifications.models import Notification
from ..notifications.services import notify
from ..spaces.models import Proposal
from ..tickets.models import Ticket
from ..voting.models import Ballot
from .services import PATHS, followers

# model → (kind, columns whose change followers hear of, message)
WATCHED = {
    Proposal: ("proposal", ("status",), N_("A proposal you follow has news: %(title)s")),
    Ticket: ("ticket", ("status",), N_("A ticket you follow has news: %(title)s")),
    Meeting: ("meeting", ("status", "starts_at", "place"),
              N_("A meeting you follow has news: %(title)s")),
    Ballot: ("ballot", ("status",), N_("A ballot you follow has news: %(title)s")),
}
CHANGES = "follow.changes"
TOLD = "follow.told"


def _title(kind, obj):
    return obj.number if kind == "ticket" else obj.title


@event.listens_for(Session, "after_flush")
def _note_changes(session, _context):
    for obj in session.dirty:
        watched = WATCHED.get(type(obj))
        if watched is None:
            continue
        kind, columns, message = watched
        state = inspect(obj)
        if any(state.attrs[name].history.has_changes() for name in columns):
            session.info.setdefault(CHANGES, {})[(kind, obj.id)] = (message, _title(kind, obj))


@event.listens_for(Session, "do_orm_execute")
def _note_notifications(state):
    """Who the features notify, and about what, in this transaction."""
    table = getattr(state.statement, "table", None) if state.is_insert else None
    if getattr(table, "name", None) != Notification.__tablename__:
        return
    rows = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
    told = state.session.info.setdefault(TOLD, set())
    for row in rows:
        if row.get("url") is not None:
            told.add((row.get("user_id"), row.get("url")))


def _actor_id():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


@event.listens_for(Session, "before_commit")
def _tell_followers(session):
    changes = session.info.pop(CHANGES, None)
    if not changes:
        session.info.pop(TOLD, None)
        return
    actor = _actor_id()
    for (kind, ref_id), (message, title) in sorted(changes.items()):
        url = PATHS[kind].format(ref_id)
        told = session.info.get(TOLD, set())
        recipients = {uid for uid in followers(kind, ref_id)
                      if uid != actor and (uid, url) not in told}
        notify(recipients, f"follow.{kind}", message, {"title": title}, url)
    session.info.pop(TOLD, None)


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session, *_args):
    session.info.pop(CHANGES, None)
    session.info.pop(TOLD, None)

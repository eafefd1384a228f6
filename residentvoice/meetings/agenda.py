"""The agenda: ordered items with time boxes and links to other features'
records; residents' suggestions accepted or declined by the secretary."""
from flask_babel import lazy_gettext as _l

from .. import signals
from ..audit.services import diff
from ..errors_domain import InvalidInput, NotAllowed, NotFound, TransitionNotAllowed
from ..extensions import db
from ..i18n import N_
from ..models import utcnow
from ..notifications.services import notify
from .models import (AgendaItem, AgendaItemRef, AgendaSuggestion, Meeting, MeetingStatus,
                     SuggestionStatus)
from .core import EDITABLE, audit, is_invited, lock, touch

LINKABLE_KINDS = ("proposal", "ballot")
ITEM_FIELDS = ("title", "description", "time_box_minutes", "presenter")


def _require_editable(meeting):
    if meeting.status not in EDITABLE:
        raise TransitionNotAllowed(_l("The agenda can only change before the meeting starts."))


def _require_manager(actor, meeting):
    if not meeting.can_manage(actor):
        raise NotAllowed(_l("Only the community's secretaries can change the agenda."))


def _lock_agenda(meeting):
    """The meeting's lock (``core.lock``), then its items read again under
    it: positions and suggestions are decided on what concurrent requests
    wrote, so two items never share a place and a suggestion is decided once."""
    lock(meeting)
    db.session.scalars(db.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
                       .execution_options(populate_existing=True)).all()


def check_refs(actor, refs):
    """Each ``(kind, id)`` must be a kind we link to and a record ``actor`` may see."""
    refs = [(kind, int(ident)) for kind, ident in refs]
    for kind, _ident in refs:
        if kind not in LINKABLE_KINDS:
            raise InvalidInput(_l("Agenda items link to proposals or ballots only."), "ref")
    found = signals.look_up_links(refs, actor)
    for ref in refs:
        if ref not in found:
            raise InvalidInput(_l("There is no ballot number %(id)d that you can see.",
                                  id=ref[1]) if ref[0] == "ballot" else
                               _l("There is no proposal number %(id)d that you can see.",
                                  id=ref[1]), "ref")
    return list(dict.fromkeys(refs))


def _check_item(data):
    if not (data.get("title") or "").strip():
        raise InvalidInput(_l("Enter a title."), "title")
    minutes = data.get("time_box_minutes")
    if minutes is None or not 1 <= minutes <= 240:
        raise InvalidInput(_l("Enter a number from %(low)d to %(high)d.", low=1, high=240),
                           "time_box_minutes")


def add_item(actor, meeting, *, title, description="", time_box_minutes=15, presenter="",
             refs=()):
    """Append an item to the agenda (draft or announced meetings only)."""
    _require_manager(actor, meeting)
    _lock_agenda(meeting)
    return _append_item(actor, meeting, title=title, description=description,
                        time_box_minutes=time_box_minutes, presenter=presenter, refs=refs)


def _append_item(actor, meeting, *, title, description="", time_box_minutes=15, presenter="",
                 refs=()):
    _require_editable(meeting)
    data = {"title": title, "description": description or "",
            "time_box_minutes": time_box_minutes, "presenter": presenter or ""}
    _check_item(data)
    refs = check_refs(actor, refs)
    position = max((i.position for i in meeting.items), default=0) + 1
    item = AgendaItem(position=position, refs=[AgendaItemRef(ref_kind=k, ref_id=i)
                                               for k, i in refs], **data)
    meeting.items.append(item)
    db.session.flush()
    touch(meeting)
    audit(actor, "meeting.agenda_added", meeting, item, summary=item.title)
    return item


def update_item(actor, meeting, item, *, refs=None, **data):
    _require_manager(actor, meeting)
    _lock_agenda(meeting)
    _require_editable(meeting)
    _check_item(data)
    changes = diff(item, data, ITEM_FIELDS)
    if refs is not None:
        refs = check_refs(actor, refs)
        if refs != item.ref_pairs:
            changes["refs"] = (item.ref_pairs, refs)
            item.refs = [AgendaItemRef(ref_kind=k, ref_id=i) for k, i in refs]
    touch(meeting)
    audit(actor, "meeting.agenda_updated", meeting, item, summary=item.title, changes=changes)
    return item


def remove_item(actor, meeting, item):
    _require_manager(actor, meeting)
    _lock_agenda(meeting)
    _require_editable(meeting)
    db.session.execute(db.update(AgendaSuggestion).where(AgendaSuggestion.item_id == item.id)
                       .values(item_id=None))
    title = item.title
    db.session.delete(item)
    db.session.flush()
    db.session.expire(meeting, ["items"])
    _renumber(meeting)
    touch(meeting)
    audit(actor, "meeting.agenda_removed", meeting, summary=title)


def _renumber(meeting):
    for position, item in enumerate(sorted(meeting.items, key=lambda i: i.position), 1):
        item.position = position


def move_item(actor, meeting, item, direction):
    """Move an item one place up or down; only before the meeting starts."""
    _require_manager(actor, meeting)
    _lock_agenda(meeting)
    _require_editable(meeting)
    if direction not in ("up", "down"):
        raise InvalidInput(_l("Move an item up or down."))
    ordered = sorted(meeting.items, key=lambda i: i.position)
    index = ordered.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return item
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, each in enumerate(ordered, 1):
        each.position = position
    meeting.items.sort(key=lambda i: i.position)
    touch(meeting)
    audit(actor, "meeting.agenda_moved", meeting, item, summary=f"{item.title} {direction}")
    return item


# -- suggestions -------------------------------------------------------------------

def suggest(actor, meeting, *, title, description=""):
    """An invitee suggests an agenda item before the meeting."""
    if not is_invited(meeting, actor):
        raise NotAllowed(_l("Only invitees can suggest agenda items."))
    if meeting.status is not MeetingStatus.announced:
        raise TransitionNotAllowed(_l("Suggestions are taken after the meeting is announced "
                                      "and before it starts."))
    if not (title or "").strip():
        raise InvalidInput(_l("Enter a title."), "title")
    suggestion = AgendaSuggestion(meeting_id=meeting.id, user_id=actor.id, title=title,
                                  description=description or "")
    db.session.add(suggestion)
    db.session.flush()
    audit(actor, "meeting.suggested", meeting, suggestion, summary=title)
    return suggestion


def _get_pending(meeting, suggestion_id):
    suggestion = db.session.get(AgendaSuggestion, suggestion_id, populate_existing=True)
    if suggestion is None or suggestion.meeting_id != meeting.id:
        raise NotFound(_l("There is no such suggestion."))
    if suggestion.status is not SuggestionStatus.pending:
        raise TransitionNotAllowed(_l("This suggestion has already been decided."))
    return suggestion


def accept_suggestion(actor, meeting, suggestion_id, now=None):
    """The secretary puts a suggestion on the agenda (once: two clicks make
    one item)."""
    _require_manager(actor, meeting)
    _lock_agenda(meeting)
    suggestion = _get_pending(meeting, suggestion_id)
    item = _append_item(actor, meeting, title=suggestion.title,
                        description=suggestion.description,
                        presenter=suggestion.user.name)
    suggestion.status = SuggestionStatus.accepted
    suggestion.item_id = item.id
    suggestion.decided_by_id = actor.id
    suggestion.decided_at = now or utcnow()
    audit(actor, "meeting.suggestion_accepted", meeting, suggestion, summary=suggestion.title)
    notify([suggestion.user_id], "meeting.suggestion",
           N_("Your suggestion “%(title)s” is on the agenda of “%(meeting)s”."),
           {"title": suggestion.title, "meeting": meeting.title}, f"/meetings/{meeting.id}")
    return item


def decline_suggestion(actor, meeting, suggestion_id, reason, now=None):
    """Declining needs a reason the resident can read."""
    _require_manager(actor, meeting)
    _lock_agenda(meeting)
    suggestion = _get_pending(meeting, suggestion_id)
    if not (reason or "").strip():
        raise InvalidInput(_l("Give the resident a reason."), "reason")
    suggestion.status = SuggestionStatus.declined
    suggestion.reason = reason.strip()
    suggestion.decided_by_id = actor.id
    suggestion.decided_at = now or utcnow()
    audit(actor, "meeting.suggestion_declined", meeting, suggestion, summary=reason)
    notify([suggestion.user_id], "meeting.suggestion",
           N_("Your suggestion “%(title)s” was not put on the agenda: %(reason)s"),
           {"title": suggestion.title, "reason": suggestion.reason}, f"/meetings/{meeting.id}")
    return suggestion


def get_suggestion(meeting, suggestion_id):
    suggestion = db.session.get(AgendaSuggestion, suggestion_id)
    if suggestion is None or suggestion.meeting_id != meeting.id:
        raise NotFound(_l("There is no such suggestion."))
    return suggestion


def suggestions_of(meeting, user=None):
    query = db.select(AgendaSuggestion).where(AgendaSuggestion.meeting_id == meeting.id)
    if user is not None:
        query = query.where(AgendaSuggestion.user_id == user.id)
    return db.session.scalars(query.order_by(AgendaSuggestion.id)).all()


def resolved_refs(meeting, user):
    """``{(kind, id): Link}`` for every item's links that ``user`` may see."""
    refs = [pair for item in meeting.items for pair in item.ref_pairs]
    return signals.look_up_links(refs, user) if refs else {}


# -- for other features (spaces puts a proposal on an agenda) ---------------------

def add_agenda_item_provider(actor, meeting_id, *, title, description="", refs=()):
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.can_view(actor):
        raise NotFound(_l("There is no such meeting."))
    return add_item(actor, meeting, title=title, description=description, refs=refs)



"""The transitions of the ticket flow with what each one needs and does
(DESIGN §5).  Each checks its input, then ``workflow.apply`` checks the
table and the actor's role."""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from ..dates import SHANGHAI
from ..errors_domain import InvalidInput, TransitionNotAllowed
from ..extensions import db
from ..models import utcnow
from ..uploads import services as uploads
from . import notices, sla, workflow
from .models import Affected, Closure, Status, Ticket
from .services import (MAX_PHOTOS, as_id, check_text, handler_user_ids, lock_tickets, route,
                       secretary_user_ids, ticket_url)

def _check(ticket, action, actor):
    """Refuse early (before input checks) what the table refuses anyway."""
    entry = workflow.TRANSITIONS.get((ticket.status, action))
    if entry is None or not workflow.roles_of(ticket, actor) & entry[1]:
        workflow.apply(actor, ticket, action)  # raises the right error


def acknowledge(actor, ticket, now=None):
    now = now or utcnow()
    workflow.apply(actor, ticket, "acknowledge", now=now)
    ticket.acknowledged_at = now
    if ticket.first_acknowledged_at is None:
        ticket.first_acknowledged_at = now
    _tell_reporter(ticket, notices.ACKNOWLEDGED, actor)
    return ticket


def start(actor, ticket, planned_for, comment="", now=None):
    """In progress, with the date the work is planned for (not in the past)."""
    _check(ticket, "start", actor)
    now = now or utcnow()
    if not isinstance(planned_for, date):
        raise InvalidInput(_l("Enter the planned date."), "planned_for")
    if planned_for < (now + SHANGHAI).date():
        raise InvalidInput(_l("The planned date cannot be in the past."), "planned_for")
    workflow.apply(actor, ticket, "start", body=(comment or "").strip()[:4000], now=now)
    ticket.planned_for = planned_for
    _tell_reporter(ticket, notices.STARTED, actor)
    return ticket


def resolve(actor, ticket, note, photos=(), now=None, kept=()):
    """Resolved with a note (and photos: files sent, and ``kept`` from the
    form sent back before); the reporter is asked to confirm."""
    _check(ticket, "resolve", actor)
    note = check_text(note, "note", _l("Say what was done."))
    photos = uploads.given(photos)
    if len(photos) + len(kept) > MAX_PHOTOS:
        raise InvalidInput(_l("At most %(n)d photos.", n=MAX_PHOTOS), "photos")
    now = now or utcnow()
    uploads.attach(kept, "ticket", ticket.id)
    for photo in photos:
        uploads.store(photo, actor=actor, object_type="ticket", object_id=ticket.id)
    workflow.apply(actor, ticket, "resolve", body=note, now=now)
    ticket.resolved_at = now
    ticket.resolution_note = note
    users = {ticket.reporter_id} | {a.user_id for a in ticket.affected}
    notices.tell(users, "ticket.resolved", notices.RESOLVED, ticket, ticket_url(ticket), actor)
    return ticket


def confirm(actor, ticket, rating=None, comment="", now=None):
    """The reporter (or a secretary on their behalf) says it is fixed, with a
    satisfaction rating 1–5 (required from the reporter)."""
    _check(ticket, "confirm", actor)
    if rating in ("", None) and ticket.is_reporter(actor):
        raise InvalidInput(_l("Choose how satisfied you are, from 1 to 5."), "rating")
    if rating not in ("", None):
        try:        # true/false from a JSON body is not a rating
            rating = 0 if isinstance(rating, bool) else int(rating)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise InvalidInput(_l("Choose how satisfied you are, from 1 to 5."), "rating")
    else:
        rating = None
    comment = (comment or "").strip()
    if len(comment) > 4000:
        raise InvalidInput(_l("At most %(max)d characters.", max=4000), "comment")
    workflow.apply(actor, ticket, "confirm", body=comment, now=now)
    ticket.rating = rating
    ticket.rating_comment = comment
    notices.tell(handler_user_ids(ticket), "ticket.confirmed", notices.CONFIRMED, ticket,
                 ticket_url(ticket), actor)
    return ticket


def reopen(actor, ticket, comment, now=None):
    """Not fixed: back to the same organisation with a comment, a new clock,
    and counted as a reopening."""
    _check(ticket, "reopen", actor)
    comment = check_text(comment, "comment", _l("Say what is still wrong."))
    now = now or utcnow()
    workflow.apply(actor, ticket, "reopen", body=comment, now=now)
    ticket.reopen_count += 1
    ticket.resolved_at = None
    ticket.acknowledged_at = None
    sla.start_clock(ticket, now)
    notices.tell(handler_user_ids(ticket), "ticket.reopened", notices.REOPENED, ticket,
                 ticket_url(ticket), actor)
    return ticket


def hand_back(actor, ticket, reason, now=None):
    """The organisation says it is not responsible; the secretaries reroute."""
    _check(ticket, "hand_back", actor)
    reason = check_text(reason, "comment", _l("Say why you are not responsible."))
    workflow.apply(actor, ticket, "hand_back", body=reason, now=now)
    notices.tell(secretary_user_ids(ticket), "ticket.handed_back", notices.HANDED_BACK, ticket,
                 ticket_url(ticket), actor)
    return ticket


def reroute(actor, ticket, organisation_id, comment="", now=None):
    """A secretary sends the ticket to another organisation (or, with none,
    keeps it with the secretaries); the new party gets a fresh time to
    acknowledge."""
    _check(ticket, "reroute", actor)
    from ..directory.models import Organisation
    org = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and org is None:
        raise InvalidInput(_l("Choose an organisation."), "organisation_id")
    if org is not None and org.id == ticket.organisation_id and \
            ticket.status is Status.not_responsible:
        raise InvalidInput(_l("This organisation has just handed the ticket back; choose "
                              "another."), "organisation_id")
    now = now or utcnow()
    workflow.apply(actor, ticket, "reroute", body=(comment or "").strip()[:4000], now=now)
    ticket.acknowledged_at = None
    ack, _resolve = sla.policy_for(ticket.category, ticket.emergency)
    ticket.ack_due_at = now + timedelta(minutes=ack)
    route(actor, ticket, now=now, organisation_id=org.id if org else None, manual=True)
    return ticket


def refuse(actor, ticket, comment, now=None):
    """Closed, not fixed: no further action (never counted as resolved)."""
    _check(ticket, "refuse", actor)
    comment = check_text(comment, "comment", _l("Say why the ticket is closed."))
    workflow.apply(actor, ticket, "refuse", body=comment, now=now)
    _tell_reporter(ticket, notices.REFUSED, actor)
    return ticket


def mark_duplicate(actor, ticket, original_id, now=None):
    """Merge into the original; the reporter's household is counted there."""
    _check(ticket, "mark_duplicate", actor)
    original_id = as_id(str(original_id or "").strip().upper().lstrip("T"))
    if original_id is None:
        raise InvalidInput(_l("Enter the number of the original ticket."), "duplicate_of")
    original = db.session.get(Ticket, original_id)
    if original is not None and original.id != ticket.id:
        lock_tickets(ticket, original)  # the households counted on the original
    if original is None or original.id == ticket.id or \
            original.compound_id != ticket.compound_id or original.status is Status.duplicate:
        raise InvalidInput(_l("Enter the number of another open or closed ticket of this "
                              "compound."), "duplicate_of")
    workflow.apply(actor, ticket, "mark_duplicate", body=original.number, now=now)
    ticket.duplicate_of_id = original.id
    ticket.closure = Closure.not_fixed
    counted = {original.household_id} | {a.household_id for a in original.affected}
    if ticket.household_id and ticket.household_id not in counted and ticket.reporter_id:
        db.session.add(Affected(ticket_id=original.id, household_id=ticket.household_id,
                                user_id=ticket.reporter_id))
        original.affected_count += 1
    _tell_reporter(ticket, notices.MERGED, actor)
    return ticket


def _tell_reporter(ticket, message, actor):
    if ticket.reporter_id:
        notices.tell([ticket.reporter_id], "ticket.status", message, ticket, ticket_url(ticket),
                     actor)


def perform(actor, ticket, action, data, kept=()):
    """Run ``action`` with its fields from ``data`` (views and the API);
    ``kept``: the photos a resolution sent back before kept (``uploads.keep``,
    the page's form only)."""
    data = data or {}
    if action == "acknowledge":
        return acknowledge(actor, ticket)
    if action == "start":
        return start(actor, ticket, data.get("planned_for"), data.get("comment", ""))
    if action == "resolve":
        return resolve(actor, ticket, data.get("note") or data.get("comment"),
                       data.get("photos", ()), kept=kept)
    if action == "confirm":
        return confirm(actor, ticket, data.get("rating"), data.get("comment", ""))
    if action == "reopen":
        return reopen(actor, ticket, data.get("comment"))
    if action == "hand_back":
        return hand_back(actor, ticket, data.get("comment"))
    if action == "reroute":
        return reroute(actor, ticket, data.get("organisation_id"), data.get("comment", ""))
    if action == "refuse":
        return refuse(actor, ticket, data.get("comment"))
    if action == "mark_duplicate":
        return mark_duplicate(actor, ticket, data.get("duplicate_of"))
    raise TransitionNotAllowed(_l("Unknown action."), "action")

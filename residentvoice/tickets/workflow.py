"""The ticket flow (DESIGN §5) as one transition table and the function that
applies it.

``TRANSITIONS[(state, action)] = (new_state, allowed roles, closure)`` where the
roles are relative to the ticket: ``reporter`` (who filed it), ``moderator``
(secretaries of its community, the street office over it), ``secretary`` (the
community's secretaries only: they confirm or reopen on a reporter's behalf,
the street office does not), ``handler`` (staff of the organisation it is
routed to, or the secretaries when it is routed to them) and ``system`` (the
sweep).  Nothing else changes a ticket's status."""
from datetime import datetime
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..errors_domain import NotAllowed, TransitionNotAllowed
from ..extensions import db
from ..models import utcnow
from ..statemachine import StateMachine
from .models import Closure, EventKind, Status, Ticket, TicketEvent

S = Status
HANDLER = frozenset({"handler"})
MODERATOR = frozenset({"moderator"})
# DESIGN §5: only the reporter (or a secretary on their behalf) confirms or reopens.
REPORTER_OR_SECRETARY = frozenset({"reporter", "secretary"})
SYSTEM = frozenset({"system"})

TRANSITIONS = {
    (S.submitted, "route"): (S.routed, SYSTEM | MODERATOR, None),
    (S.routed, "acknowledge"): (S.acknowledged, HANDLER, None),
    (S.reopened, "acknowledge"): (S.acknowledged, HANDLER, None),
    (S.acknowledged, "start"): (S.in_progress, HANDLER, None),
    (S.acknowledged, "resolve"): (S.resolved, HANDLER, None),
    (S.in_progress, "resolve"): (S.resolved, HANDLER, None),
    (S.resolved, "confirm"): (S.closed, REPORTER_OR_SECRETARY, Closure.fixed),
    (S.resolved, "reopen"): (S.reopened, REPORTER_OR_SECRETARY, None),
    (S.resolved, "auto_close"): (S.closed, SYSTEM, Closure.unconfirmed),
    (S.routed, "hand_back"): (S.not_responsible, HANDLER, None),
    (S.acknowledged, "hand_back"): (S.not_responsible, HANDLER, None),
    (S.in_progress, "hand_back"): (S.not_responsible, HANDLER, None),
    (S.reopened, "hand_back"): (S.not_responsible, HANDLER, None),
    (S.routed, "reroute"): (S.routed, MODERATOR, None),
    (S.not_responsible, "reroute"): (S.routed, MODERATOR, None),
    (S.not_responsible, "refuse"): (S.closed, MODERATOR, Closure.not_fixed),
    (S.acknowledged, "refuse"): (S.closed, MODERATOR, Closure.not_fixed),
    (S.in_progress, "refuse"): (S.closed, MODERATOR, Closure.not_fixed),
    (S.reopened, "refuse"): (S.closed, MODERATOR, Closure.not_fixed),
}
for _state in (S.submitted, S.routed, S.acknowledged, S.in_progress, S.reopened,
               S.not_responsible):
    TRANSITIONS[(_state, "mark_duplicate")] = (S.duplicate, MODERATOR, None)

MACHINE = StateMachine(TRANSITIONS, _l("A ticket that is “%(status)s” cannot be changed "
                                        "this way."), error_field="action")
ACTIONS = sorted(MACHINE.actions)
ACTION_LABELS = {
    "route": _l("Route"),
    "acknowledge": _l("Acknowledge"),
    "start": _l("Start handling"),
    "resolve": _l("Mark resolved"),
    "confirm": _l("Confirm fixed"),
    "reopen": _l("Not fixed: reopen"),
    "auto_close": _l("Close without confirmation"),
    "hand_back": _l("Not our responsibility"),
    "reroute": _l("Reroute"),
    "refuse": _l("Close, not fixed"),
    "mark_duplicate": _l("Merge as duplicate"),
}


def roles_of(ticket, user):
    """The roles ``user`` holds on ``ticket`` (see the module docstring)."""
    if user is None:
        return {"system"}
    roles = set()
    if ticket.is_reporter(user):
        roles.add("reporter")
    if ticket.is_moderator(user):
        roles.add("moderator")
    if ticket.is_secretary(user):
        roles.add("secretary")
    if ticket.is_handler(user):
        roles.add("handler")
    return roles


def may(action):
    """The permission to take ``action`` on a ticket, for ``access.guard``:
    the user holds one of the roles its transition from the ticket's status
    names (a step not possible from this status is refused by the service,
    with its reason)."""
    def rule(user, ticket):
        entry = TRANSITIONS.get((ticket.status, action))
        return entry is None or bool(roles_of(ticket, user) & entry[1])
    return rule


def allowed_actions(ticket, user):
    """Actions ``user`` may take on ``ticket`` now (for buttons and the API)."""
    roles = roles_of(ticket, user) - {"system"} if user is not None else set()
    return MACHINE.allowed(ticket, lambda _action, entry: roles & entry[1])


class Step(NamedTuple):
    """A transition taken: what ``log`` writes down."""
    action: str
    from_status: Status
    to_status: Status
    closure: Closure | None
    at: datetime


def transition(actor, ticket, action, *, now=None):
    """Move ``ticket`` along the table for ``action`` done by ``actor`` (None:
    the system), without writing it down (``log`` does).  Raises
    TransitionNotAllowed for an action the state does not allow and NotAllowed
    for a role that may not take it.

    A stored ticket moves through a guarded UPDATE, so only one of two
    simultaneous requests moves it from this state; a ticket being filed (not
    stored yet, so nobody else can see it) moves in memory and is stored in
    its new state."""
    new_status, allowed, closure = MACHINE.entry(ticket, action)
    if not roles_of(ticket, actor) & allowed:
        raise NotAllowed(_l("You may not do this to this ticket."), "action")
    now = now or utcnow()
    old_status = ticket.status
    if db.inspect(ticket).has_identity:
        moved = db.session.execute(
            db.update(Ticket).where(Ticket.id == ticket.id, Ticket.status == old_status)
            .values(status=new_status, updated_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if not moved:
            db.session.refresh(ticket)
            raise TransitionNotAllowed(_l("Someone else changed this ticket just now. Look "
                                          "at it again."), "action")
    ticket.status = new_status
    if closure is not None:
        ticket.closure = closure
        ticket.closed_at = now
    ticket.updated_at = now
    return Step(action, old_status, new_status, closure, now)


def add_event(ticket, kind, *, actor=None, action="", from_status=None, to_status=None,
              body="", public=True, at=None):
    """Add one line to the ticket's timeline (the ticket is stored by now)."""
    event = TicketEvent(ticket_id=ticket.id, kind=kind, action=action,
                        actor_id=getattr(actor, "id", None), from_status=from_status,
                        to_status=to_status, body=body, public=public,
                        created_at=at or utcnow())
    db.session.add(event)
    return event


def log(actor, ticket, step, *, body="", public=True):
    """The timeline event and the audit entry of a transition taken (the
    ticket is stored by now); returns the event."""
    event = add_event(ticket, EventKind.transition, actor=actor, action=step.action,
                      from_status=step.from_status, to_status=step.to_status, body=body,
                      public=public, at=step.at)
    record(actor, f"ticket.{step.action}", ticket, object_id=ticket.id,
           community_id=ticket.community_id,
           summary=f"{ticket.number}: {step.from_status.name} → {step.to_status.name}",
           changes={"status": (step.from_status, step.to_status),
                    **({"closure": (None, step.closure)} if step.closure else {})})
    return event


def apply(actor, ticket, action, *, body="", public=True, now=None):
    """Move ``ticket`` along the table for ``action`` done by ``actor`` (None:
    the system) and write it down: the timeline event and the audit entry;
    returns the event.  Raises as ``transition`` does."""
    return log(actor, ticket, transition(actor, ticket, action, now=now), body=body,
               public=public)

"""An overdue ticket, seen by the resident (issue 17 §7): what happens next —
escalated to whom, and when (DESIGN §5: overdue tickets go to the community's
secretaries, then, still overdue a day later, to the street office; ``flask
tickets sweep``) — and a way to chase it (催办) that reaches whoever holds it."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from ..errors_domain import Conflict, NotAllowed
from ..extensions import db
from ..models import utcnow
from . import notices
from .models import EventKind, TicketEvent
from .services import (handler_user_ids, lock_tickets, secretary_user_ids, ticket_url,
                       users_with_role)
from .sla import SECOND_ESCALATION_AFTER, is_overdue

CHASE_EVERY = timedelta(hours=12)


@dataclass
class Outlook:
    level: int                  # 0: overdue, not escalated yet; 1: secretaries; 2: street office
    overdue_since: datetime
    escalated_at: datetime | None
    next_at: datetime | None    # level 1: when it goes to the street office


def outlook(ticket, now=None):
    """None unless the ticket is open and overdue."""
    if not ticket.is_open or not is_overdue(ticket, now):
        return None
    level = ticket.escalation_level or 0
    next_at = ticket.escalated_at + SECOND_ESCALATION_AFTER \
        if level == 1 and ticket.escalated_at else None
    return Outlook(level, ticket.overdue_at, ticket.escalated_at, next_at)


def may_chase(ticket, user):
    return ticket.is_reporter(user) or ticket.is_affected(user)


def last_chase(ticket):
    return db.session.scalar(db.select(db.func.max(TicketEvent.created_at)).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == EventKind.update,
        TicketEvent.action == "chase"))


def chase(actor, ticket, now=None):
    """The reporter (or an affected household) chases an overdue ticket: a line
    on its timeline and a notification to its handlers and the community's
    secretaries — and the street office once it is escalated there.  Once per
    ``CHASE_EVERY``, so a chase stays a signal."""
    if not may_chase(ticket, actor):
        raise NotAllowed(_l("Only the resident who reported it, or an affected household, can "
                            "chase this ticket."))
    now = now or utcnow()
    if outlook(ticket, now) is None:
        raise Conflict(_l("This ticket is not overdue: it can be chased once its deadline "
                          "has passed."))
    lock_tickets(ticket)    # two chases at once: the second sees the first
    last = last_chase(ticket)
    if last is not None and now - last < CHASE_EVERY:
        raise Conflict(_l("You chased it already; it can be chased again after %(when)s.",
                          when=format_datetime(last + CHASE_EVERY, "short")))
    db.session.add(TicketEvent(ticket_id=ticket.id, kind=EventKind.update, action="chase",
                               actor_id=actor.id, public=True, created_at=now))
    ticket.updated_at = now
    to = handler_user_ids(ticket) | secretary_user_ids(ticket)
    if (ticket.escalation_level or 0) >= 2:
        to |= users_with_role("street_admin", street_office_id=ticket.street_office_id)
    notices.tell(to, "ticket.chased", notices.CHASED, ticket, ticket_url(ticket), actor)
    return ticket

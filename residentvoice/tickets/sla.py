"""Service levels (DESIGN §5): time to acknowledge and to resolve per category,
with defaults from the 12345 hotline's published limits — 2 hours for
emergencies or risks to life or property, 24 hours for water/power/gas/heating,
7 days for general requests, 15 days for complex ones."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..errors_domain import InvalidInput
from ..extensions import db
from ..models import utcnow
from .models import Category, SlaPolicy, deadlines

HOUR = 60
DAY = 24 * HOUR
EMERGENCY = "emergency"
# key → (minutes to acknowledge, minutes to resolve)
DEFAULTS = {
    EMERGENCY: (1 * HOUR, 2 * HOUR),
    "water_drainage": (4 * HOUR, 1 * DAY),
    "rain_sewage": (4 * HOUR, 1 * DAY),
    "insulation": (2 * DAY, 15 * DAY),
    "facade_ac": (2 * DAY, 15 * DAY),
}
GENERAL = (1 * DAY, 7 * DAY)
KEYS = [EMERGENCY] + [c.name for c in Category]
AUTO_CLOSE_AFTER = timedelta(days=7)
# A ticket still overdue this long after reaching the secretaries goes on to
# the street office.
SECOND_ESCALATION_AFTER = timedelta(hours=24)


def default_for(key):
    return DEFAULTS.get(key, GENERAL)


def policies():
    """Every key with its (ack, resolve) minutes: stored rows over defaults."""
    stored = {p.key: p for p in db.session.scalars(db.select(SlaPolicy))}
    return {key: ((stored[key].ack_minutes, stored[key].resolve_minutes)
                  if key in stored else default_for(key)) for key in KEYS}


def policy_for(category, emergency):
    """(ack, resolve) minutes for a new ticket: the street office's row, else
    the default."""
    key = EMERGENCY if emergency else category.name
    row = db.session.get(SlaPolicy, key)
    return (row.ack_minutes, row.resolve_minutes) if row else default_for(key)


def start_clock(ticket, now):
    """Set both deadlines from ``now`` (filing, or reopening)."""
    ack, resolve = policy_for(ticket.category, ticket.emergency)
    ticket.ack_due_at = now + timedelta(minutes=ack)
    ticket.resolve_due_at = now + timedelta(minutes=resolve)
    ticket.escalation_level = 0
    ticket.escalated_at = None


def ensure_defaults():
    """Store the default policies (idempotent), so the street office sees rows."""
    existing = set(db.session.scalars(db.select(SlaPolicy.key)))
    for key in KEYS:
        if key not in existing:
            ack, resolve = default_for(key)
            db.session.add(SlaPolicy(key=key, ack_minutes=ack, resolve_minutes=resolve))
    db.session.flush()


def set_policy(actor, key, ack_hours, resolve_hours):
    """Street office edits an SLA: both times positive, acknowledging no later
    than resolving."""
    if key not in KEYS:
        raise InvalidInput(_l("Unknown category."), "key")
    if not ack_hours or ack_hours <= 0 or not resolve_hours or resolve_hours <= 0:
        raise InvalidInput(_l("Enter a number of hours greater than zero."), "ack_hours")
    if ack_hours > resolve_hours:
        raise InvalidInput(_l("The time to acknowledge cannot be longer than the time to "
                              "resolve."), "ack_hours")
    if resolve_hours > 24 * 365:
        raise InvalidInput(_l("At most one year."), "resolve_hours")
    row = db.session.get(SlaPolicy, key)
    old = (row.ack_minutes, row.resolve_minutes) if row else default_for(key)
    if row is None:
        try:
            with db.session.begin_nested():
                row = SlaPolicy(key=key, ack_minutes=old[0], resolve_minutes=old[1])
                db.session.add(row)
        except IntegrityError:
            # Stored by someone else at the same moment: change that row, as if second.
            row = db.session.get(SlaPolicy, key, populate_existing=True)
            old = (row.ack_minutes, row.resolve_minutes)
    row.ack_minutes = int(round(ack_hours * 60))
    row.resolve_minutes = int(round(resolve_hours * 60))
    row.updated_at = utcnow()
    row.updated_by_id = actor.id
    db.session.flush()
    record(actor, "ticket.sla_changed", object_type="SlaPolicy", object_id=None,
           summary=key, changes={"ack_minutes": (old[0], row.ack_minutes),
                                 "resolve_minutes": (old[1], row.resolve_minutes)})
    return row


def overdue_clause(ticket_cls, now):
    """SQL: the organisation is late — not acknowledged by the acknowledge
    deadline, or not resolved by the resolve deadline (``overdue_at``, stored
    by ``models.deadlines``, is the earlier of the deadlines that apply)."""
    return ticket_cls.overdue_at < now


def is_overdue(ticket, now=None):
    """The same as ``overdue_clause``, from the loaded fields (by the one rule,
    ``models.deadlines``: a change not yet flushed counts too)."""
    _due_at, overdue_at = deadlines(ticket.status, ticket.ack_due_at, ticket.resolve_due_at)
    return overdue_at is not None and overdue_at < (now or utcnow())


def acknowledged_in_time(ticket):
    """响应率's numerator: first acknowledged no later than the first deadline."""
    return bool(ticket.first_acknowledged_at and ticket.first_ack_due_at
                and ticket.first_acknowledged_at <= ticket.first_ack_due_at)

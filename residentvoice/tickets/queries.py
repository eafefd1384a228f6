"""Which tickets a user sees, loaded with what their pages need in a fixed
number of queries (DESIGN §8: queries per page do not grow with the data)."""
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import utcnow
from .models import OPEN_STATUSES, Category, Status, Ticket
from .sla import overdue_clause

WAITING_ACK = (Status.routed, Status.reopened, Status.not_responsible)


def next_due():
    """The deadline that matters now: acknowledging, else resolving."""
    return db.case((Ticket.status.in_(WAITING_ACK), Ticket.ack_due_at),
                   else_=Ticket.resolve_due_at)


def queue_scope(user):
    """SQL condition: tickets routed to the user's organisations, routed to
    their community's secretaries, or in communities they manage."""
    conditions = []
    orgs = user.organisation_ids()
    if orgs:
        conditions.append(Ticket.organisation_id.in_(orgs))
    communities = user.managed_community_ids()
    if communities:
        conditions.append(Ticket.community_id.in_(communities))
    return db.or_(*conditions) if conditions else db.false()


def with_details(query):
    return query.options(joinedload(Ticket.compound), joinedload(Ticket.community),
                         joinedload(Ticket.organisation),
                         joinedload(Ticket.building), joinedload(Ticket.household),
                         selectinload(Ticket.affected))


def queue(user, status=None, compound_id=None, category=None, overdue=False, now=None):
    """The staff queue, sorted by deadline (soonest first, overdue on top)."""
    now = now or utcnow()
    query = db.select(Ticket).where(queue_scope(user))
    if status == "open":
        query = query.where(Ticket.status.in_(OPEN_STATUSES + (Status.resolved,)))
    elif status in Status.__members__:
        query = query.where(Ticket.status == Status[status])
    if compound_id:
        query = query.where(Ticket.compound_id == compound_id)
    if category in Category.__members__:
        query = query.where(Ticket.category == Category[category])
    if overdue:
        query = query.where(overdue_clause(Ticket, now))
    return with_details(query).order_by(next_due().asc().nulls_last(), Ticket.id)


def mine(user):
    """Tickets the user reported or joined ("me too")."""
    from .models import Affected
    joined = db.select(Affected.ticket_id).where(Affected.user_id == user.id)
    return with_details(db.select(Ticket).where(
        db.or_(Ticket.reporter_id == user.id, Ticket.id.in_(joined)))
    ).order_by(Ticket.id.desc())


def awaiting_confirmation(user):
    return db.session.scalars(with_details(db.select(Ticket).where(
        Ticket.reporter_id == user.id, Ticket.status == Status.resolved))
        .order_by(Ticket.resolved_at)).all()


def open_reported(user):
    return db.session.scalars(with_details(db.select(Ticket).where(
        Ticket.reporter_id == user.id, Ticket.status.in_(OPEN_STATUSES)))
        .order_by(Ticket.id.desc()).limit(20)).all()


def queue_count(user):
    return db.session.scalar(db.select(db.func.count(Ticket.id)).where(
        queue_scope(user), Ticket.status.in_(OPEN_STATUSES)))

"""What tickets does for other features, on the signals they send
(``residentvoice.signals``): a ticket for each problem a renovation supervisor
records, and the open tickets for renovation's demand report."""
from .. import signals
from ..directory.models import Building
from ..errors_domain import DomainError
from ..extensions import db
from .models import OPEN_STATUSES, Status, Ticket
from .services import create_ticket


@signals.problem_observed.connect
def file_observed_problem(_sender, *, actor, step, observation):
    """A supervisor recorded a problem at a supervision step: file it as a
    ticket (routed like any other), or note on the observation why not."""
    household = step.household
    description = f"[{step.project.name} · {step.title}] {observation.text}"
    # The supervisor usually lives elsewhere: the ticket names the building and
    # the step's flat in words, and the household itself only when the
    # supervisor lives there or manages the compound.
    own = household is not None and (household.id in actor.household_ids()
                                     or step.project.can_manage(actor))
    try:
        ticket = create_ticket(actor, compound_id=step.project.compound_id,
                               category=observation.category, description=description[:4000],
                               household_id=household.id if own else None,
                               building_id=household.building_id if household else None,
                               location_text=step.title)
    except DomainError as error:
        observation.ticket_note = str(error.message)[:300]
        return
    observation.ticket_id = ticket.id
    db.session.flush()


@signals.open_tickets_wanted.connect
def open_tickets_summary(_sender, *, compound_id):
    """Open tickets per (building, category) of a compound: for renovation's
    demand analysis."""
    rows = db.session.execute(
        db.select(Ticket.building_id, Building.number, Ticket.category,
                  db.func.count(Ticket.id))
        .outerjoin(Building, Building.id == Ticket.building_id)
        .where(Ticket.compound_id == compound_id,
               Ticket.status.in_(OPEN_STATUSES + (Status.resolved,)))
        .group_by(Ticket.building_id, Building.number, Ticket.category)
        .order_by(Building.number, Ticket.category)).all()
    return [{"building_id": b_id, "building": number or "", "category": category.name,
             "count": count} for b_id, number, category, count in rows]

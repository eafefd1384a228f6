"""``flask tickets sweep``: escalate overdue tickets and close unconfirmed
resolutions (DESIGN §5).  Idempotent and safe every few minutes from cron:
each step is a conditional UPDATE that only one run can win."""
from ..audit.services import record
from ..extensions import db
from ..models import utcnow
from . import notices, workflow
from .models import EventKind, Status, Ticket, TicketEvent
from .services import secretary_user_ids, ticket_url, users_with_role
from .sla import AUTO_CLOSE_AFTER, SECOND_ESCALATION_AFTER, overdue_clause

def _recipients(ticket, level):
    if level == 1:
        return secretary_user_ids(ticket)
    return users_with_role("street_admin", street_office_id=ticket.street_office_id)


def _escalate(ticket, level, now):
    """Raise ``ticket`` to ``level`` unless another run already did."""
    won = db.session.execute(
        db.update(Ticket).where(Ticket.id == ticket.id,
                                Ticket.escalation_level == level - 1)
        .values(escalation_level=level, escalated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not won:
        return False
    db.session.refresh(ticket, ["escalation_level", "escalated_at"])
    db.session.add(TicketEvent(ticket_id=ticket.id, kind=EventKind.escalation, level=level,
                               action="escalate", public=False, created_at=now))
    record(None, "ticket.escalated", ticket, community_id=ticket.community_id,
           summary=f"{ticket.number}: level {level}",
           changes={"escalation_level": (level - 1, level)})
    notices.tell(_recipients(ticket, level), "ticket.escalated", notices.ESCALATED[level], ticket,
                 ticket_url(ticket), urgent=ticket.emergency)
    return True


def sweep(now=None):
    """One pass: overdue tickets at level 0 go to the secretaries; still
    overdue at level 1 after SECOND_ESCALATION_AFTER go to the street office;
    resolutions unconfirmed for 7 days close as "closed without confirmation".
    Returns counts of what this run did."""
    now = now or utcnow()
    done = {"secretaries": 0, "street_office": 0, "auto_closed": 0}
    overdue = db.session.scalars(db.select(Ticket).where(
        overdue_clause(Ticket, now), Ticket.escalation_level < 2).order_by(Ticket.id)).all()
    for ticket in overdue:
        if ticket.escalation_level == 0 and _escalate(ticket, 1, now):
            done["secretaries"] += 1
        elif ticket.escalation_level == 1 and ticket.escalated_at is not None and \
                ticket.escalated_at + SECOND_ESCALATION_AFTER <= now and \
                _escalate(ticket, 2, now):
            done["street_office"] += 1
    stale = db.session.scalars(db.select(Ticket).where(
        Ticket.status == Status.resolved,
        Ticket.resolved_at <= now - AUTO_CLOSE_AFTER).order_by(Ticket.id)).all()
    for ticket in stale:
        won = db.session.execute(
            db.update(Ticket).where(Ticket.id == ticket.id, Ticket.status == Status.resolved)
            .values(updated_at=now).execution_options(synchronize_session=False)).rowcount
        if won:
            workflow.apply(None, ticket, "auto_close", now=now)
            done["auto_closed"] += 1
    db.session.flush()
    return done

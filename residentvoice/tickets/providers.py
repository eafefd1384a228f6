"""What tickets offer other features through ``residentvoice.links``: the
"ticket" record links and the providers "create_ticket" and
"open_tickets_summary" (see the cross-feature interfaces)."""
from .. import links
from ..directory.models import Building
from ..extensions import db
from .models import OPEN_STATUSES, Status, Ticket
from .services import create_ticket, ticket_url


def resolve_ticket_links(ids, user):
    tickets = db.session.scalars(db.select(Ticket).where(Ticket.id.in_(ids))).all()
    return {t.id: links.Link("ticket", t.id, f"{t.number} {t.category.value}",
                             ticket_url(t),
                             summary=t.description[:120],
                             extra={"status": t.status.name})
            for t in tickets if t.can_view(user)}


def provide_create_ticket(actor, *, compound_id, category, description, household_id=None,
                          building_id=None, location_text="", emergency=False, public=False,
                          source="web"):
    return create_ticket(actor, compound_id=compound_id, category=category,
                         description=description, household_id=household_id,
                         building_id=building_id, location_text=location_text,
                         emergency=emergency, public=public, source=source)


def open_tickets_summary(compound_id):
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


def register():
    links.register("ticket", resolve_ticket_links)
    links.provide("create_ticket", provide_create_ticket)
    links.provide("open_tickets_summary", open_tickets_summary)


register()

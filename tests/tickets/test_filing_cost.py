"""Filing a ticket costs the same whatever the data: its SQL statements do not
grow with tickets, routing rules, households or the people notified; and
what it writes is all there, in the order it happened."""
from sqlalchemy import event

from residentvoice.audit.models import AuditEntry
from residentvoice.extensions import db as _db
from residentvoice.notifications.models import Notification
from residentvoice.tickets import services
from residentvoice.tickets.models import EventKind, Status, Ticket, TicketEvent, deadlines

from .conftest import Category


def _statements(db, send):
    db.session.commit()  # the test's own writes, before counting
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        response = send()
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    assert response.status_code == 201, response.get_data(True)
    # The test's savepoint around the request is not the request's own.
    return [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def _grow(world, factory, file_ticket):
    """More of everything a filing could look at: tickets in the same place
    and elsewhere, rules for other categories and compounds, households,
    and staff to notify."""
    for n in range(3):
        compound = factory.compound(world.community_a)
        world.organisation.compounds.append(compound)
        building = factory.building(compound)
        for _ in range(3):
            factory.household(building)
        for category in ("roads", "greenery", "noise"):
            services.set_rule(world.secretary, compound, category, world.organisation.id)
        services.set_rule(world.secretary, world.compound_a, list(Category)[n].name,
                          world.other_org.id)
        factory.staff(world.organisation)
    for _ in range(3):
        factory.household(world.building_a)
    for n in range(6):
        file_ticket(category="facade_ac" if n % 2 else "roads")


def test_filing_through_the_api_does_not_grow(world, factory, file_ticket, api, db):
    api.login(world.resident)
    body = {"compound_id": world.compound_a.id, "category": "facade_ac",
            "household_id": world.household_a.id, "description": "空调外机震动"}

    def create():
        return api.post("/api/v1/tickets", json=body)

    create()  # the first request of a session warms caches
    few = _statements(db, create)
    _grow(world, factory, file_ticket)
    many = _statements(db, create)
    assert len(many) == len(few), "\n".join(few) + "\n=====\n" + "\n".join(many)
    # Nothing read twice: the token's user, the compound (with its community;
    # the test's session may read them apart), SLA, warranty, rule, the ticket,
    # its three timeline lines and three audit entries (the ORM's INSERTs: one a
    # row on SQLite, batched on PostgreSQL), the handlers and their notifications
    # (one INSERT for all of them), and its search document (one INSERT).
    assert len(many) <= 16, "\n".join(many)
    assert sum(s.lstrip().upper().startswith("INSERT INTO SEARCH_DOCUMENT") for s in many) == 1
    assert sum(s.lstrip().upper().startswith("INSERT INTO NOTIFICATION") for s in many) == 1
    assert not any(s.lstrip().upper().startswith("UPDATE TICKET") for s in many)


def test_a_filed_ticket_is_written_whole_and_in_order(world, factory, file_ticket, db):
    second = factory.staff(world.organisation)
    ticket = file_ticket()
    assert ticket.status is Status.routed and ticket.routing_basis == "rule"
    assert (ticket.due_at, ticket.overdue_at) == deadlines(
        Status.routed, ticket.ack_due_at, ticket.resolve_due_at)
    db.session.expire_all()
    stored = db.session.get(Ticket, ticket.id)
    assert stored.status is Status.routed and stored.organisation_id == world.organisation.id
    assert (stored.due_at, stored.overdue_at) == (stored.ack_due_at, stored.ack_due_at)
    timeline = db.session.scalars(db.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all()
    assert [(e.kind, e.action, e.from_status, e.to_status, e.body) for e in timeline] == [
        (EventKind.transition, "submit", None, Status.submitted, ""),
        (EventKind.routing, "rule", None, None, world.organisation.name),
        (EventKind.transition, "route", Status.submitted, Status.routed, "")]
    assert all(e.public and not e.hidden and e.created_at == ticket.created_at
               for e in timeline)
    audit = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.object_type == "Ticket", AuditEntry.object_id == ticket.id)
        .order_by(AuditEntry.id)).all()
    assert [a.action for a in audit] == ["ticket.created", "ticket.route", "ticket.routed"]
    assert audit[1].changes == {"status": ["submitted", "routed"]}
    assert audit[2].summary == f"{ticket.number} → {world.organisation.name} (rule)"
    notes = db.session.scalars(db.select(Notification).where(
        Notification.kind == "ticket.routed", Notification.url == f"/tickets/{ticket.id}")
        .order_by(Notification.id)).all()
    assert [n.user_id for n in notes] == sorted({world.staff.id, second.id})
    assert notes[0].params == {"number": ticket.number, "subject": "空调外机震动"}
    assert notes[0].read_at is None


def test_filed_to_the_secretaries_when_no_rule(world, file_ticket, db):
    ticket = file_ticket(category="noise")
    assert ticket.organisation_id is None and ticket.routing_basis == "secretaries"
    notes = db.session.scalars(db.select(Notification.user_id).where(
        Notification.url == f"/tickets/{ticket.id}")).all()
    assert notes == [world.secretary.id]

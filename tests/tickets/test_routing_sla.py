"""Routing (warranty → rule → secretaries), the SLA sweep and auto-closing."""
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from residentvoice.notifications.models import Notification
from residentvoice.models import utcnow
from residentvoice.tickets import actions, routing, sla
from residentvoice.tickets.models import Closure, EventKind, Status, TicketEvent
from residentvoice.tickets.sweep import sweep


def test_active_warranty_routes_to_the_party_that_signed_it(world, file_ticket, monkeypatch):
    seen = {}

    def active_warranty_for(compound_id, category_code, *, building_id=None,
                            household_id=None, at=None):
        seen.update(compound=compound_id, category=category_code, household=household_id)
        return SimpleNamespace(id=7, organisation_id=world.other_org.id,
                               organisation=world.other_org, ends_on=date(2027, 6, 30),
                               title="外立面保修协议")

    monkeypatch.setattr(routing, "active_warranty_for", active_warranty_for)
    ticket = file_ticket()
    assert seen == {"compound": world.compound_a.id, "category": "facade_ac",
                    "household": world.household_a.id}
    assert ticket.organisation_id == world.other_org.id  # over the rule
    assert ticket.routing_basis == "warranty" and ticket.warranty_until == date(2027, 6, 30)


def test_rule_routes_when_no_warranty(world, file_ticket, monkeypatch):
    monkeypatch.setattr(routing, "active_warranty_for", lambda *a, **k: None)
    ticket = file_ticket()
    assert ticket.organisation_id == world.organisation.id
    assert ticket.routing_basis == "rule" and ticket.status is Status.routed


def test_no_rule_goes_to_the_secretaries_never_nowhere(world, file_ticket, monkeypatch):
    ticket = file_ticket(category="greenery")
    assert ticket.organisation_id is None and ticket.routing_basis == "secretaries"
    assert ticket.is_handler(world.secretary) and not ticket.is_handler(world.staff)
    actions.acknowledge(world.secretary, ticket)
    assert ticket.status is Status.acknowledged


def test_sla_defaults_follow_12345(world, file_ticket):
    water = file_ticket(category="water_drainage")
    assert water.resolve_due_at - water.created_at == timedelta(hours=24)
    general = file_ticket(category="roads")
    assert general.resolve_due_at - general.created_at == timedelta(days=7)
    complex_ = file_ticket(category="insulation")
    assert complex_.resolve_due_at - complex_.created_at == timedelta(days=15)
    urgent = file_ticket(category="roads", emergency=True)
    assert urgent.resolve_due_at - urgent.created_at == timedelta(hours=2)


def test_street_office_edits_sla(world, file_ticket):
    sla.set_policy(world.street_admin, "roads", 2, 48)
    ticket = file_ticket(category="roads")
    assert ticket.ack_due_at - ticket.created_at == timedelta(hours=2)
    assert ticket.resolve_due_at - ticket.created_at == timedelta(hours=48)


def _notes(db, kind, ticket):
    return db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.kind == kind, Notification.url == f"/tickets/{ticket.id}"))


def test_sweep_escalates_twice_and_is_idempotent(world, file_ticket, db):
    start = utcnow() - timedelta(days=3)
    ticket = file_ticket(category="water_drainage", now=start)
    fresh = file_ticket(category="roads")
    now = utcnow()
    assert sweep(now) == {"secretaries": 1, "street_office": 0, "auto_closed": 0}
    assert ticket.escalation_level == 1 and fresh.escalation_level == 0
    assert _notes(db, "ticket.escalated", ticket) == 1  # the one secretary
    assert sweep(now) == {"secretaries": 0, "street_office": 0, "auto_closed": 0}
    later = now + timedelta(hours=25)
    assert sweep(later)["street_office"] == 1
    assert ticket.escalation_level == 2
    assert sweep(later + timedelta(hours=1)) == {"secretaries": 0, "street_office": 0,
                                                 "auto_closed": 0}
    levels = db.session.scalars(db.select(TicketEvent.level).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == EventKind.escalation)).all()
    assert levels == [1, 2]
    assert _notes(db, "ticket.escalated", ticket) == 2  # secretary, then street admin


def test_unconfirmed_resolution_closes_after_seven_days(world, file_ticket):
    ticket = file_ticket()
    start = utcnow() - timedelta(days=8)
    actions.acknowledge(world.staff, ticket, now=start)
    actions.resolve(world.staff, ticket, "已修", now=start)
    recent = file_ticket(category="roads")
    recent_org_handler = recent.organisation_id
    assert recent_org_handler is None
    actions.acknowledge(world.secretary, recent)
    actions.resolve(world.secretary, recent, "已修")
    assert sweep()["auto_closed"] == 1
    assert ticket.status is Status.closed and ticket.closure is Closure.unconfirmed
    assert ticket.rating is None
    assert recent.status is Status.resolved
    assert sweep()["auto_closed"] == 0


def test_renovation_project_rule_wins_over_the_compound_rule(world, file_ticket, monkeypatch):
    from residentvoice.errors_domain import InvalidInput
    from residentvoice.tickets import services
    monkeypatch.setattr(routing, "active_warranty_for", lambda *a, **k: None)

    def projects(ids):
        return {i: SimpleNamespace(id=i, name="外立面改造", compound_id=world.compound_a.id)
                for i in ids if i == 5}

    monkeypatch.setattr(services, "projects_by_id", projects)
    services.set_rule(world.secretary, world.compound_a, "facade_ac", world.other_org.id,
                      project_id=5)
    assert file_ticket().organisation_id == world.other_org.id
    with pytest.raises(InvalidInput) as error:
        services.set_rule(world.secretary, world.compound_a, "roads", world.other_org.id,
                          project_id=6)
    assert error.value.field == "project_id"

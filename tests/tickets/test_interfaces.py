"""What tickets offer other features (links, providers), the audit trail and
the CLI commands."""
from datetime import timedelta

from residentvoice import links
from residentvoice.audit.models import AuditEntry
from residentvoice.models import utcnow
from residentvoice.open311.models import ApiKey
from residentvoice.tickets import actions
from residentvoice.tickets.models import Status, Ticket


def test_create_ticket_provider_routes_the_ticket(world):
    create = links.provided("create_ticket")
    ticket = create(world.staff, compound_id=world.compound_a.id, category="facade_ac",
                    description="巡查发现空调支架松动", building_id=world.building_a.id)
    assert ticket.id and ticket.status is Status.routed
    assert ticket.organisation_id == world.organisation.id


def test_open_tickets_summary_provider(world, file_ticket):
    file_ticket()
    file_ticket()
    closed = file_ticket(category="roads")
    actions.acknowledge(world.secretary, closed)
    actions.refuse(world.secretary, closed, "不处理")
    summary = links.provided("open_tickets_summary")(world.compound_a.id)
    assert summary == [{"building_id": world.building_a.id, "building": "1",
                        "category": "facade_ac", "count": 2}]


def test_ticket_links_respect_visibility(world, file_ticket):
    ticket = file_ticket()
    seen = links.resolve_links([("ticket", ticket.id)], world.resident)
    assert seen[("ticket", ticket.id)].url == f"/tickets/{ticket.id}"
    assert links.resolve_links([("ticket", ticket.id)], world.other_resident) == {}


def test_every_change_is_audited(world, file_ticket, db):
    ticket = file_ticket()
    actions.acknowledge(world.staff, ticket)
    audited = db.session.scalars(db.select(AuditEntry.action).where(
        AuditEntry.object_type == "Ticket", AuditEntry.object_id == ticket.id)
        .order_by(AuditEntry.id)).all()
    assert audited == ["ticket.created", "ticket.route", "ticket.routed", "ticket.acknowledge"]


def test_sweep_command_is_idempotent(world, file_ticket, runner, db):
    ticket = file_ticket(category="water_drainage", now=utcnow() - timedelta(days=2))
    first = runner.invoke(args=["tickets", "sweep"])
    assert first.exit_code == 0 and "secretaries: 1" in first.output
    second = runner.invoke(args=["tickets", "sweep"])
    assert "secretaries: 0" in second.output
    assert db.session.get(Ticket, ticket.id).escalation_level == 1


def test_api_keys_commands_store_only_a_hash(runner, db):
    created = runner.invoke(args=["api-keys", "create", "--name", "12345"])
    assert created.exit_code == 0, created.output
    raw = created.output.split(": ", 1)[1].split()[0]
    key = db.session.scalar(db.select(ApiKey))
    assert raw.startswith("o311_") and raw not in (key.key_hash, key.prefix)
    assert key.prefix in runner.invoke(args=["api-keys", "list"]).output
    assert runner.invoke(args=["api-keys", "revoke", str(key.id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["api-keys", "list"]).output
    assert runner.invoke(args=["api-keys", "revoke", "nope"]).exit_code != 0

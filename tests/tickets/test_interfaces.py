"""What tickets answers other features (open tickets for renovation's demand
report), the audit trail and the CLI commands."""
from datetime import timedelta

from residentvoice import signals
from residentvoice.audit.models import AuditEntry
from residentvoice.models import utcnow
from residentvoice.open311.models import ApiKey
from residentvoice.tickets import actions
from residentvoice.tickets.models import Ticket


def test_open_tickets_answered_for_the_demand_report(world, file_ticket):
    file_ticket()
    file_ticket()
    closed = file_ticket(category="roads")
    actions.acknowledge(world.secretary, closed)
    actions.refuse(world.secretary, closed, "不处理")
    [(_receiver, summary)] = signals.open_tickets_wanted.send(None,
                                                              compound_id=world.compound_a.id)
    assert summary == [{"building_id": world.building_a.id, "building": "1",
                        "category": "facade_ac", "count": 2}]


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

"""The demo tickets of DESIGN §7: the vibrating air conditioner in 东四十条甲34号院
routed to the facade contractor, tickets in every state, idempotent."""
from residentvoice.tickets.demo import AC_TEXT, FACADE
from residentvoice.tickets.models import Closure, RoutingRule, SlaPolicy, Status, Ticket


def test_demo_tickets(runner, db):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    ac = db.session.scalar(db.select(Ticket).where(Ticket.description == AC_TEXT))
    assert ac.compound.code == "DSST34" and ac.organisation.name == FACADE
    assert ac.status is Status.routed and ac.reporter.phone == "13800000001"
    tickets = db.session.scalars(db.select(Ticket)).all()
    assert {t.compound.code for t in tickets} >= {"DSST34", "BGT2", "CQY"}
    assert {t.closure for t in tickets} >= {Closure.fixed, Closure.not_fixed,
                                            Closure.unconfirmed}
    assert any(t.reopen_count for t in tickets) and any(t.rating for t in tickets)
    assert db.session.scalar(db.select(db.func.count(SlaPolicy.key))) == 12
    rules = db.session.scalar(db.select(db.func.count(RoutingRule.id)))
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(db.select(db.func.count(Ticket.id))) == len(tickets)
    assert db.session.scalar(db.select(db.func.count(RoutingRule.id))) == rules


def test_demo_ticket_history_for_a_district(runner, db):
    """``--tickets N``: up to N tickets in all, the generated ones in every
    compound, routed by its rules, with the deadlines the queue reads."""
    from residentvoice.tickets.models import deadlines
    done = runner.invoke(args=["demo", "--tickets", "400"])
    assert done.exit_code == 0, done.output
    tickets = db.session.scalars(db.select(Ticket)).all()
    assert len(tickets) == 400
    assert {t.compound.code for t in tickets} >= {"DSST34", "BGT2", "CQY"}
    assert {t.status for t in tickets} >= {Status.closed, Status.in_progress, Status.routed}
    rules = {(r.compound_id, r.category): r.organisation_id
             for r in db.session.scalars(db.select(RoutingRule))}
    for t in tickets:
        assert (t.due_at, t.overdue_at) == deadlines(t.status, t.ack_due_at, t.resolve_due_at)
        assert t.organisation_id == rules.get((t.compound_id, t.category))
        assert (t.closure is not None) == (t.status is Status.closed)
        assert t.reporter.resident_roles()
    again = runner.invoke(args=["demo", "--tickets", "400"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(db.select(db.func.count(Ticket.id))) == 400

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

"""The transition table (DESIGN §5): each transition for each role, inputs
each one needs, reopening, handing back and rerouting."""
from datetime import timedelta

import pytest

from residentvoice.dates import beijing_today
from residentvoice.errors_domain import InvalidInput, NotAllowed, TransitionNotAllowed
from residentvoice.tickets import actions, workflow
from residentvoice.tickets.models import Closure, Status

VALID = {"start": {"planned_for": beijing_today() + timedelta(days=2)},
         "resolve": {"note": "修好了"}, "confirm": {"rating": 5}, "reopen": {"comment": "没修好"},
         "hand_back": {"comment": "不归我们管"}, "reroute": {"organisation_id": None},
         "refuse": {"comment": "不予处理"}}
ACTORS = ("resident", "other_resident", "secretary", "other_secretary", "staff",
          "other_staff", "street_admin")
ROLES_OF = {"resident": {"reporter"}, "secretary": {"moderator", "secretary"},
            "street_admin": {"moderator"}, "staff": {"handler"}}
CASES = [(state, action, actor) for (state, action) in workflow.TRANSITIONS
         if action not in ("route", "auto_close") for actor in ACTORS]


@pytest.mark.parametrize("state,action,actor", CASES,
                         ids=[f"{s.name}-{a}-{u}" for s, a, u in CASES])
def test_each_transition_for_each_role(world, file_ticket, db, state, action, actor):
    ticket = file_ticket()
    original = file_ticket(category="roads")
    ticket.status = state
    db.session.flush()
    data = dict(VALID.get(action, {}))
    if action == "mark_duplicate":
        data["duplicate_of"] = original.id
    allowed = bool(ROLES_OF.get(actor, set()) & workflow.TRANSITIONS[(state, action)][1])
    user = getattr(world, actor)
    if allowed:
        actions.perform(user, ticket, action, data)
        assert ticket.status is workflow.TRANSITIONS[(state, action)][0]
    else:
        with pytest.raises(NotAllowed):
            actions.perform(user, ticket, action, data)
        assert ticket.status is state


def test_routed_ticket_cannot_be_closed_or_confirmed(world, file_ticket):
    ticket = file_ticket()
    assert ticket.status is Status.routed
    with pytest.raises(TransitionNotAllowed):
        actions.confirm(world.resident, ticket, 5)
    with pytest.raises(TransitionNotAllowed):
        actions.refuse(world.secretary, ticket, "关闭")
    assert ticket.status is Status.routed and ticket.closure is None


def test_reopen_needs_a_comment_and_goes_back_to_the_same_organisation(world, file_ticket):
    ticket = file_ticket()
    actions.acknowledge(world.staff, ticket)
    actions.resolve(world.staff, ticket, "已加固")
    with pytest.raises(InvalidInput) as error:
        actions.reopen(world.resident, ticket, "  ")
    assert error.value.field == "comment"
    assert ticket.status is Status.resolved
    actions.reopen(world.resident, ticket, "还在震")
    assert ticket.status is Status.reopened
    assert ticket.organisation_id == world.organisation.id
    assert ticket.reopen_count == 1
    actions.acknowledge(world.staff, ticket)
    actions.resolve(world.staff, ticket, "换了减震垫")
    actions.confirm(world.resident, ticket, 5)
    assert ticket.status is Status.closed and ticket.closure is Closure.fixed
    assert ticket.rating == 5


def test_reporter_must_rate_when_confirming(world, file_ticket):
    ticket = file_ticket()
    actions.acknowledge(world.staff, ticket)
    actions.resolve(world.staff, ticket, "已处理")
    for bad in (None, 0, 6, "x"):
        with pytest.raises(InvalidInput):
            actions.confirm(world.resident, ticket, bad)
    assert ticket.status is Status.resolved
    actions.confirm(world.secretary, ticket, None)  # on the resident's behalf
    assert ticket.closure is Closure.fixed and ticket.rating is None


def test_not_responsible_then_reroute(world, file_ticket):
    ticket = file_ticket()
    with pytest.raises(InvalidInput):
        actions.hand_back(world.staff, ticket, "")
    actions.hand_back(world.staff, ticket, "这是物业的事")
    assert ticket.status is Status.not_responsible
    with pytest.raises(InvalidInput):
        actions.reroute(world.secretary, ticket, world.organisation.id)
    actions.reroute(world.secretary, ticket, world.other_org.id, "转物业")
    assert ticket.status is Status.routed
    assert ticket.organisation_id == world.other_org.id
    assert ticket.routing_basis == "manual"
    assert not ticket.can_view(world.staff) and ticket.can_view(world.other_staff)


def test_start_needs_a_planned_date_not_in_the_past(world, file_ticket):
    ticket = file_ticket()
    actions.acknowledge(world.staff, ticket)
    with pytest.raises(InvalidInput):
        actions.start(world.staff, ticket, None)
    with pytest.raises(InvalidInput):
        actions.start(world.staff, ticket, beijing_today() - timedelta(days=3))
    assert ticket.status is Status.acknowledged


def test_duplicate_counts_the_household_on_the_original(world, factory, file_ticket):
    original = file_ticket(public=True)
    neighbour = factory.resident(world.household_a2)
    copy = file_ticket(reporter=neighbour, household=world.household_a2)
    actions.mark_duplicate(world.secretary, copy, original.id)
    assert copy.status is Status.duplicate and copy.duplicate_of_id == original.id
    assert original.affected_count == 2
    with pytest.raises(InvalidInput):
        actions.mark_duplicate(world.secretary, file_ticket(), 999999)


def test_a_stale_ticket_cannot_move_twice(world, file_ticket, db):
    """Two requests acknowledge at once: the second finds the state changed."""
    from residentvoice.tickets.models import Ticket
    ticket = file_ticket()
    db.session.execute(db.update(Ticket).where(Ticket.id == ticket.id)
                       .values(status=Status.acknowledged)
                       .execution_options(synchronize_session=False))
    with pytest.raises(TransitionNotAllowed):
        actions.acknowledge(world.staff, ticket)
    assert ticket.status is Status.acknowledged

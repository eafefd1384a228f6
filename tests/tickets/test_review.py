"""Rules found broken in the review of DESIGN §5 — each test fails when the rule breaks."""
from datetime import datetime, time

import pytest

from residentvoice.errors_domain import NotAllowed
from residentvoice.renovation.models import WarrantyPart
from residentvoice.tickets import actions, services
from residentvoice.tickets.models import Closure, Status

from ..renovation.helpers import project, warranty


def _resolved(world, file_ticket):
    ticket = file_ticket()
    actions.acknowledge(world.staff, ticket)
    actions.resolve(world.staff, ticket, "已加固")
    return ticket


def test_the_street_office_neither_confirms_nor_reopens(world, file_ticket):
    """Only the reporter, or a secretary on their behalf, confirms or reopens."""
    ticket = _resolved(world, file_ticket)
    with pytest.raises(NotAllowed):
        actions.confirm(world.street_admin, ticket, 5)
    with pytest.raises(NotAllowed):
        actions.reopen(world.street_admin, ticket, "没修好")
    assert ticket.status is Status.resolved
    assert not ticket.can_confirm(world.street_admin)
    actions.confirm(world.secretary, ticket)          # on the reporter's behalf
    assert ticket.status is Status.closed and ticket.closure is Closure.fixed


def test_the_street_office_gets_no_confirm_buttons(world, file_ticket, auth, client):
    ticket = _resolved(world, file_ticket)
    auth.login(world.street_admin)
    page = client.get(f"/tickets/{ticket.id}").get_data(True)
    assert f"/tickets/{ticket.id}/act/confirm" not in page
    assert client.post(f"/tickets/{ticket.id}/act/confirm",
                       data={"confirm-rating": "5"}).status_code == 403
    assert ticket.status is Status.resolved


@pytest.mark.parametrize("utc_hour, covered", [(15, True), (17, False)])
def test_warranty_is_judged_on_the_local_calendar_day(world, db, utc_hour, covered):
    """A warranty's last day is a Beijing date: 01:00 the next morning (17:00
    UTC) is past it, 23:00 (15:00 UTC) is not."""
    work = project(world.compound_a, world.other_org)
    signed = warranty(work, household=world.household_a, kind="water_drainage")
    last_day = db.session.scalar(db.select(WarrantyPart.ends_on).where(
        WarrantyPart.warranty_id == signed.id))
    when = datetime.combine(last_day, time(utc_hour))
    ticket = services.create_ticket(
        world.resident, compound_id=world.compound_a.id, category="water_drainage",
        description="楼上漏水", household_id=world.household_a.id, now=when)
    assert (ticket.routing_basis == "warranty") is covered
    assert (ticket.organisation_id == world.other_org.id) is covered


def test_a_json_true_is_not_a_rating_of_one(world, file_ticket, api):
    """满意率 counts ratings 1–5 only: ``"rating": true`` is refused, not stored as 1."""
    ticket = _resolved(world, file_ticket)
    api.login(world.resident)
    answer = api.post(f"/api/v1/tickets/{ticket.id}/confirmation",
                      json={"fixed": True, "rating": True})
    assert answer.status_code in (400, 422)
    assert ticket.status is Status.resolved and ticket.rating is None

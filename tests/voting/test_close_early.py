"""Closing a ballot before its closing time (issue 17 §10): the secretary
sees how many households have not voted, must give a reason, and the reason
is printed on the results notice."""
from datetime import timedelta

import pytest

from residentvoice.errors_domain import InvalidInput
from residentvoice.models import utcnow
from residentvoice.voting.casting import cast_phone_vote
from residentvoice.voting.closing import close_by_hand, not_voted
from residentvoice.voting.models import BallotStatus

from .helpers import make_ballot, option


def test_closing_early_needs_a_reason(factory, db):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a)
    with pytest.raises(InvalidInput) as error:
        close_by_hand(world.secretary, ballot, "  ")
    assert error.value.field == "reason"
    assert ballot.status is BallotStatus.open
    close_by_hand(world.secretary, ballot, "施工方案调整")
    assert ballot.status is BallotStatus.closed
    assert ballot.early_close_reason == "施工方案调整"


def test_at_the_closing_time_no_reason_is_needed(factory, db):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a)
    close_by_hand(world.secretary, ballot, "", now=ballot.closes_at + timedelta(minutes=1))
    assert ballot.status is BallotStatus.closed and ballot.early_close_reason is None


def test_the_close_page_counts_who_has_not_voted_and_the_notice_gives_the_reason(
        client, auth, factory, db):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a)
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
    missing, total = not_voted(ballot)
    assert missing == total - 1 and total >= 2
    auth.login(world.secretary)
    show = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert f"/ballots/{ballot.id}/close" in show
    page = client.get(f"/ballots/{ballot.id}/close").get_data(as_text=True)
    assert f"{total} 户中有 {missing} 户尚未投票" in page
    refused = client.post(f"/ballots/{ballot.id}/close", data={"reason": ""})
    assert refused.status_code == 422 and ballot.status is BallotStatus.open
    # the old one-button close no longer closes early without a reason
    client.post(f"/ballots/{ballot.id}/do/close")
    assert ballot.status is BallotStatus.open
    done = client.post(f"/ballots/{ballot.id}/close", data={"reason": "施工方案调整，需重新征求意见"})
    assert done.status_code == 302 and ballot.status is BallotStatus.closed
    notice = client.get(f"/ballots/{ballot.id}/notice").get_data(as_text=True)
    assert "提前截止" in notice and "施工方案调整，需重新征求意见" in notice
    assert f"{total} 户中有 {missing} 户" in notice


def test_a_due_ballot_closes_without_a_reason(factory, db):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a,
                         closes_at=utcnow() + timedelta(minutes=1))
    close_by_hand(world.secretary, ballot, "", now=utcnow() + timedelta(minutes=2))
    assert ballot.status is BallotStatus.closed

"""The hand-off with the real voting and meetings features: a ballot made from two proposals
(Civil Code art. 278 (8)), voted, closed; the ballot_closed signal decides the space."""
from datetime import datetime, timedelta

import pytest

from residentvoice import signals
from residentvoice.voting import casting
from residentvoice.voting import services as voting
from residentvoice.spaces import handoff
from residentvoice.spaces.models import ProposalStatus as P
from residentvoice.spaces.models import SpaceStatus as S

from .helpers import make_proposal, make_space

ANNOUNCED = datetime(2024, 5, 1, 9)
DATES = {"announced_at": ANNOUNCED, "opens_at": ANNOUNCED + timedelta(days=16),
         "closes_at": ANNOUNCED + timedelta(days=23)}


@pytest.fixture
def w(factory):
    world = factory.world()
    world.neighbour = factory.resident(world.household_a2, name="赵大爷")
    world.space = make_space(world)
    world.piles = make_proposal(world, world.space, title="充电桩", kind="charging_piles")
    world.shed = make_proposal(world, world.space, title="车棚")
    return world


def _vote_and_close(w, ballot, choices):
    voting.announce(w.secretary, ballot, now=ANNOUNCED)
    voting.open_ballot(w.secretary, ballot, now=DATES["opens_at"] + timedelta(minutes=1))
    options = {o.ref: o.id for o in ballot.options}
    for user, household, ref in choices:
        casting.cast_phone_vote(user, ballot, household.id, options[ref],
                                now=DATES["opens_at"] + timedelta(hours=1))
    return voting.close_ballot(w.secretary, ballot, now=DATES["closes_at"] + timedelta(minutes=1))


def test_owners_choose_the_bike_shed(w):
    ballot = handoff.create_ballot(w.secretary, w.space, [w.piles.id, w.shed.id], DATES)
    assert ballot.matter.name == "common_parts_use" and ballot.basis.name == "owners"
    assert (w.piles.status, w.shed.status) == (P.voting, P.voting)
    shed = ("proposal", w.shed.id)
    result = _vote_and_close(w, ballot, [(w.resident, w.household_a, shed),
                                         (w.neighbour, w.household_a2, shed)])
    assert result.passed
    assert w.shed.status is P.accepted and w.piles.status is P.rejected
    assert w.space.status is S.decided
    assert signals.look_up_links([("ballot", ballot.id)], w.resident)


def test_a_failed_ballot_rejects_both_and_the_space_stays_open(w):
    ballot = handoff.create_ballot(w.secretary, w.space, [w.piles.id, w.shed.id], DATES)
    result = _vote_and_close(w, ballot, [
        (w.resident, w.household_a, ("proposal", w.shed.id)),
        (w.neighbour, w.household_a2, ("proposal", w.piles.id))])
    assert not result.passed
    assert (w.piles.status, w.shed.status) == (P.rejected, P.rejected)
    assert w.space.status is S.deliberating


def test_agenda_with_the_real_meetings_feature(factory):
    from residentvoice.meetings import services as meetings
    from residentvoice.meetings import models
    from residentvoice.models import utcnow
    w = factory.world()
    space = make_space(w)
    piles = make_proposal(w, space, title="充电桩", kind="charging_piles")
    shed = make_proposal(w, space, title="车棚")
    meeting = meetings.create_meeting(
        w.secretary, compound_id=w.compound_a.id, title="腾退空间议事会",
        kind=models.MeetingKind.council, place="群众接待室",
        starts_at=utcnow() + timedelta(days=3), chair_id=w.secretary.id,
        recorder_id=w.secretary.id, invitees=models.InviteeScope.all_residents)
    assert [m["id"] for m in handoff.upcoming_meetings(w.compound_a.id)] == [meeting.id]
    handoff.put_on_agenda(w.secretary, space, [piles.id, shed.id], meeting.id)
    assert (piles.status, shed.status) == (P.on_agenda, P.on_agenda)
    assert piles.meeting_id == meeting.id
    found = signals.look_up_links([("meeting", meeting.id)], w.secretary)  # a draft meeting
    assert found[("meeting", meeting.id)].title == "腾退空间议事会"

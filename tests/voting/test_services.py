"""Ballot lifecycle and voting rules through the services (DESIGN §4)."""
from datetime import timedelta

import pytest
from flask_babel import force_locale

from residentvoice.auth.models import Relation
from residentvoice.directory.models import OwnerKind
from residentvoice.errors_domain import InvalidInput, NotAllowed, TransitionNotAllowed
from residentvoice.models import utcnow
from residentvoice.voting import services
from residentvoice.voting.casting import cast_phone_vote
from residentvoice.voting.counting import tally
from residentvoice.voting.models import (BallotStatus, ElectorateUnit, Vote)
from residentvoice.voting.paper_entry import enter_paper_vote

from .helpers import make_ballot, option, paper_serial


@pytest.fixture
def world(factory):
    return factory.world()


def votes(db, ballot):
    return db.session.scalars(db.select(Vote).where(Vote.ballot_id == ballot.id)).all()


def test_default_options_and_transitions(db, world):
    ballot = make_ballot(world.secretary, world.compound_a, state="draft")
    assert [o.label for o in ballot.options] == ["同意", "反对", "弃权"]
    assert services.allowed_actions(ballot) == ["announce"]
    with pytest.raises(TransitionNotAllowed):
        services.close_ballot(world.secretary, ballot)
    with pytest.raises(TransitionNotAllowed):
        services.open_ballot(world.secretary, ballot)   # must be announced first
    services.announce(world.secretary, ballot, now=ballot.announced_at)
    services.open_ballot(world.secretary, ballot)
    assert ballot.status is BallotStatus.open
    services.close_ballot(world.secretary, ballot)
    services.publish(world.secretary, ballot)
    assert ballot.status is BallotStatus.published
    assert len(ballot.chain_head) == 64 and ballot.chain_head != ballot.chain_tip  # the seal


@pytest.mark.parametrize("options, message", [
    (["同意"], "at least two"), (["方案甲", "方案甲"], "twice"), (["A", " a "], "twice"),
    (["反对", "弃权"], "can pass"), (["", "B"], "label")])
def test_no_options_or_duplicates_refused(db, world, options, message):
    with pytest.raises(InvalidInput) as error:
        make_ballot(world.secretary, world.compound_a, options=options, state="draft")
    with force_locale("en"):
        assert message in str(error.value.message)
    assert error.value.field == "options"


def test_owners_ballot_needs_fifteen_days_notice(db, world):
    now = utcnow()
    with pytest.raises(InvalidInput) as error:
        make_ballot(world.secretary, world.compound_a, state="draft", announced_at=now,
                    opens_at=now + timedelta(days=14, hours=23), closes_at=now + timedelta(days=20))
    assert error.value.field == "opens_at"
    exactly = make_ballot(world.secretary, world.compound_a, state="draft", announced_at=now,
                          opens_at=now + timedelta(days=15), closes_at=now + timedelta(days=20))
    assert exactly.id
    # residents' ballots need no 15-day notice
    make_ballot(world.secretary, world.compound_a, basis="residents", matter="consultative",
                state="draft", announced_at=now, opens_at=now + timedelta(days=1),
                closes_at=now + timedelta(days=2))


def test_owners_ballot_refuses_to_open_early(db, world):
    now = utcnow()
    ballot = make_ballot(world.secretary, world.compound_a, state="announced",
                         announced_at=now - timedelta(days=14), opens_at=now + timedelta(days=1),
                         closes_at=now + timedelta(days=9))
    with pytest.raises(TransitionNotAllowed):
        services.open_ballot(world.secretary, ballot)
    assert ballot.status is BallotStatus.announced
    with pytest.raises(TransitionNotAllowed):   # 14 days 23 hours after the notice
        services.open_ballot(world.secretary, ballot,
                             now=ballot.announced_at + timedelta(days=14, hours=23))
    assert ballot.status is BallotStatus.announced
    services.open_ballot(world.secretary, ballot, now=ballot.announced_at + timedelta(days=15))
    assert ballot.status is BallotStatus.open


def test_announcing_late_would_shorten_the_notice(db, world):
    now = utcnow()
    ballot = make_ballot(world.secretary, world.compound_a, state="draft",
                         announced_at=now + timedelta(days=1), opens_at=now + timedelta(days=16),
                         closes_at=now + timedelta(days=20))
    services.announce(world.secretary, ballot, now=now)
    assert ballot.announced_at == now
    ballot2 = make_ballot(world.secretary, world.compound_a, state="draft",
                          announced_at=now - timedelta(days=1), opens_at=now + timedelta(days=14),
                          closes_at=now + timedelta(days=20))
    assert ballot2.status is BallotStatus.draft


def test_rules_locked_once_open(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    data = dict(title="x", basis="owners", matter="use_fund", announced_at=ballot.announced_at,
                opens_at=ballot.opens_at, closes_at=ballot.closes_at)
    with pytest.raises(TransitionNotAllowed):
        services.update_ballot(world.secretary, ballot, options=["A", "B"], **data)
    assert ballot.matter.name == "common_parts_use"
    draft = make_ballot(world.secretary, world.compound_a, state="draft")
    services.update_ballot(world.secretary, draft, options=["A", "B"], **data)
    assert [o.label for o in draft.options] == ["A", "B"] and draft.matter.name == "use_fund"


def test_changing_the_topic_after_the_notice_restarts_it(db, world):
    now = utcnow()
    ballot = make_ballot(world.secretary, world.compound_a, state="announced",
                         announced_at=now - timedelta(days=10), opens_at=now + timedelta(days=8),
                         closes_at=now + timedelta(days=20))
    data = dict(basis="owners", matter="common_parts_use", announced_at=ballot.announced_at,
                opens_at=ballot.opens_at, closes_at=ballot.closes_at)
    with pytest.raises(InvalidInput) as error:
        services.update_ballot(world.secretary, ballot, title="另一个事项", now=now, **data)
    assert error.value.field == "opens_at" and ballot.title == "充电桩建设"
    # moving only the closing date is not a new topic
    services.update_ballot(world.secretary, ballot, title="充电桩建设", now=now,
                           **{**data, "closes_at": now + timedelta(days=25)})
    assert ballot.announced_at == now - timedelta(days=10)
    services.update_ballot(world.secretary, ballot, title="另一个事项", now=now,
                           **{**data, "opens_at": now + timedelta(days=15)})
    assert ballot.announced_at == now and ballot.title == "另一个事项"
    services.update_ballot(world.secretary, ballot, title="另一个事项", now=now,
                           **{**data, "opens_at": now + timedelta(days=15),
                              "announced_at": now - timedelta(days=30)})
    assert ballot.announced_at == now     # cannot be backdated once announced


def test_only_managers_create(db, world):
    with pytest.raises(NotAllowed):
        make_ballot(world.other_secretary, world.compound_a, state="draft")
    with pytest.raises(NotAllowed):
        services.apply(world.resident, make_ballot(world.secretary, world.compound_a,
                                                   state="draft"), "announce")


def test_opening_freezes_the_electorate(db, world, factory):
    ballot = make_ballot(world.secretary, world.compound_a)
    units = db.session.scalars(db.select(ElectorateUnit).where(
        ElectorateUnit.ballot_id == ballot.id)).all()
    assert {u.household_id for u in units} == {world.household_a.id, world.household_a2.id}
    assert {u.area_centi for u in units} == {8050, 5525}
    factory.household(world.building_a, area="99.00")   # registered after opening
    world.household_a2.area_m2 = 1
    result = tally(ballot)
    assert result.electorate.units == 2 and result.electorate.area_centi == 13575


def test_closing_sends_the_result(db, world):
    from residentvoice import signals
    seen = []

    def closed(_sender, *, ballot, result):
        seen.append((ballot.id, result.passed))

    with signals.ballot_closed.connected_to(closed):
        ballot = make_ballot(world.secretary, world.compound_a)
        cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
        services.close_ballot(world.secretary, ballot)
    assert seen == [(ballot.id, False)]   # 1 of 2 owners: participation not met


def test_close_due(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    assert services.close_due(now=ballot.closes_at - timedelta(seconds=1)) == []
    assert services.close_due(now=ballot.closes_at) == [ballot]
    assert ballot.status is BallotStatus.closed


def test_notifications_reach_the_electorate_once_each(db, world, factory):
    from residentvoice.notifications.models import Notification
    tenant = factory.resident(world.household_a, relation=Relation.tenant)
    make_ballot(world.secretary, world.compound_a)
    users = db.session.scalars(db.select(Notification.user_id)).all()
    assert users.count(world.resident.id) == 2    # announced, opened
    assert tenant.id not in users and world.other_resident.id not in users


def test_every_action_is_audited(db, world):
    from residentvoice.audit.models import AuditEntry
    ballot = make_ballot(world.secretary, world.compound_a)
    cast_phone_vote(world.resident, ballot, world.household_a.id, ballot.options[0].id)
    enter_paper_vote(world.secretary, ballot,
                     serial=paper_serial(world.secretary, ballot, world.household_a2),
                     option_id=ballot.options[0].id, witness="w")
    services.close_ballot(world.secretary, ballot)
    services.publish(world.secretary, ballot)
    actions = db.session.scalars(db.select(AuditEntry.action).where(
        AuditEntry.object_type == "Ballot", AuditEntry.object_id == ballot.id)
        .order_by(AuditEntry.id)).all()
    assert actions == ["ballot.created", "ballot.announced", "ballot.opened", "ballot.voted",
                       "ballot.paper_issued", "ballot.paper_vote", "ballot.closed",
                       "ballot.published"]


def test_live_counts_only_when_chosen_and_never_for_secret_ballots(db, world):
    live = make_ballot(world.secretary, world.compound_a, live_counts=True)
    assert live.counts_visible
    assert not make_ballot(world.secretary, world.compound_a).counts_visible
    secret = make_ballot(world.secretary, world.compound_a, live_counts=True, secret=True)
    assert not secret.live_counts and not secret.counts_visible


def _institution(factory, world, units=5):
    owner = factory.owner(world.community_a, name="某研究所", kind=OwnerKind.institution)
    return owner, [factory.household(world.building_a, area="100.00", owner=owner)
                   for _ in range(units)]


def test_owners_participation_for_meetings(db, world, factory):
    from residentvoice.voting.providers import owners_participation as participation
    owner, held = _institution(factory, world, units=2)
    result = participation(world.compound_a.id, [held[0].id, world.household_a.id])
    assert result["units"] == 2 and result["headcount"] == 2
    assert result["total_units"] == 4 and result["total_headcount"] == 3
    assert str(result["area_m2"]) == "180.50" and str(result["total_area_m2"]) == "335.75"
    assert result["met"] is False      # 2/3 of owners but 53.8 % of the area
    everyone = participation(world.compound_a.id, [held[0].id, world.household_a.id,
                                                   world.household_a2.id])
    assert everyone["headcount"] == 3 and everyone["met"] is True    # 70.2 % of the area
    two_thirds_heads = participation(world.compound_a.id, [h.id for h in held] + [
        world.household_a.id])
    assert two_thirds_heads["headcount"] == 2 and two_thirds_heads["met"] is True


def test_create_ballot_with_proposal_options(db, world):
    from residentvoice import signals
    create = services.create_ballot
    now = utcnow()
    ballot = create(world.secretary, world.compound_a, title="方案比选", description="",
                    basis="owners", matter="common_parts_use",
                    options=[{"label": "方案甲", "ref": ("proposal", 11)},
                             {"label": "方案乙", "ref": ("proposal", 12)},
                             {"label": "弃权", "ref": None}],
                    announced_at=now, opens_at=now + timedelta(days=15),
                    closes_at=now + timedelta(days=20))
    assert [o.ref for o in ballot.options] == [("proposal", 11), ("proposal", 12), None]
    assert [o.kind.name for o in ballot.options] == ["choice", "choice", "abstain"]
    assert signals.look_up_links([("ballot", ballot.id)], world.resident) == {}   # draft
    assert signals.look_up_links([("ballot", ballot.id)], world.secretary)[
        ("ballot", ballot.id)].title == "方案比选"

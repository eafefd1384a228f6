"""Casting votes (DESIGN §4): one owner one voice, who may vote, channels, windows."""

import pytest
from flask_babel import force_locale

from residentvoice.auth.models import Relation
from residentvoice.directory.models import LinkCapacity, OwnerKind
from residentvoice.errors_domain import Conflict, InvalidInput, NotAllowed, NotEligible
from residentvoice.models import utcnow
from residentvoice.voting.casting import AlreadyVoted, NotOpen, cast_phone_vote
from residentvoice.voting.counting import tally
from residentvoice.voting.models import BallotStatus, Vote
from residentvoice.voting.paper_entry import enter_paper_vote

from .helpers import make_ballot, option, paper_serial


@pytest.fixture
def world(factory):
    return factory.world()


def votes(db, ballot):
    return db.session.scalars(db.select(Vote).where(Vote.ballot_id == ballot.id)).all()



def _institution(factory, world, units=5):
    owner = factory.owner(world.community_a, name="某研究所", kind=OwnerKind.institution)
    return owner, [factory.household(world.building_a, area="100.00", owner=owner)
                   for _ in range(units)]


def test_institution_counts_once_in_headcount_with_full_area(db, world, factory):
    """One owner of many units counts once; every unit's area counts (法释〔2020〕17号 art. 9)."""
    owner, held = _institution(factory, world)
    persons = [factory.resident(factory.household(world.building_a, area="100.00"))
               for _ in range(5)]
    world.household_a.owner_id = world.household_a2.owner_id = None
    db.session.flush()
    ballot = make_ballot(world.secretary, world.compound_a,
                         building_ids=None)
    agree, against = option(ballot, "同意"), option(ballot, "反对")
    enter_paper_vote(world.secretary, ballot, serial=paper_serial(world.secretary, ballot, held[2]),
                     option_id=agree.id, witness="监票人")
    assert {v.household_id for v in votes(db, ballot)} == {h.id for h in held}
    for user in persons[:3]:
        cast_phone_vote(user, ballot, user.resident_roles()[0].household_id, agree.id)
    for user in persons[3:]:
        cast_phone_vote(user, ballot, user.resident_roles()[0].household_id, against.id)
    # the two households of the world (no registered owner) do not vote
    result = tally(ballot)
    assert (result.electorate.units, result.electorate.headcount) == (12, 8)
    assert result.electorate.area_centi == 100000 + 8050 + 5525
    agreed = result.options[0].totals
    assert (agreed.units, agreed.headcount, agreed.area_centi) == (8, 4, 80000)
    assert result.participation.headcount == 6 and result.participation.units == 10
    # counted per household it would pass (8/10 units, 80 % of area); art. 278 says no
    assert result.options[0].thresholds[0].met          # area 80 %
    assert not result.options[0].thresholds[1].met      # headcount 4/6 < 3/4
    assert not result.passed
    with force_locale("en"):
        assert result.explanation_text == (
            "No option reached the required majority. 同意 — Agreement by participating "
            "headcount: Reached 66.66%, at least 3/4 needed: not met.")


def test_owner_with_two_units_votes_once_for_both(db, world, factory):
    owner_user = world.resident
    second = factory.household(world.building_a, area="40.00")
    second.owner_id = world.household_a.owner_id
    db.session.flush()
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    cast = cast_phone_vote(owner_user, ballot, world.household_a.id, agree.id)
    assert sorted(v.household_id for v in votes(db, ballot)) == sorted(
        [world.household_a.id, second.id])
    assert cast.households == ",".join(str(i) for i in sorted([world.household_a.id, second.id]))
    # a paper ballot for the owner's other unit is a second vote
    with pytest.raises(AlreadyVoted) as error:
        enter_paper_vote(world.secretary, ballot,
                         serial=paper_serial(world.secretary, ballot, second),
                         option_id=agree.id, witness="监票人")
    with force_locale("en"):
        assert "owner of this unit has already voted" in str(error.value.message)
    assert len(votes(db, ballot)) == 2
    result = tally(ballot)
    assert result.participation.headcount == 1 and result.participation.units == 2


def test_phone_then_paper_and_paper_then_phone_refused(db, world, factory):
    # the registered owner of the second unit, linked to their account
    co_owner = factory.resident(world.household_a2, relation=Relation.owner)
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    cast_phone_vote(world.resident, ballot, world.household_a.id, agree.id)
    with pytest.raises(AlreadyVoted) as error:
        enter_paper_vote(world.secretary, ballot,
                         serial=paper_serial(world.secretary, ballot, world.household_a),
                         option_id=agree.id, witness="监票人")
    assert "王秀兰" in str(error.value.message)   # open ballot: who cast it
    enter_paper_vote(world.secretary, ballot,
                     serial=paper_serial(world.secretary, ballot, world.household_a2),
                     option_id=agree.id, witness="监票人")
    with pytest.raises(AlreadyVoted):
        cast_phone_vote(co_owner, ballot, world.household_a2.id, agree.id)
    assert len(votes(db, ballot)) == 2


def test_second_phone_vote_refused_unless_changes_allowed(db, world, factory):
    ballot = make_ballot(world.secretary, world.compound_a)
    agree, against = option(ballot, "同意"), option(ballot, "反对")
    co_owner = factory.resident(world.household_a, relation=Relation.co_owner)
    factory.link(world.household_a.owner, co_owner, LinkCapacity.co_owner)   # confirmed
    cast_phone_vote(world.resident, ballot, world.household_a.id, agree.id)
    with pytest.raises(AlreadyVoted):
        cast_phone_vote(co_owner, ballot, world.household_a.id, against.id)
    changeable = make_ballot(world.secretary, world.compound_a, allow_change=True)
    first = cast_phone_vote(world.resident, changeable, world.household_a.id,
                            option(changeable, "同意").id)
    second = cast_phone_vote(world.resident, changeable, world.household_a.id,
                             option(changeable, "反对").id)
    assert first.superseded_at is not None and second.seq == 2
    [vote] = votes(db, changeable)
    assert vote.option_id == option(changeable, "反对").id
    # paper cannot change a phone vote even where changes are allowed
    with pytest.raises(AlreadyVoted):
        enter_paper_vote(world.secretary, changeable,
                         serial=paper_serial(world.secretary, changeable, world.household_a),
                         option_id=option(changeable, "同意").id, witness="w")


def test_who_may_vote(db, world, factory):
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    tenant = factory.resident(world.household_a, relation=Relation.tenant)
    with pytest.raises(NotEligible):
        cast_phone_vote(tenant, ballot, world.household_a.id, agree.id)
    with pytest.raises(NotEligible):     # not their household
        cast_phone_vote(world.other_resident, ballot, world.household_a.id, agree.id)
    with pytest.raises(NotEligible):     # household of another compound
        cast_phone_vote(world.other_resident, ballot, world.household_b.id, agree.id)
    residents = make_ballot(world.secretary, world.compound_a, basis="residents",
                            matter="consultative")
    cast_phone_vote(tenant, residents, world.household_a.id, residents.options[0].id)
    child = factory.resident(world.household_a2, relation=Relation.family,
                             birth_year=utcnow().year - 12)
    with pytest.raises(NotEligible):
        cast_phone_vote(child, residents, world.household_a2.id, residents.options[0].id)
    assert votes(db, ballot) == []


def test_option_of_another_ballot_refused(db, world):
    one = make_ballot(world.secretary, world.compound_a)
    other = make_ballot(world.secretary, world.compound_a)
    with pytest.raises(InvalidInput) as error:
        cast_phone_vote(world.resident, one, world.household_a.id, other.options[0].id)
    assert error.value.field == "option"
    assert votes(db, one) == []


def test_voting_outside_the_window(db, world):
    announced = make_ballot(world.secretary, world.compound_a, state="announced")
    with pytest.raises(NotOpen):
        cast_phone_vote(world.resident, announced, world.household_a.id,
                        announced.options[0].id)
    closed = make_ballot(world.secretary, world.compound_a, state="closed")
    with pytest.raises(NotOpen):
        cast_phone_vote(world.resident, closed, world.household_a.id, closed.options[0].id)
    due = make_ballot(world.secretary, world.compound_a)
    with pytest.raises(NotOpen):     # past closes_at: closed lazily, vote refused
        cast_phone_vote(world.resident, due, world.household_a.id, due.options[0].id,
                        now=due.closes_at)
    assert due.status is BallotStatus.closed
    assert votes(db, due) == []


def test_a_paper_serial_is_entered_once_and_only_by_the_compounds_secretaries(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    serial = paper_serial(world.secretary, ballot, world.household_a)
    with pytest.raises(NotAllowed):
        enter_paper_vote(world.other_secretary, ballot, serial=serial, option_id=agree.id,
                         witness="w")
    enter_paper_vote(world.secretary, ballot, serial=serial, option_id=agree.id, witness="w")
    with pytest.raises(Conflict) as error:
        enter_paper_vote(world.secretary, ballot, serial=serial.lower(), option_id=agree.id,
                         witness="w")
    assert error.value.field == "serial"
    assert len(votes(db, ballot)) == 1


def test_residents_per_person_unique_per_person(db, world, factory):
    spouse = factory.resident(world.household_a, relation=Relation.family)
    ballot = make_ballot(world.secretary, world.compound_a, basis="residents",
                         matter="consultative", count_per="person")
    yes = ballot.options[0]
    cast_phone_vote(world.resident, ballot, world.household_a.id, yes.id)
    cast_phone_vote(spouse, ballot, world.household_a.id, yes.id)
    with pytest.raises(AlreadyVoted):
        cast_phone_vote(spouse, ballot, world.household_a.id, yes.id)
    result = tally(ballot)
    assert result.electorate.headcount == 2 and result.participation.headcount == 2


def test_database_refuses_a_second_vote_for_a_household(db, world):
    from sqlalchemy.exc import IntegrityError
    ballot = make_ballot(world.secretary, world.compound_a)
    cast = cast_phone_vote(world.resident, ballot, world.household_a.id, ballot.options[0].id)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(Vote(ballot_id=ballot.id, household_id=world.household_a.id,
                                option_id=ballot.options[1].id, cast_id=cast.id,
                                channel=cast.channel, one_per_household=world.household_a.id))
            db.session.flush()


def test_an_authorised_proxy_may_vote_from_their_own_account(db, world, factory):
    from residentvoice.voting.models import Proxy, ProxyPrincipal
    ballot = make_ballot(world.secretary, world.compound_a)
    proxy_user = factory.user(phone="13911112222")
    with pytest.raises(NotEligible):
        cast_phone_vote(proxy_user, ballot, world.household_a2.id, ballot.options[0].id)
    proxy = factory.add(Proxy(ballot_id=ballot.id, proxy_name="代理人", proxy_phone="13911112222"))
    factory.add(ProxyPrincipal(proxy_id=proxy.id, ballot_id=ballot.id,
                               household_id=world.household_a2.id, owner_key="x"))
    cast = cast_phone_vote(proxy_user, ballot, world.household_a2.id, ballot.options[0].id)
    assert cast.voter_id == proxy_user.id


def test_per_person_paper_ballots_name_the_voter(db, world, factory):
    """Per-person ballots print one paper per adult resident on the roll: its
    serial names the voter.  Without it, the voter's mobile number does."""
    from residentvoice.voting.verification import verify
    spouse = factory.resident(world.household_a, relation=Relation.family, phone="13922223333")
    ballot = make_ballot(world.secretary, world.compound_a, basis="residents",
                         matter="consultative", count_per="person")
    yes = ballot.options[0]
    cast, _household = enter_paper_vote(
        world.secretary, ballot, option_id=yes.id, witness="w",
        serial=paper_serial(world.secretary, ballot, world.household_a, person=spouse))
    assert cast.voter_id == spouse.id
    with pytest.raises(AlreadyVoted) as error:      # the same person by phone
        cast_phone_vote(spouse, ballot, world.household_a.id, yes.id)
    assert error.value.field == "voter_phone"
    lost = dict(household_id=world.household_a.id, option_id=yes.id, witness="w",
                reason="选票遗失，当面重填")
    with pytest.raises(InvalidInput) as error:
        enter_paper_vote(world.secretary, ballot, **lost)
    assert error.value.field == "voter_phone"
    with pytest.raises(InvalidInput):      # not a resident of that household
        enter_paper_vote(world.secretary, ballot, voter_phone=world.other_resident.phone, **lost)
    with pytest.raises(AlreadyVoted):
        enter_paper_vote(world.secretary, ballot, voter_phone="139 2222 3333", **lost)
    enter_paper_vote(world.secretary, ballot, voter_phone=world.resident.phone, **lost)
    assert tally(ballot).participation.headcount == 2
    assert verify(ballot)[0] == []

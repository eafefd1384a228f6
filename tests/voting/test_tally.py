"""The tally's one-statement count (``counted_by_owner``) against the definitions
it must equal: ``electorate_totals`` and ``vote_totals`` (COUNT(DISTINCT
owner_key) over the votes joined with the frozen electorate)."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from residentvoice.directory.models import OwnerKind
from residentvoice.voting.counting import (Totals, counted_by_owner, electorate_totals,
                                           tally, vote_totals)
from residentvoice.voting.models import Ballot, Cast, Channel, Vote
from residentvoice.voting.paper_entry import enter_paper_vote

from .helpers import make_ballot, option, paper_serial


@pytest.fixture
def world(factory):
    return factory.world()


@contextmanager
def count_queries(db):
    seen = []
    engine = db.session.get_bind()
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _owner(factory, world, areas, kind=OwnerKind.person):
    owner = factory.owner(world.community_a, kind=kind)
    return [factory.household(world.building_a, area=a, owner=owner) for a in areas]


def _definitions(ballot):
    participation, by_option = vote_totals(ballot)
    return electorate_totals(ballot), participation, by_option


def _figures(result):
    return (result.electorate, result.participation,
            {o.id: o.totals for o in result.options if o.totals != Totals()})


def test_one_statement_equals_the_distinct_counts(db, world, factory):
    """An institution of three units, an owner of two, single owners, units
    without a registered owner; agree, against, abstain and silence."""
    institution = _owner(factory, world, ["100.00", "55.55", "70.01"], OwnerKind.institution)
    pair = _owner(factory, world, ["40.10", "63.37"])
    singles = [_owner(factory, world, [area])[0] for area in ("88.88", "90.09", "45.45")]
    ownerless = [factory.household(world.building_a, area="33.33") for _ in range(2)]
    ballot = make_ballot(world.secretary, world.compound_a)
    agree, against, abstain = (option(ballot, label).id for label in ("同意", "反对", "弃权"))
    for serial, (household, choice) in enumerate([
            (institution[1], agree), (pair[0], against), (singles[0], agree),
            (singles[1], abstain), (ownerless[0], against)], start=1):
        enter_paper_vote(world.secretary, ballot,
                         serial=paper_serial(world.secretary, ballot, household),
                         option_id=choice, witness="监票人")
    db.session.flush()

    counted = counted_by_owner(ballot)
    assert counted == _definitions(ballot)
    electorate, participation, by_option = counted
    assert by_option[agree] == Totals(4, 2, 10000 + 5555 + 7001 + 8888)
    assert by_option[against] == Totals(3, 2, 4010 + 6337 + 3333)
    assert by_option[abstain] == Totals(1, 1, 9009)
    assert participation == Totals(8, 5, 54133)
    assert _figures(tally(ballot)) == counted


def test_tally_of_a_fetched_ballot_is_one_statement(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    enter_paper_vote(world.secretary, ballot,
                     serial=paper_serial(world.secretary, ballot, world.household_a),
                     option_id=option(ballot, "同意").id, witness="监票人")
    db.session.flush()
    db.session.expire_all()
    ballot = Ballot.fetch(ballot.id)
    with count_queries(db) as seen:
        tally(ballot)
    assert len(seen) == 1


def _vote(db, ballot, household, option_id, seq):
    """A vote written straight into the tables, bypassing casting.py (old or
    hand-edited data): the count must still follow the definitions."""
    cast = Cast(ballot_id=ballot.id, seq=seq, option_id=option_id, channel=Channel.paper,
                households=str(household.id), receipt=f"TEST{seq}", salt="0" * 32,
                prev_hash="0" * 64, hash="0" * 64)
    db.session.add(cast)
    db.session.flush()
    db.session.add(Vote(ballot_id=ballot.id, household_id=household.id, option_id=option_id,
                        cast_id=cast.id, channel=Channel.paper,
                        one_per_household=household.id))
    db.session.flush()


@pytest.mark.parametrize("second", ["反对", None])
def test_units_of_one_owner_voting_apart_are_counted_by_the_definitions(db, world, factory,
                                                                         second):
    """One owner's units voting different options, or only some of them voting,
    never comes from casting.py; if it is in the tables anyway the count falls
    back to COUNT(DISTINCT owner_key): the owner is one head of each option it
    voted and one head of the participation, each voted unit's area counts."""
    first_unit, second_unit = _owner(factory, world, ["50.00", "60.00"])
    ballot = make_ballot(world.secretary, world.compound_a)
    _vote(db, ballot, first_unit, option(ballot, "同意").id, 1)
    if second:
        _vote(db, ballot, second_unit, option(ballot, second).id, 2)

    assert counted_by_owner(ballot) is None
    result = tally(ballot)
    assert _figures(result) == _definitions(ballot)
    assert result.participation == (Totals(2, 1, 11000) if second else Totals(1, 1, 5000))
    assert result.options[0].totals == Totals(1, 1, 5000)

"""The hash chain and ``flask ballots verify`` (DESIGN §4: integrity)."""
import pytest

from residentvoice.voting import chain, services
from residentvoice.voting.casting import cast_phone_vote, enter_paper_vote
from residentvoice.voting.models import Cast, Vote

from .helpers import make_ballot, option


@pytest.fixture
def voted(db, factory):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a)
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
    enter_paper_vote(world.secretary, ballot, household_code=world.household_a2.code,
                     option_id=option(ballot, "反对").id, serial="9", witness="w")
    services.close_ballot(world.secretary, ballot)
    return world, ballot


def casts(db, ballot):
    return db.session.scalars(db.select(Cast).where(Cast.ballot_id == ballot.id)
                              .order_by(Cast.seq)).all()


def test_each_record_covers_the_previous_hash(db, voted):
    _world, ballot = voted
    first, second = casts(db, ballot)
    assert first.prev_hash == chain.GENESIS and second.prev_hash == first.hash
    assert ballot.chain_head == second.hash
    assert chain.verify(ballot) == ([], second.hash)


def test_secret_ballot_hash_excludes_voter_identity(db, factory):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a, secret=True)
    cast = cast_phone_vote(world.resident, ballot, world.household_a.id, ballot.options[0].id)
    assert cast.hash == chain.record_hash(cast.prev_hash, ballot.id, cast.seq, cast.option_id,
                                          cast.salt, "")
    open_ballot = make_ballot(world.secretary, world.compound_a)
    cast = cast_phone_vote(world.resident, open_ballot, world.household_a.id,
                           open_ballot.options[0].id)
    assert cast.hash != chain.record_hash(cast.prev_hash, open_ballot.id, cast.seq,
                                          cast.option_id, cast.salt, "")


def test_tampered_option_is_reported(db, voted):
    _world, ballot = voted
    first = casts(db, ballot)[0]
    db.session.execute(db.update(Cast).where(Cast.id == first.id)
                       .values(option_id=option(ballot, "反对").id))
    db.session.expire_all()
    problems, _head = chain.verify(ballot)
    assert any("record 1: hash does not match" in p for p in problems)


def test_tampered_counted_vote_is_reported(db, voted):
    world, ballot = voted
    db.session.execute(db.update(Vote).where(Vote.household_id == world.household_a.id)
                       .values(option_id=option(ballot, "弃权").id))
    db.session.expire_all()
    problems, _head = chain.verify(ballot)
    assert any(f"household {world.household_a.id}" in p for p in problems)


def test_deleted_record_breaks_the_chain(db, voted):
    _world, ballot = voted
    first = casts(db, ballot)[0]
    db.session.execute(db.delete(Vote).where(Vote.cast_id == first.id))
    db.session.execute(db.delete(Cast).where(Cast.id == first.id))
    db.session.expire_all()
    problems, _head = chain.verify(ballot)
    assert any("previous hash" in p for p in problems)


def test_verify_command(db, voted, runner):
    _world, ballot = voted
    ok = runner.invoke(args=["ballots", "verify", str(ballot.id)])
    assert ok.exit_code == 0, ok.output
    assert "OK: chain and tally agree" in ok.output
    assert "同意: 1 units" in ok.output
    db.session.execute(db.update(Cast).where(Cast.ballot_id == ballot.id, Cast.seq == 2)
                       .values(salt="0" * 32))
    db.session.expire_all()
    bad = runner.invoke(args=["ballots", "verify", str(ballot.id)])
    assert bad.exit_code == 1
    assert "MISMATCH record 2: hash does not match" in bad.output
    missing = runner.invoke(args=["ballots", "verify", "999999"])
    assert missing.exit_code != 0


def test_close_due_command(db, factory, runner):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a)
    db.session.execute(db.update(type(ballot)).where(type(ballot).id == ballot.id)
                       .values(closes_at=ballot.opens_at))
    db.session.expire_all()
    result = runner.invoke(args=["ballots", "close-due"])
    assert "closed 1 ballot(s)" in result.output
    db.session.refresh(ballot)
    assert ballot.status.name == "closed"

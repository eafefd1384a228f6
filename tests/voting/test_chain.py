"""The hash chain and ``flask ballots verify`` (DESIGN §4: integrity; issue 14.7).

Each tamper below changes a tally; the verifier must report it."""
from datetime import timedelta

import pytest

from residentvoice.models import utcnow
from residentvoice.voting import chain, services, verification
from residentvoice.voting.casting import cast_phone_vote
from residentvoice.voting.counting import Totals, tally
from residentvoice.voting.models import Ballot, Cast, Checkpoint, ElectorateUnit, Vote
from residentvoice.voting.paper_entry import enter_paper_vote

from .helpers import make_ballot, option, paper_serial


@pytest.fixture
def world(factory):
    return factory.world()


def two_votes(world, **extra):
    """An open owners' ballot: a phone vote for A (同意), a paper ballot for A2 (反对)."""
    ballot = make_ballot(world.secretary, world.compound_a, **extra)
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
    enter_paper_vote(world.secretary, ballot,
                     serial=paper_serial(world.secretary, ballot, world.household_a2),
                     option_id=option(ballot, "反对").id, witness="w")
    return ballot


@pytest.fixture
def voted(db, world):
    ballot = two_votes(world)
    services.close_ballot(world.secretary, ballot)
    return world, ballot


def casts(db, ballot):
    return db.session.scalars(db.select(Cast).where(Cast.ballot_id == ballot.id)
                              .order_by(Cast.seq)).all()


def problems(db, ballot):
    db.session.expire_all()
    return verification.verify(db.session.get(Ballot, ballot.id))[0]


def reported(found, *fragments):
    return all(any(fragment in p for p in found) for fragment in fragments)


def test_each_record_covers_the_previous_hash_from_the_frozen_electorate(db, voted):
    _world, ballot = voted
    first, second = casts(db, ballot)
    opening = db.session.scalar(db.select(Checkpoint).where(
        Checkpoint.ballot_id == ballot.id, Checkpoint.kind == "open"))
    assert first.prev_hash == opening.head == chain.genesis(ballot)
    assert second.prev_hash == first.hash
    seal = db.session.scalar(db.select(Checkpoint).where(
        Checkpoint.ballot_id == ballot.id, Checkpoint.kind == "close"))
    assert ballot.chain_head == seal.head == chain.seal_hash(ballot.id, 2, second.hash,
                                                             seal.totals)
    assert verification.verify(ballot) == ([], ballot.chain_head)


def test_a_record_hashes_its_units_and_weights(db, world):
    """Open ballots in the clear with the channel; secret ballots as a salted
    commitment, so the published chain names no voter."""
    secret = make_ballot(world.secretary, world.compound_a, secret=True)
    cast = cast_phone_vote(world.resident, secret, world.household_a.id, secret.options[0].id)
    unit = db.session.scalar(db.select(ElectorateUnit).where(
        ElectorateUnit.ballot_id == secret.id, ElectorateUnit.household_id == world.household_a.id))
    lines = f"{unit.household_id}:{unit.area_centi}:{unit.owner_key}"
    assert cast.commitment == chain.commitment(cast.commit_salt, lines)
    assert cast.hash == chain.link_hash(cast.prev_hash, secret.id, cast.seq, cast.option_id,
                                        None, cast.salt, cast.commitment)
    public = make_ballot(world.secretary, world.compound_a)
    cast = cast_phone_vote(world.resident, public, world.household_a.id, public.options[0].id)
    assert cast.commitment is None
    assert cast.hash == chain.link_hash(cast.prev_hash, public.id, cast.seq, cast.option_id,
                                        None, cast.salt, f"phone:{lines}")


def test_a_changed_vote_is_a_new_record_naming_the_one_it_replaces(db, world):
    ballot = make_ballot(world.secretary, world.compound_a, allow_change=True, secret=True)
    first = cast_phone_vote(world.resident, ballot, world.household_a.id,
                            option(ballot, "同意").id)
    second = cast_phone_vote(world.resident, ballot, world.household_a.id,
                             option(ballot, "反对").id)
    assert second.supersedes == first.seq and first.superseded_at is not None
    assert problems(db, ballot) == []
    ballot = db.session.get(Ballot, ballot.id)
    services.close_ballot(world.secretary, ballot)
    assert problems(db, ballot) == []
    assert tally(ballot).options[1].totals.units == 1 and tally(ballot).options[0].totals \
        == Totals()


# ---- tampers: each changes a tally, each is reported ---------------------------

def test_tamper_option_changed(db, voted):
    """On a record (its hash breaks) or on a stored vote (it differs from the chain)."""
    world, ballot = voted
    first = casts(db, ballot)[0]
    db.session.execute(db.update(Cast).where(Cast.id == first.id)
                       .values(option_id=option(ballot, "反对").id))
    assert reported(problems(db, ballot), "record 1: hash does not match")
    db.session.execute(db.update(Cast).where(Cast.id == first.id)
                       .values(option_id=option(ballot, "同意").id))
    db.session.execute(db.update(Vote).where(Vote.household_id == world.household_a.id)
                       .values(option_id=option(ballot, "弃权").id))
    assert reported(problems(db, ballot), f"household {world.household_a.id}")


def test_tamper_option_changed_and_the_chain_rewritten_is_caught_by_the_day_end_head(
        db, world, runner):
    """The last record's option changed and its hash recomputed, the ballot's tip
    moved to match: only a head recorded earlier can tell — the day's end."""
    ballot = two_votes(world)
    assert runner.invoke(args=["ballots", "checkpoint"]).exit_code == 0
    published = ballot.chain_tip
    last = casts(db, ballot)[-1]
    against, agree = option(ballot, "反对").id, option(ballot, "同意").id
    rehashed = chain.link_hash(last.prev_hash, ballot.id, last.seq, agree, None, last.salt,
                               f"paper:{world.household_a2.id}:"
                               + ":".join(str(v) for v in db.session.execute(
                                   db.select(ElectorateUnit.area_centi, ElectorateUnit.owner_key)
                                   .where(ElectorateUnit.ballot_id == ballot.id,
                                          ElectorateUnit.household_id == world.household_a2.id))
                                   .one()))
    assert last.option_id == against
    db.session.execute(db.update(Cast).where(Cast.id == last.id)
                       .values(option_id=agree, hash=rehashed))
    db.session.execute(db.update(Vote).where(Vote.cast_id == last.id).values(option_id=agree))
    db.session.execute(db.update(Ballot).where(Ballot.id == ballot.id)
                       .values(chain_tip=rehashed))
    found = problems(db, ballot)
    assert not reported(found, "hash does not match")      # a consistent rewrite ...
    assert reported(found, "no longer extends the head recorded")    # ... but not the past
    result = runner.invoke(args=["ballots", "verify", str(ballot.id), "--head", published])
    assert result.exit_code == 1 and f"does not contain the published head {published}" \
        in result.output


def test_tamper_superseded_with_its_votes_deleted(db, voted):
    """A record marked replaced and its units' votes deleted: no later record
    replaces it, so the chain still counts it."""
    world, ballot = voted
    first = casts(db, ballot)[0]
    db.session.execute(db.update(Cast).where(Cast.id == first.id)
                       .values(superseded_at=utcnow()))
    db.session.execute(db.delete(Vote).where(Vote.cast_id == first.id))
    found = problems(db, ballot)
    assert reported(found, "record 1 is marked as replaced, but no later record replaces it",
                    f"household {world.household_a.id}: the vote stored (no vote)",
                    "participation: the vote rows (who took part) have 1 units")


def test_tamper_units_added_to_a_record_of_a_secret_ballot(db, world, factory):
    """A household that did not vote added to a secret ballot's record, with a
    vote row: the record's commitment no longer matches its units."""
    ballot = two_votes(world, secret=True)
    extra = factory.household(world.building_a, unit="7701")
    ballot = db.session.get(Ballot, ballot.id)
    db.session.execute(db.insert(ElectorateUnit).values(
        ballot_id=ballot.id, household_id=extra.id, area_centi=9000, owner_key=f"h{extra.id}"))
    first = casts(db, ballot)[0]
    db.session.execute(db.update(Cast).where(Cast.id == first.id)
                       .values(households=f"{first.households},{extra.id}"))
    db.session.execute(db.insert(Vote).values(
        ballot_id=ballot.id, household_id=extra.id, option_id=first.option_id, cast_id=first.id,
        channel=first.channel, one_per_household=extra.id))
    found = problems(db, ballot)
    assert reported(found, "record 1: the units or weights it covers do not match its "
                           "commitment")
    assert reported(found, "start of the chain")     # and the electorate grew since opening


def test_tamper_units_added_after_a_secret_ballot_closed(db, world, factory):
    """Once closed the links no longer name their units; a unit added to the
    count (a vote row) differs from the sealed count."""
    silent = factory.household(world.building_a, unit="7702")      # in the electorate
    ballot = two_votes(world, secret=True)
    services.close_ballot(world.secretary, ballot)
    assert problems(db, ballot) == []
    db.session.execute(db.insert(Vote).values(
        ballot_id=ballot.id, household_id=silent.id, channel="paper",
        one_per_household=silent.id))
    assert reported(problems(db, ballot), "participation: the vote rows (who took part) have 3")
    db.session.execute(db.update(Vote).where(Vote.household_id == silent.id)
                       .values(household_id=world.household_b.id,
                               one_per_household=world.household_b.id))
    assert reported(problems(db, ballot), f"household {world.household_b.id} has a vote row "
                                          "but is not in the electorate")


def test_tamper_last_record_of_an_open_ballot_removed(db, world, runner):
    """After the day's-end head was recorded, the last record and its votes
    removed and the ballot's chain moved back to the record before."""
    ballot = two_votes(world)
    recorded = runner.invoke(args=["ballots", "checkpoint"])
    assert recorded.exit_code == 0 and "recorded the head of 1 ballot(s)" in recorded.output
    first, last = casts(db, ballot)
    db.session.execute(db.delete(Vote).where(Vote.cast_id == last.id))
    db.session.execute(db.delete(Cast).where(Cast.id == last.id))
    db.session.execute(db.update(Ballot).where(Ballot.id == ballot.id)
                       .values(chain_length=1, chain_tip=first.hash))
    assert reported(problems(db, ballot), "no longer extends the head recorded")
    result = runner.invoke(args=["ballots", "verify", str(ballot.id)])
    assert result.exit_code == 1 and "MISMATCH the chain no longer extends" in result.output


def test_tamper_weight_changed(db, voted):
    """A voted unit's area, or its owner (the headcount), changed in the frozen
    electorate: the start of the chain, the records that cover it and the
    sealed count all disagree."""
    world, ballot = voted
    db.session.execute(db.update(ElectorateUnit).where(
        ElectorateUnit.ballot_id == ballot.id, ElectorateUnit.household_id
        == world.household_a.id).values(area_centi=ElectorateUnit.area_centi * 2))
    assert reported(problems(db, ballot), "record 1: previous hash does not match the start",
                    "record 1: hash does not match",
                    "the electorate differs from the one frozen at opening",
                    "option", "the sealed count")
    db.session.rollback()


def test_tamper_owner_identity_changed(db, world, factory):
    """Two owners made one (the headcount falls by one)."""
    ballot = two_votes(world)
    key = db.session.scalar(db.select(ElectorateUnit.owner_key).where(
        ElectorateUnit.ballot_id == ballot.id, ElectorateUnit.household_id
        == world.household_a.id))
    db.session.execute(db.update(ElectorateUnit).where(
        ElectorateUnit.ballot_id == ballot.id,
        ElectorateUnit.household_id == world.household_a2.id).values(owner_key=key))
    assert reported(problems(db, ballot), "record 2: hash does not match",
                    "the electorate differs from the one frozen at opening")


def test_deleted_record_breaks_the_chain(db, voted):
    _world, ballot = voted
    first = casts(db, ballot)[0]
    db.session.execute(db.delete(Vote).where(Vote.cast_id == first.id))
    db.session.execute(db.delete(Cast).where(Cast.id == first.id))
    assert reported(problems(db, ballot), "previous hash")


def test_sealed_count_changed(db, voted):
    """The stored result (the count sealed at closing) moved between options."""
    _world, ballot = voted
    seal = db.session.scalar(db.select(Checkpoint).where(
        Checkpoint.ballot_id == ballot.id, Checkpoint.kind == "close"))
    agree, against = option(ballot, "同意").id, option(ballot, "反对").id
    parts = dict(p.split("=") for p in seal.totals.split(";"))
    parts[str(agree)], parts[str(against)] = parts[str(against)], parts[str(agree)]
    db.session.execute(db.update(Checkpoint).where(Checkpoint.id == seal.id)
                       .values(totals=";".join(f"{k}={v}" for k, v in parts.items())))
    assert reported(problems(db, ballot), "the sealed count or the records before it differ",
                    f"option {agree}")


# ---- the commands ----------------------------------------------------------------

def test_verify_command(db, voted, runner):
    _world, ballot = voted
    ok = runner.invoke(args=["ballots", "verify", str(ballot.id)])
    assert ok.exit_code == 0, ok.output
    assert "OK: the chain, the count and the stored rows agree" in ok.output
    assert "同意: 1 units" in ok.output
    assert runner.invoke(args=["ballots", "verify", str(ballot.id), "--head",
                               ballot.chain_head]).exit_code == 0
    db.session.execute(db.update(Cast).where(Cast.ballot_id == ballot.id, Cast.seq == 2)
                       .values(salt="0" * 32))
    db.session.expire_all()
    bad = runner.invoke(args=["ballots", "verify", str(ballot.id)])
    assert bad.exit_code == 1
    assert "MISMATCH record 2: hash does not match" in bad.output
    missing = runner.invoke(args=["ballots", "verify", "999999"])
    assert missing.exit_code != 0


def test_close_due_command_closes_and_records_each_days_head_once(db, world, runner):
    ballot = two_votes(world)
    for point in db.session.scalars(db.select(Checkpoint).where(
            Checkpoint.ballot_id == ballot.id)):
        point.taken_at -= timedelta(days=1)                  # opened yesterday
    due = make_ballot(world.secretary, world.compound_a)
    db.session.execute(db.update(Ballot).where(Ballot.id == due.id)
                       .values(closes_at=due.opens_at))
    db.session.expire_all()
    result = runner.invoke(args=["ballots", "close-due"])
    assert "closed 1 ballot(s); recorded the head of 1" in result.output
    db.session.refresh(due)
    assert due.status.name == "closed"
    again = runner.invoke(args=["ballots", "close-due"])     # the same day: once is enough
    assert "recorded the head of 0" in again.output
    heads = db.session.scalars(db.select(Checkpoint.kind).where(
        Checkpoint.ballot_id == ballot.id).order_by(Checkpoint.id)).all()
    assert heads == ["open", "day"]


def test_a_ballot_opened_before_the_chain_committed_to_the_units_still_verifies(db, world):
    """``chain_version`` 1: its links go on being hashed, and checked, as then."""
    ballot = make_ballot(world.secretary, world.compound_a)
    db.session.execute(db.update(Ballot).where(Ballot.id == ballot.id)
                       .values(chain_version=1, chain_tip=chain.GENESIS))
    db.session.execute(db.delete(Checkpoint).where(Checkpoint.ballot_id == ballot.id))
    db.session.expire_all()
    ballot = db.session.get(Ballot, ballot.id)
    cast = cast_phone_vote(world.resident, ballot, world.household_a.id, ballot.options[0].id)
    assert cast.prev_hash == chain.GENESIS and cast.hash == chain.record_hash(
        chain.GENESIS, ballot.id, 1, cast.option_id, cast.salt,
        f"phone:{world.household_a.id}")
    assert problems(db, ballot) == []
    services.close_ballot(world.secretary, db.session.get(Ballot, ballot.id))
    ballot = db.session.get(Ballot, ballot.id)
    assert ballot.chain_head == cast.hash and problems(db, ballot) == []
    assert tally(ballot).options[0].totals.units == 1


def test_the_ballot_page_and_the_notice_publish_the_head_and_what_it_is_for(
        db, world, client, auth, runner):
    """While open the head recorded last (at opening, then each day's end);
    once closed the seal — each with a plain explanation, in either language."""
    ballot = two_votes(world)
    auth.login(world.resident)
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    opening = db.session.scalar(db.select(Checkpoint.head).where(
        Checkpoint.ballot_id == ballot.id))
    assert opening in page and "投票开始时" in page and "每天结束时" in page
    runner.invoke(args=["ballots", "checkpoint"])
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert ballot.chain_tip in page and "共有 2 条投票记录" in page
    services.close_ballot(world.secretary, ballot)
    for url in (f"/ballots/{ballot.id}", f"/ballots/{ballot.id}/notice",
                f"/ballots/{ballot.id}/result"):
        page = client.get(url).get_data(as_text=True)
        assert ballot.chain_head in page and "回执码" in page and "链头" not in page
    client.set_cookie("rv_lang", "en")
    page = client.get(f"/ballots/{ballot.id}/notice").get_data(as_text=True)
    assert "Fingerprint of the votes and the count" in page


def test_a_ballot_not_yet_open_has_no_chain_to_check(db, world):
    ballot = make_ballot(world.secretary, world.compound_a, state="announced")
    assert verification.verify(ballot) == ([], ballot.chain_tip)

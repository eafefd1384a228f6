"""Paper ballots issued with a serial and entered back by it (issue 18 §4):
issuing, looking up, entering, and every way a serial can be wrong."""
import pytest
from sqlalchemy.exc import IntegrityError

from residentvoice.audit.models import AuditEntry
from residentvoice.auth.models import Relation
from residentvoice.errors_domain import Conflict, InvalidInput, NotAllowed
from residentvoice.voting import services
from residentvoice.voting.casting import AlreadyVoted, cast_phone_vote, describe_vote
from residentvoice.voting.models import Cast, PaperBallot, Vote
from residentvoice.voting.paper import (SERIAL_RE, PaperVoided, find_issued, issue_paper_ballots,
                                        normalise_serial, replace_paper_ballot,
                                        search_households)
from residentvoice.voting.paper_entry import enter_paper_vote

from .helpers import make_ballot, option, paper_serial


@pytest.fixture
def world(factory):
    return factory.world()


def audit(db, ballot, action):
    return db.session.scalars(db.select(AuditEntry.summary).where(
        AuditEntry.object_type == "Ballot", AuditEntry.object_id == ballot.id,
        AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_every_household_gets_one_serial_and_printing_again_reuses_it(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    papers, issued = issue_paper_ballots(world.secretary, ballot)
    assert issued == 2
    assert [p.household_id for p in papers] == [world.household_a.id, world.household_a2.id]
    assert all(SERIAL_RE.match(p.serial) for p in papers)
    assert len({p.serial for p in papers}) == 2
    again, issued = issue_paper_ballots(world.secretary, ballot)
    assert issued == 0 and [p.serial for p in again] == [p.serial for p in papers]
    one, issued = issue_paper_ballots(world.secretary, ballot, world.household_a2.id)
    assert issued == 0 and [p.serial for p in one] == [papers[1].serial]
    assert len(audit(db, ballot, "ballot.paper_issued")) == 1
    assert papers[0].issued_by_id == world.secretary.id and papers[0].issued_at is not None


def test_only_the_compounds_secretaries_issue_and_only_while_open(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    for outsider in (world.other_secretary, world.street_admin, world.resident):
        with pytest.raises(NotAllowed):
            issue_paper_ballots(outsider, ballot)
    announced = make_ballot(world.secretary, world.compound_a, state="announced")
    with pytest.raises(Conflict):         # the options and the electorate are not final yet
        issue_paper_ballots(world.secretary, announced)
    with pytest.raises(InvalidInput):     # a household of another compound
        issue_paper_ballots(world.secretary, ballot, world.household_b.id)
    assert db.session.scalar(db.select(db.func.count(PaperBallot.id))) == 0


def test_the_database_keeps_one_live_paper_ballot_per_household(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    papers, _issued = issue_paper_ballots(world.secretary, ballot, world.household_a.id)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(PaperBallot(ballot_id=ballot.id, household_id=world.household_a.id,
                                       holder=papers[0].holder, serial="ABCDEFGH",
                                       issued_at=papers[0].issued_at))
            db.session.flush()


def test_entering_by_serial_names_the_household(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    serial = paper_serial(world.secretary, ballot, world.household_a2)
    typed = f" {serial[:4].lower()}-{serial[4:]} "
    cast, household = enter_paper_vote(world.secretary, ballot, serial=typed,
                                       option_id=option(ballot, "反对").id, witness="李监票")
    assert household.id == world.household_a2.id and cast.serial == serial
    assert cast.entered_by_id == world.secretary.id and cast.witness == "李监票"
    vote = db.session.scalar(db.select(Vote).where(Vote.ballot_id == ballot.id))
    assert vote.household_id == world.household_a2.id
    assert audit(db, ballot, "ballot.paper_vote") == [
        f"#{cast.seq} {serial} {world.household_a2.code}"]


def test_a_serial_is_refused_with_what_is_wrong_with_it(db, world, factory):
    ballot = make_ballot(world.secretary, world.compound_a)
    sibling = make_ballot(world.secretary, world.compound_a, title="自行车棚")
    elsewhere = make_ballot(world.other_secretary, world.compound_b, title="别处的表决")
    agree = option(ballot, "同意").id

    def refusal(serial, error=InvalidInput, **extra):
        with pytest.raises(error) as raised:
            enter_paper_vote(world.secretary, ballot, serial=serial, option_id=agree,
                             witness="w", **extra)
        assert raised.value.field == "serial"
        return str(raised.value.message)
    assert "8" in refusal("A-0041")                                    # not a serial at all
    assert "ABCD 2345" in refusal("abcd2345")                          # never issued
    assert "自行车棚" in refusal(paper_serial(world.secretary, sibling, world.household_a))
    foreign = refusal(paper_serial(world.other_secretary, elsewhere, world.household_b))
    assert "别处的表决" not in foreign                                  # another community's
    mine = paper_serial(world.secretary, ballot, world.household_a)
    assert refusal(mine, household_id=world.household_a2.id)           # not its household
    cast_phone_vote(world.resident, ballot, world.household_a.id, agree)
    with pytest.raises(AlreadyVoted) as raised:                        # voted by phone
        enter_paper_vote(world.secretary, ballot, serial=mine, option_id=agree, witness="w")
    assert "王秀兰" in str(raised.value.message)
    spoilt = db.session.scalar(db.select(PaperBallot).where(
        PaperBallot.serial == paper_serial(world.secretary, ballot, world.household_a2)))
    new = replace_paper_ballot(world.secretary, ballot, spoilt, "被雨淋湿")
    assert "被雨淋湿" in refusal(spoilt.serial, PaperVoided)             # voided, and why
    enter_paper_vote(world.secretary, ballot, serial=new.serial, option_id=agree, witness="w")
    refusal(new.serial, AlreadyVoted)                                   # entered already
    assert db.session.scalar(db.select(db.func.count(Vote.id)).where(
        Vote.ballot_id == ballot.id)) == 2


def test_replacing_voids_the_old_serial_and_the_audit_names_both(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    old = db.session.scalar(db.select(PaperBallot).where(
        PaperBallot.serial == paper_serial(world.secretary, ballot, world.household_a)))
    with pytest.raises(InvalidInput) as raised:
        replace_paper_ballot(world.secretary, ballot, old, " ")
    assert raised.value.field == "reason"
    new = replace_paper_ballot(world.secretary, ballot, old, "住户遗失")
    assert old.voided_at is not None and old.voided_by_id == world.secretary.id
    assert new.serial != old.serial and new.replaces_id == old.id and new.voided_at is None
    assert audit(db, ballot, "ballot.paper_replaced") == [
        f"{world.household_a.code}: {old.serial} → {new.serial} (住户遗失)"]
    papers, issued = issue_paper_ballots(world.secretary, ballot, world.household_a.id)
    assert issued == 0 and papers[0].serial == new.serial         # printing prints the new one
    with pytest.raises(PaperVoided):
        replace_paper_ballot(world.secretary, ballot, old, "again")
    cast_phone_vote(world.resident, ballot, world.household_a.id, ballot.options[0].id)
    with pytest.raises(Conflict):           # the household voted: nothing to replace
        replace_paper_ballot(world.secretary, ballot, new, "遗失")
    with pytest.raises(NotAllowed):
        replace_paper_ballot(world.other_secretary, ballot, new, "遗失")


def test_without_its_serial_an_entry_needs_the_household_and_a_reason(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意").id
    with pytest.raises(InvalidInput) as raised:
        enter_paper_vote(world.secretary, ballot, household_id=world.household_a.id,
                         option_id=agree, witness="w")
    assert raised.value.field == "reason"
    with pytest.raises(InvalidInput) as raised:          # not in this ballot's electorate
        enter_paper_vote(world.secretary, ballot, household_id=world.household_b.id,
                         option_id=agree, witness="w", reason="遗失")
    assert raised.value.field == "serial"
    with pytest.raises(InvalidInput) as raised:
        enter_paper_vote(world.secretary, ballot, household_id=world.household_a.id,
                         option_id=agree, witness=" ", reason="遗失")
    assert raised.value.field == "witness"
    cast, _household = enter_paper_vote(
        world.secretary, ballot, household_id=world.household_a.id, option_id=agree,
        witness="李监票", reason="选票遗失，业主当面重填")
    assert cast.serial is None and cast.witness == "李监票"
    vote = db.session.scalar(db.select(Vote).where(Vote.ballot_id == ballot.id))
    assert str(describe_vote(ballot, vote)) == "无编号录入的纸质票"
    assert audit(db, ballot, "ballot.paper_vote") == [
        f"#{cast.seq} — {world.household_a.code} (选票遗失，业主当面重填)"]
    # the household's printed ballot can no longer count
    with pytest.raises(AlreadyVoted):
        enter_paper_vote(world.secretary, ballot, option_id=agree, witness="w",
                         serial=paper_serial(world.secretary, ballot, world.household_a))


def test_entering_writes_nothing_to_the_issued_ballot(db, world):
    """Nothing kept beside the household says when (or in what order) its
    paper ballot was entered: in a secret ballot that would tie it to its link."""
    ballot = make_ballot(world.secretary, world.compound_a, secret=True)
    papers, _issued = issue_paper_ballots(world.secretary, ballot)
    columns = PaperBallot.__table__.columns.keys()
    before = [tuple(getattr(p, c) for c in columns) for p in papers]
    for paper in papers:
        enter_paper_vote(world.secretary, ballot, serial=paper.serial,
                         option_id=ballot.options[0].id, witness="w")
    services.close_ballot(world.secretary, ballot)
    for paper in papers:
        db.session.refresh(paper)
    assert [tuple(getattr(p, c) for c in columns) for p in papers] == before
    assert db.session.scalars(db.select(Cast.serial).where(
        Cast.ballot_id == ballot.id)).all() == [None, None]     # the chain forgot them


def test_per_person_ballots_print_one_paper_per_listed_adult(db, world, factory):
    spouse = factory.resident(world.household_a, relation=Relation.family, name="张桂芳")
    ballot = make_ballot(world.secretary, world.compound_a, basis="residents",
                         matter="consultative", count_per="person")
    papers, issued = issue_paper_ballots(world.secretary, ballot, world.household_a.id)
    assert issued == 2 and {p.person_id for p in papers} == {world.resident.id, spouse.id}
    assert [h.id for h in search_households(ballot, "桂芳")] == [world.household_a.id]


def test_lookup_by_room_code_or_owners_name(db, world, factory):
    stairs = factory.building(world.compound_a, number="3")
    h601 = factory.household(stairs, floor=6, unit="2-0601",
                             owner=factory.owner(world.community_a, name="张德明"))
    h601b = factory.household(stairs, floor=6, unit="1-0601")
    ballot = make_ballot(world.secretary, world.compound_a)

    def found(text):
        return [h.id for h in search_households(ballot, text)]
    assert found("401") == [world.household_a2.id]
    assert found("0401") == found("1-401") == found("1号楼401") == [world.household_a2.id]
    assert set(found("601")) == {h601.id, h601b.id}
    assert found("3-2-601") == found("3号楼2单元601") == found("3 2 601") == [h601.id]
    assert found("3/2/601") == [h601.id]
    assert found("３－２－６０１") == found("３号楼２单元６０１") == [h601.id]   # a Chinese IME's digits
    assert found("张") == found("德明") == [h601.id]
    assert found(world.household_a.code.lower()) == [world.household_a.id]
    assert found("王秀兰") == [world.household_a.id]        # the owner the register names
    assert found("李建国") == [] and found("901") == []   # another compound's; no such room
    assert found("%") == [] and found("") == []


def test_a_scanned_address_or_typed_serial_is_read_the_same(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    serial = paper_serial(world.secretary, ballot, world.household_a)
    for typed in (serial.lower(), f"{serial[:4]} {serial[4:]}", f"{serial[:4]}-{serial[4:]}",
                  f"https://rv.example/ballots/paper/{serial}",
                  serial.lower().translate(str.maketrans(   # an input method's full width
                      "abcdefghijklmnopqrstuvwxyz0123456789",
                      "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ０１２３４５６７８９"))):
        assert normalise_serial(typed) == serial
        assert find_issued(world.secretary, ballot, typed).household_id == world.household_a.id

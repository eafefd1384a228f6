"""Votes on phones during a live meeting (issue 19 §7): attendees who checked
in vote on the motion being voted on; the chair's count adds the hands of
those without phones; the quorum rule and the owners' matter rule apply to
the combined result; the minutes record both parts."""
import pytest
from sqlalchemy.exc import IntegrityError

from residentvoice.errors_domain import Conflict, InvalidInput, NotAllowed, NotEligible
from residentvoice.extensions import db as _db
from residentvoice.meetings import minutes, moderation, phone_votes
from residentvoice.meetings.models import Advisory, AgendaItemRef, MotionStatus
from residentvoice.meetings.phone_vote_models import PhoneVote, VoteChoice, tally

pytestmark = pytest.mark.usefixtures("english")

YES, NO, ABSTAIN = VoteChoice.yes, VoteChoice.no, VoteChoice.abstain


def _voting(mt, **kwargs):
    """A motion moved, seconded, debated and put to the vote."""
    meeting = mt.in_session(**kwargs)
    motion = moderation.move(mt.resident, meeting, "在3号楼东侧建车棚")
    moderation.second(mt.neighbour, meeting, motion.id)
    moderation.accept_for_debate(mt.chair, meeting, motion.id)
    moderation.call_vote(mt.chair, meeting, motion.id)
    return meeting, motion


def _hands(mt, meeting, motion, yes=0, no=0, abstain=0):
    return moderation.record_vote(mt.secretary, meeting, motion.id, votes_for=yes,
                                  votes_against=no, votes_abstain=abstain)


def test_attendees_vote_on_their_phones_and_the_count_runs_live(mt, db):
    meeting, motion = _voting(mt)
    version = meeting.live_version
    phone_votes.cast(mt.resident, meeting, motion.id, YES)
    assert meeting.live_version > version          # the chair's screen polls with it
    phone_votes.cast(mt.neighbour, meeting, motion.id, YES)
    phone_votes.cast(mt.third, meeting, motion.id, NO)
    assert tally(motion) == {"votes_for": 2, "votes_against": 1, "votes_abstain": 0}
    state = phone_votes.screen_state(meeting, motion, mt.third)
    assert state["phone"]["voted"] == 3
    assert state["phone"]["may_vote"] == 3         # four checked in, the chair does not vote
    assert state["my_vote"].choice is NO


def test_only_attendees_who_checked_in_vote_and_never_the_chair(mt, db):
    meeting, motion = _voting(mt, present=[mt.resident, mt.neighbour, mt.chair])
    with pytest.raises(NotEligible, match="Check in first"):
        phone_votes.cast(mt.third, meeting, motion.id, YES)       # invited, not here
    with pytest.raises(NotEligible, match="not invited"):
        phone_votes.cast(mt.outsider, meeting, motion.id, YES)
    with pytest.raises(NotAllowed, match="neutral"):
        phone_votes.cast(mt.chair, meeting, motion.id, YES)
    assert sum(tally(motion).values()) == 0


def test_votes_are_taken_only_while_the_motion_is_being_voted_on(mt, db):
    meeting, motion = mt.debating()
    with pytest.raises(Conflict, match="has not called the vote"):
        phone_votes.cast(mt.third, meeting, motion.id, YES)
    moderation.call_vote(mt.chair, meeting, motion.id)
    with pytest.raises(Conflict, match="no longer on the floor"):
        phone_votes.cast(mt.third, meeting, motion.id + 1, YES)   # not this motion
    with pytest.raises(InvalidInput, match="for, against or abstain"):
        phone_votes.cast(mt.third, meeting, motion.id, None)
    phone_votes.cast(mt.third, meeting, motion.id, YES)
    _hands(mt, meeting, motion)
    # The count is recorded: the vote is closed and what was cast stays as it was.
    with pytest.raises(Conflict, match="no longer on the floor"):
        phone_votes.cast(mt.third, meeting, motion.id, NO)
    with pytest.raises(Conflict, match="no longer on the floor"):
        phone_votes.cast(mt.resident, meeting, motion.id, NO)
    assert tally(motion) == {"votes_for": 1, "votes_against": 0, "votes_abstain": 0}


def test_a_second_tap_changes_the_choice_and_the_same_tap_changes_nothing(mt, db):
    meeting, motion = _voting(mt)
    first = phone_votes.cast(mt.third, meeting, motion.id, YES)
    version = meeting.live_version
    again = phone_votes.cast(mt.third, meeting, motion.id, YES)
    assert again.id == first.id and again.changed_at is None
    assert meeting.live_version == version
    changed = phone_votes.cast(mt.third, meeting, motion.id, ABSTAIN)
    assert changed.id == first.id and changed.choice is ABSTAIN
    assert changed.changed_at is not None and meeting.live_version > version
    assert tally(motion) == {"votes_for": 0, "votes_against": 0, "votes_abstain": 1}
    assert db.session.scalar(db.select(db.func.count(PhoneVote.id))) == 1


def test_the_database_keeps_one_vote_per_attendee_per_motion(mt, db):
    meeting, motion = _voting(mt)
    phone_votes.cast(mt.third, meeting, motion.id, YES)
    with pytest.raises(IntegrityError):
        with _db.session.begin_nested():
            _db.session.add(PhoneVote(motion_id=motion.id, user_id=mt.third.id, choice=NO))
            _db.session.flush()


def test_the_record_is_the_phone_votes_plus_the_hands(mt, db):
    meeting, motion = _voting(mt)
    phone_votes.cast(mt.resident, meeting, motion.id, YES)
    phone_votes.cast(mt.neighbour, meeting, motion.id, NO)
    # 孙主持 chairs; one more person without a phone raises a hand for it.
    _hands(mt, meeting, motion, yes=1)
    assert (motion.votes_for, motion.votes_against, motion.votes_abstain) == (2, 1, 0)
    assert motion.status is MotionStatus.passed and motion.advisory is None
    assert motion.item.decision == "在3号楼东侧建车棚"
    text = minutes.generate_text(meeting)
    assert ("Vote: for 2, against 1, abstain 0 — Passed (on phones: for 1, against 1, "
            "abstain 0; by show of hands: for 1, against 0, abstain 0).") in text
    assert "Show of hands: for" not in text


def test_a_tie_of_phones_and_hands_together_fails(mt, db):
    meeting, motion = _voting(mt)
    phone_votes.cast(mt.resident, meeting, motion.id, YES)
    phone_votes.cast(mt.neighbour, meeting, motion.id, NO)
    phone_votes.cast(mt.third, meeting, motion.id, YES)
    _hands(mt, meeting, motion, no=1)
    assert (motion.votes_for, motion.votes_against) == (2, 2)
    assert motion.status is MotionStatus.failed and motion.item.decision == ""


def test_phones_and_hands_together_are_at_most_those_present(mt, db):
    meeting, motion = _voting(mt)
    for person in (mt.resident, mt.neighbour, mt.third):
        phone_votes.cast(person, meeting, motion.id, YES)
    with pytest.raises(InvalidInput, match="With the 3 votes cast on phones.*4 people present"):
        _hands(mt, meeting, motion, yes=1, no=1)
    assert motion.status is MotionStatus.voting and motion.votes_for is None


def test_without_a_quorum_the_combined_result_is_an_opinion(mt, db):
    # Two of the four invited households are there: not a majority.
    meeting, motion = _voting(mt, present=[mt.resident, mt.neighbour])
    phone_votes.cast(mt.resident, meeting, motion.id, YES)
    phone_votes.cast(mt.neighbour, meeting, motion.id, YES)
    _hands(mt, meeting, motion)
    assert motion.status is MotionStatus.passed and motion.advisory is Advisory.no_quorum
    assert motion.item.decision == "" and motion.item.opinion == "在3号楼东侧建车棚"
    text = minutes.generate_text(meeting)
    assert "on phones: for 2, against 0, abstain 0" in text
    assert "not a decision: the meeting had no quorum" in text and "Decision:" not in text


def test_on_an_owners_matter_the_combined_result_is_an_opinion(mt, db):
    meeting, motion = _voting(mt)
    motion.item.refs.append(AgendaItemRef(ref_kind="proposal", ref_id=1))
    for person in (mt.resident, mt.neighbour, mt.third):
        phone_votes.cast(person, meeting, motion.id, YES)
    _hands(mt, meeting, motion)
    assert motion.advisory is Advisory.owners_matter
    assert motion.item.decision == "" and motion.item.opinion == "在3号楼东侧建车棚"


def test_a_count_by_hand_alone_is_recorded_as_a_show_of_hands(mt, db):
    meeting, motion = _voting(mt)
    _hands(mt, meeting, motion, yes=3, no=1)
    assert minutes.vote_breakdown([motion]) == {}
    assert "Show of hands: for 3, against 1, abstain 0 — Passed." in \
        minutes.generate_text(meeting)


def test_a_count_before_anyone_voted_is_refused(mt, db):
    """The hands start at 0 on the chair's form: recording them before any
    phone vote came in, or any hand was counted, is a slip, not a result."""
    meeting, motion = _voting(mt)
    with pytest.raises(InvalidInput, match="Nobody has voted yet"):
        _hands(mt, meeting, motion)
    assert motion.status is MotionStatus.voting
    phone_votes.cast(mt.third, meeting, motion.id, NO)
    _hands(mt, meeting, motion)
    assert motion.status is MotionStatus.failed and motion.votes_against == 1

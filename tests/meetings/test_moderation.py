"""Live moderation by the simplified Robert's Rules (DESIGN §4)."""
import pytest

from residentvoice.errors_domain import Conflict, InvalidInput, NotAllowed, NotEligible
from residentvoice.errors_domain import TransitionNotAllowed
from residentvoice.meetings import moderation, services
from residentvoice.meetings.models import MotionStatus, Side, SpeechStatus

pytestmark = pytest.mark.usefixtures("english")


def test_the_chair_cannot_move_second_or_speak(mt, db):
    meeting = mt.in_session()
    with pytest.raises(NotAllowed, match="neutral"):
        moderation.move(mt.chair, meeting, "主持人的动议")
    motion = moderation.move(mt.resident, meeting, "建车棚")
    with pytest.raises(NotAllowed, match="neutral"):
        moderation.second(mt.chair, meeting, motion.id)
    moderation.second(mt.neighbour, meeting, motion.id)
    moderation.accept_for_debate(mt.chair, meeting, motion.id)
    with pytest.raises(NotAllowed, match="neutral"):
        moderation.request_floor(mt.chair, meeting, Side.pro)


def test_the_mover_cannot_second(mt, db):
    meeting = mt.in_session()
    motion = moderation.move(mt.resident, meeting, "建车棚")
    with pytest.raises(NotAllowed, match="mover cannot second"):
        moderation.second(mt.resident, meeting, motion.id)
    assert motion.status is MotionStatus.moved and motion.seconder_id is None
    moderation.second(mt.third, meeting, motion.id)
    assert motion.status is MotionStatus.seconded and motion.seconder_id == mt.third.id


def test_moving_needs_an_invitee_who_checked_in_during_the_session(mt, db):
    meeting = mt.announced()
    with pytest.raises(TransitionNotAllowed, match="not in session"):
        moderation.move(mt.resident, meeting, "x")
    services.transition(mt.chair, meeting, "open")
    with pytest.raises(NotEligible, match="not invited"):
        moderation.move(mt.outsider, meeting, "别的院")
    with pytest.raises(NotEligible, match="Check in first"):
        moderation.move(mt.resident, meeting, "x")
    assert moderation.motion_on_floor(meeting) is None


def test_one_motion_on_the_floor_at_a_time_and_it_must_say_something(mt, db):
    meeting = mt.in_session()
    with pytest.raises(InvalidInput):
        moderation.move(mt.resident, meeting, "  ")
    moderation.move(mt.resident, meeting, "建车棚")
    with pytest.raises(Conflict):
        moderation.move(mt.neighbour, meeting, "建花箱")


def test_only_the_chair_accepts_for_debate_and_only_seconded_motions(mt, db):
    meeting = mt.in_session()
    motion = moderation.move(mt.resident, meeting, "建车棚")
    with pytest.raises(TransitionNotAllowed):
        moderation.accept_for_debate(mt.chair, meeting, motion.id)
    moderation.second(mt.neighbour, meeting, motion.id)
    with pytest.raises(NotAllowed):
        moderation.accept_for_debate(mt.resident, meeting, motion.id)
    moderation.accept_for_debate(mt.chair, meeting, motion.id)
    assert motion.status is MotionStatus.debate


def test_speakers_alternate_sides_when_both_are_waiting(mt, db):
    meeting, motion = mt.debating()
    moderation.request_floor(mt.resident, meeting, Side.pro)
    moderation.request_floor(mt.neighbour, meeting, Side.pro)
    moderation.request_floor(mt.third, meeting, Side.con)
    order = [moderation.call_next(mt.chair, meeting).user_id for _ in range(3)]
    assert order == [mt.resident.id, mt.third.id, mt.neighbour.id]
    assert moderation.call_next(mt.chair, meeting) is None   # queue empty: last one ends
    assert db.session.scalar(db.select(db.func.count()).where(
        moderation.SpeechRequest.status == SpeechStatus.speaking)) == 0


def test_same_side_in_order_when_only_one_side_waits(mt, db):
    meeting, motion = mt.debating()
    moderation.request_floor(mt.resident, meeting, Side.con)
    moderation.request_floor(mt.third, meeting, Side.con)
    first = moderation.call_next(mt.chair, meeting)
    assert first.user_id == mt.resident.id and first.started_at is not None
    assert moderation.call_next(mt.chair, meeting).user_id == mt.third.id


def test_a_third_speech_on_the_same_motion_is_refused(mt, db):
    meeting, motion = mt.debating()
    for _ in range(2):
        moderation.request_floor(mt.third, meeting, Side.con)
        moderation.call_next(mt.chair, meeting)
    with pytest.raises(Conflict, match="at most 2 times"):
        moderation.request_floor(mt.third, meeting, Side.pro)
    moderation.request_floor(mt.resident, meeting, Side.pro)   # others still may


def test_the_limit_follows_the_meetings_rule(mt, db):
    meeting, motion = mt.debating(speeches_per_motion=1)
    moderation.request_floor(mt.third, meeting, Side.con)
    with pytest.raises(Conflict, match="already waiting"):
        moderation.request_floor(mt.third, meeting, Side.con)
    moderation.call_next(mt.chair, meeting)
    with pytest.raises(Conflict, match=r"spoken 1 time on .* at most 1 time\.$"):
        moderation.request_floor(mt.third, meeting, Side.con)


def test_only_the_chair_calls_the_vote_and_only_when_debate_is_exhausted(mt, db):
    meeting, motion = mt.debating()
    moderation.request_floor(mt.third, meeting, Side.con)
    with pytest.raises(NotAllowed):
        moderation.call_vote(mt.resident, meeting, motion.id)
    with pytest.raises(Conflict, match="not exhausted"):
        moderation.call_vote(mt.chair, meeting, motion.id)
    moderation.call_next(mt.chair, meeting)
    moderation.call_vote(mt.chair, meeting, motion.id)
    assert motion.status is MotionStatus.voting


def _vote(mt, meeting, motion, yes, no, abstain):
    moderation.call_vote(mt.chair, meeting, motion.id)
    return moderation.record_vote(mt.secretary, meeting, motion.id, votes_for=yes,
                                  votes_against=no, votes_abstain=abstain)


def test_a_tie_fails(mt, db):
    meeting, motion = mt.debating()
    _vote(mt, meeting, motion, 2, 2, 0)
    assert motion.status is MotionStatus.failed
    assert motion.item.decision == ""


def test_more_for_than_against_passes_and_the_decision_goes_on_the_item(mt, db):
    meeting, motion = mt.debating()
    _vote(mt, meeting, motion, 2, 1, 1)
    assert motion.status is MotionStatus.passed
    assert motion.item.decision == "在3号楼东侧建车棚"
    assert (motion.votes_for, motion.votes_against, motion.votes_abstain) == (2, 1, 1)


def test_counts_are_checked(mt, db):
    meeting, motion = mt.debating()
    moderation.call_vote(mt.chair, meeting, motion.id)
    with pytest.raises(InvalidInput, match="more than the 4 people present"):
        moderation.record_vote(mt.chair, meeting, motion.id, votes_for=3, votes_against=2,
                               votes_abstain=0)
    with pytest.raises(InvalidInput):
        moderation.record_vote(mt.chair, meeting, motion.id, votes_for=-1, votes_against=0,
                               votes_abstain=0)
    with pytest.raises(NotAllowed):
        moderation.record_vote(mt.resident, meeting, motion.id, votes_for=1, votes_against=0,
                               votes_abstain=0)
    assert motion.status is MotionStatus.voting and motion.votes_for is None


def test_counts_need_a_called_vote(mt, db):
    meeting, motion = mt.debating()
    with pytest.raises(Conflict, match="not called the vote"):
        moderation.record_vote(mt.chair, meeting, motion.id, votes_for=1, votes_against=0,
                               votes_abstain=0)


def test_adjourning_waits_for_the_motion_on_the_floor(mt, db):
    meeting, motion = mt.debating()
    with pytest.raises(TransitionNotAllowed):
        services.transition(mt.chair, meeting, "adjourn")
    moderation.withdraw(mt.resident, meeting, motion.id)
    assert motion.status is MotionStatus.withdrawn
    services.transition(mt.chair, meeting, "adjourn")


def test_only_the_mover_or_chair_withdraws(mt, db):
    meeting, motion = mt.debating()
    with pytest.raises(NotAllowed):
        moderation.withdraw(mt.third, meeting, motion.id)
    moderation.withdraw(mt.chair, meeting, motion.id)


def test_the_chair_moves_between_items_but_not_over_an_open_motion(mt, db):
    meeting = mt.in_session()
    second = meeting.items[1]
    moderation.move(mt.resident, meeting, "建车棚")
    with pytest.raises(Conflict):
        moderation.set_current_item(mt.chair, meeting, second.id)
    moderation.withdraw(mt.resident, meeting, moderation.motion_on_floor(meeting).id)
    with pytest.raises(NotAllowed):
        moderation.set_current_item(mt.resident, meeting, second.id)
    moderation.set_current_item(mt.chair, meeting, second.id)
    assert meeting.current_item_id == second.id and second.started_at is not None


def test_every_live_change_bumps_the_version(mt, db):
    meeting, motion = mt.debating()
    before = meeting.live_version
    moderation.request_floor(mt.third, meeting, Side.con)
    assert meeting.live_version == before + 1
    moderation.call_next(mt.chair, meeting)
    assert meeting.live_version == before + 2


def test_an_owners_matter_is_referred_to_a_ballot_with_notice(mt, db):
    from residentvoice import signals
    meeting, motion = mt.debating()
    with pytest.raises(NotAllowed):
        moderation.refer_to_ballot(mt.chair, meeting, motion.id)   # not a secretary
    ballot = moderation.refer_to_ballot(mt.secretary, meeting, motion.id)
    assert motion.status is MotionStatus.referred and motion.ballot_id == ballot.id
    assert ("ballot", ballot.id) in motion.item.ref_pairs
    assert ballot.opens_at - ballot.announced_at >= moderation.BALLOT_NOTICE
    assert ballot.title == motion.text
    found = signals.look_up_links([("ballot", ballot.id)], mt.secretary)
    assert ("ballot", ballot.id) in found
    assert moderation.motion_on_floor(meeting) is None

"""A show of hands without a quorum, or on a matter the owners decide by
ballot, is recorded as an opinion / suggestion (意见/建议), never as a decision
— on the motion, the agenda item and the minutes (issue 17 §10)."""
import pytest

from residentvoice.meetings import attendance, minutes, moderation
from residentvoice.meetings.models import Advisory, AgendaItemRef, MotionStatus

pytestmark = pytest.mark.usefixtures("english")


def _carry(mt, meeting, motion, yes=2, no=1):
    moderation.call_vote(mt.chair, meeting, motion.id)
    return moderation.record_vote(mt.secretary, meeting, motion.id, votes_for=yes,
                                  votes_against=no, votes_abstain=0)


def test_with_a_quorum_a_motion_carried_is_a_decision(mt, db):
    meeting, motion = mt.debating()
    _carry(mt, meeting, motion)
    assert motion.advisory is None
    assert motion.item.decision == "在3号楼东侧建车棚" and motion.item.opinion == ""


def test_without_a_quorum_it_is_an_opinion_not_a_decision(mt, db):
    # Two of the four invited households are there: not a majority.
    meeting = mt.in_session(present=[mt.resident, mt.neighbour])
    motion = moderation.move(mt.resident, meeting, "在3号楼东侧建车棚")
    moderation.second(mt.neighbour, meeting, motion.id)
    moderation.accept_for_debate(mt.chair, meeting, motion.id)
    _carry(mt, meeting, motion, yes=2, no=0)
    assert motion.status is MotionStatus.passed
    assert motion.advisory is Advisory.no_quorum
    assert motion.item.decision == ""
    assert motion.item.opinion == "在3号楼东侧建车棚"
    text = minutes.generate_text(meeting)
    assert "Decision:" not in text
    assert "Opinion / suggestion (not a decision): 在3号楼东侧建车棚" in text
    assert "not a decision: the meeting had no quorum" in text


def test_on_an_owners_matter_it_is_an_opinion_even_with_a_quorum(mt, db):
    """The item is about a proposal for vacated common space: changing the use
    of common parts is for an owners' ballot (Civil Code art. 278 (8))."""
    meeting, motion = mt.debating()
    motion.item.refs.append(AgendaItemRef(ref_kind="proposal", ref_id=1))
    assert attendance.summary(meeting)["quorum"]
    _carry(mt, meeting, motion)
    assert motion.advisory is Advisory.owners_matter
    assert motion.item.decision == "" and motion.item.opinion == "在3号楼东侧建车棚"


def test_a_failed_motion_is_neither(mt, db):
    meeting = mt.in_session(present=[mt.resident, mt.neighbour])
    motion = moderation.move(mt.resident, meeting, "建花箱")
    moderation.second(mt.neighbour, meeting, motion.id)
    moderation.accept_for_debate(mt.chair, meeting, motion.id)
    _carry(mt, meeting, motion, yes=1, no=1)
    assert motion.status is MotionStatus.failed
    assert motion.item.decision == "" and motion.item.opinion == ""

"""Votes on phones during a live meeting (issue 19 §7).

Once the chair calls the vote, every attendee who checked in may vote for,
against or abstain on their own phone while the chair's screen counts them
live; those without a phone raise their hands and the chair or the recorder
enters those hands as before.  The count they record is the final record:
the phone votes plus the hands (``moderation.record_vote``), judged by the
same rules — more for than against passes, a tie fails, and without a
quorum or on an owners' matter it is an opinion / suggestion (意见/建议),
not a decision (``moderation.advisory_reason``).

One vote per attendee per motion: a second tap on another choice changes
it while the vote is open — a slip of the finger on a phone should not
cost an elder their vote, and in the room a hand may go up and down until
the count is taken — and a tap on the same choice changes nothing.  The
vote closes when the count is recorded; the row is kept, unchanged, for the
minutes."""
from flask_babel import lazy_gettext as _l

from ..errors_domain import Conflict, InvalidInput
from ..extensions import db
from ..models import utcnow
from . import moderation
from .core import audit, touch
from .models import Attendance, MotionStatus
from .phone_vote_models import PhoneVote, VoteChoice, tally


def vote_of(motion, user):
    """``user``'s phone vote on ``motion``, or None."""
    if motion is None or not (user and user.is_authenticated):
        return None
    return db.session.scalar(db.select(PhoneVote).where(PhoneVote.motion_id == motion.id,
                                                        PhoneVote.user_id == user.id))


def cast(actor, meeting, motion_id, choice, now=None):
    """``actor`` votes ``choice`` on the motion being voted on.  Who may: the
    same people who may take the floor — present (checked-in) invitees, never
    the neutral chair (``moderation``'s floor rule); when: only while the
    motion is in the voting state, under the meeting's lock, so a vote and
    the recorded count never cross."""
    moderation._require_floor_member(actor, meeting)
    motion = moderation._get_open_motion(meeting, motion_id)
    if motion.status is not MotionStatus.voting:
        raise Conflict(_l("The chair has not called the vote."))
    if not isinstance(choice, VoteChoice):
        raise InvalidInput(_l("Choose for, against or abstain."), "choice")
    vote = vote_of(motion, actor)
    if vote is not None and vote.choice is choice:
        return vote
    now = now or utcnow()
    if vote is None:
        vote = PhoneVote(motion_id=motion.id, user_id=actor.id, choice=choice, cast_at=now)
        db.session.add(vote)
        db.session.flush()
        audit(actor, "motion.phone_vote", meeting, motion)
    else:
        vote.choice, vote.changed_at = choice, now
        audit(actor, "motion.phone_vote_changed", meeting, motion)
    touch(meeting)
    return vote


def screen_state(meeting, motion, user):
    """What the live and chair screens show of the phone vote on ``motion``
    (being voted on): the running count, how many have voted of those present
    who may (everyone checked in but the chair), and the user's own vote."""
    if motion is None or motion.status is not MotionStatus.voting:
        return {"phone": None, "my_vote": None}
    counts = tally(motion)
    may_vote = db.session.scalar(db.select(db.func.count(Attendance.id)).where(
        Attendance.meeting_id == meeting.id, Attendance.user_id != meeting.chair_id))
    return {"phone": dict(counts, voted=sum(counts.values()), may_vote=may_vote),
            "my_vote": vote_of(motion, user)}

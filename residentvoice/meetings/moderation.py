"""Live moderation by the simplified Robert's Rules (南塘议事规则, DESIGN §4):
a neutral chair, discussion on a concrete motion, speakers called in order
with sides alternating, a speech limit per person per motion, the vote
called by the chair only when debate is exhausted, more for than against
passes and a tie fails."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext


from ..errors_domain import Conflict, InvalidInput, NotAllowed, NotEligible, TransitionNotAllowed
from ..extensions import db
from ..models import utcnow
from ..statemachine import StateMachine
from ..voting.models import Ballot, Basis
from ..voting.services import create_ballot
from .attendance import attendance_of, summary
from .models import (OPEN_MOTION, Advisory, AgendaItemRef, Attendance, MeetingStatus, Motion,
                     MotionStatus, Side, SpeechRequest, SpeechStatus)
from .core import audit, get_item, is_invited, lock, touch
from .phone_vote_models import tally

MOTION_TRANSITIONS = {
    (MotionStatus.moved, "second"): MotionStatus.seconded,
    (MotionStatus.seconded, "debate"): MotionStatus.debate,
    (MotionStatus.debate, "call_vote"): MotionStatus.voting,
    (MotionStatus.voting, "pass"): MotionStatus.passed,
    (MotionStatus.voting, "fail"): MotionStatus.failed,
    (MotionStatus.moved, "withdraw"): MotionStatus.withdrawn,
    (MotionStatus.seconded, "withdraw"): MotionStatus.withdrawn,
    (MotionStatus.debate, "withdraw"): MotionStatus.withdrawn,
    (MotionStatus.seconded, "refer"): MotionStatus.referred,
    (MotionStatus.debate, "refer"): MotionStatus.referred,
}
MOTION_MACHINE = StateMachine(MOTION_TRANSITIONS, _l("The motion is “%(status)s”; this "
                                                     "cannot be done now."))
BALLOT_NOTICE = timedelta(days=15)
BALLOT_OPEN_FOR = timedelta(days=7)


def _apply(actor, meeting, motion, action, now):
    old, target = MOTION_MACHINE.apply(motion, action)
    touch(meeting)
    audit(actor, f"motion.{action}", meeting, motion, summary=motion.text[:200],
          changes={"status": (old, target)})
    return motion


def _lock_in_session(meeting):
    """Every action on the floor starts here: the meeting's lock first
    (``core.lock``), so its checks — one motion on the floor, one seconder,
    one waiting request and at most N speeches per person, one count — see
    what concurrent requests wrote; then the meeting must be in session."""
    lock(meeting)
    if meeting.status is not MeetingStatus.in_session:
        raise TransitionNotAllowed(_l("The meeting is not in session."))


def _require_chair(actor, meeting):
    _lock_in_session(meeting)
    if not meeting.can_chair(actor):
        raise NotAllowed(_l("Only the chair can do this."))


def _require_floor_member(actor, meeting):
    """Movers, seconders and speakers: present invitees, never the chair."""
    _lock_in_session(meeting)
    if actor.id == meeting.chair_id:
        raise NotAllowed(_l("The chair is neutral: the chair cannot move, second or speak "
                            "on motions."))
    if not is_invited(meeting, actor):
        raise NotEligible(_l("You are not invited to this meeting."))
    if attendance_of(meeting, actor.id) is None:
        raise NotEligible(_l("Check in first: only people present take part."))


def motion_on_floor(meeting):
    return db.session.scalar(db.select(Motion).where(
        Motion.meeting_id == meeting.id, Motion.status.in_(OPEN_MOTION)))


def _get_open_motion(meeting, motion_id=None):
    motion = motion_on_floor(meeting)
    if motion is None or (motion_id is not None and motion.id != motion_id):
        raise Conflict(_l("That motion is no longer on the floor."))
    return motion


def set_current_item(actor, meeting, item_id, now=None):
    """The chair moves the meeting to an agenda item; its clock starts."""
    _require_chair(actor, meeting)
    item = get_item(meeting, item_id)
    if motion_on_floor(meeting) is not None:
        raise Conflict(_l("Decide or withdraw the motion on the floor first."))
    meeting.current_item_id = item.id
    if item.started_at is None:
        item.started_at = now or utcnow()
    touch(meeting)
    audit(actor, "meeting.current_item", meeting, item, summary=item.title)
    return item


def move(actor, meeting, text, now=None):
    """A present invitee moves a concrete motion on the current item."""
    _require_floor_member(actor, meeting)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_l("Write the motion: what exactly should the meeting decide?"),
                           "text")
    if motion_on_floor(meeting) is not None:
        raise Conflict(_l("Another motion is on the floor; it must be decided first."), "text")
    if meeting.current_item_id is None:
        raise Conflict(_l("The chair has not opened an agenda item."), "text")
    motion = Motion(meeting_id=meeting.id, item_id=meeting.current_item_id, text=text,
                    mover=actor, mover_id=actor.id)
    db.session.add(motion)
    db.session.flush()
    touch(meeting)
    audit(actor, "motion.moved", meeting, motion, summary=text[:200])
    return motion


def second(actor, meeting, motion_id, now=None):
    """Another present invitee seconds it; the mover cannot."""
    _require_floor_member(actor, meeting)
    motion = _get_open_motion(meeting, motion_id)
    if motion.mover_id == actor.id:
        raise NotAllowed(_l("The mover cannot second their own motion."))
    _apply(actor, meeting, motion, "second", now)
    motion.seconder, motion.seconder_id = actor, actor.id
    motion.seconded_at = now or utcnow()
    return motion


def accept_for_debate(actor, meeting, motion_id, now=None):
    _require_chair(actor, meeting)
    motion = _get_open_motion(meeting, motion_id)
    _apply(actor, meeting, motion, "debate", now)
    motion.debate_at = now or utcnow()
    return motion


def withdraw(actor, meeting, motion_id, now=None):
    """The mover (or the chair) withdraws a motion before the vote."""
    _lock_in_session(meeting)
    motion = _get_open_motion(meeting, motion_id)
    if actor.id != motion.mover_id and not meeting.can_chair(actor):
        raise NotAllowed(_l("Only the mover or the chair can withdraw a motion."))
    _apply(actor, meeting, motion, "withdraw", now)
    _end_all(motion, now or utcnow())
    return motion


def _end_all(motion, now):
    for request in _requests(motion, (SpeechStatus.waiting, SpeechStatus.speaking)):
        if request.status is SpeechStatus.speaking:
            request.status, request.ended_at = SpeechStatus.done, now
        else:
            request.status = SpeechStatus.withdrawn


def _requests(motion, statuses):
    return db.session.scalars(db.select(SpeechRequest).where(
        SpeechRequest.motion_id == motion.id, SpeechRequest.status.in_(statuses))
        .order_by(SpeechRequest.requested_at, SpeechRequest.id)).all()


def request_floor(actor, meeting, side, now=None):
    """Ask to speak, stating for or against first; at most N speeches per motion."""
    _require_floor_member(actor, meeting)
    motion = motion_on_floor(meeting)
    if motion is None or motion.status is not MotionStatus.debate:
        raise Conflict(_l("There is no motion in debate."))
    if not isinstance(side, Side):
        raise InvalidInput(_l("Say whether you speak for or against."), "side")
    mine = db.session.scalars(db.select(SpeechRequest).where(
        SpeechRequest.motion_id == motion.id, SpeechRequest.user_id == actor.id,
        SpeechRequest.status != SpeechStatus.withdrawn)).all()
    if any(r.status is SpeechStatus.waiting for r in mine):
        raise Conflict(_l("You are already waiting to speak."))
    if len(mine) >= meeting.speeches_per_motion:
        raise Conflict(lazy_ngettext(
            "You have already spoken %(num)d time on this motion; each person may speak at "
            "most %(num)d time.",
            "You have already spoken %(num)d times on this motion; each person may speak at "
            "most %(num)d times.", meeting.speeches_per_motion))
    request = SpeechRequest(motion_id=motion.id, user_id=actor.id, side=side,
                            requested_at=now or utcnow())
    db.session.add(request)
    db.session.flush()
    touch(meeting)
    audit(actor, "motion.floor_requested", meeting, request, summary=side.name)
    return request


def cancel_request(actor, meeting, request_id):
    _lock_in_session(meeting)
    request = db.session.get(SpeechRequest, request_id)
    motion = _get_open_motion(meeting)
    if request is None or request.motion_id != motion.id or \
            request.status is not SpeechStatus.waiting:
        raise Conflict(_l("That request is no longer waiting."))
    if request.user_id != actor.id and not meeting.can_chair(actor):
        raise NotAllowed(_l("You can only withdraw your own request."))
    request.status = SpeechStatus.withdrawn
    touch(meeting)
    audit(actor, "motion.floor_withdrawn", meeting, request)
    return request


def next_speaker(waiting, last_side):
    """Earliest waiting speaker, but from the other side than the last one
    when both sides are waiting (sides alternate)."""
    if not waiting:
        return None
    if last_side is not None:
        other = [r for r in waiting if r.side is not last_side]
        if other:
            return other[0]
    return waiting[0]


def _last_side(motion):
    last = db.session.scalar(db.select(SpeechRequest).where(
        SpeechRequest.motion_id == motion.id, SpeechRequest.started_at.is_not(None))
        .order_by(SpeechRequest.started_at.desc(), SpeechRequest.id.desc()))
    return last.side if last else None


def call_next(actor, meeting, now=None):
    """The chair ends the current speech and gives the floor to the next speaker."""
    _require_chair(actor, meeting)
    now = now or utcnow()
    motion = _get_open_motion(meeting)
    if motion.status is not MotionStatus.debate:
        raise Conflict(_l("There is no motion in debate."))
    for speaking in _requests(motion, (SpeechStatus.speaking,)):
        speaking.status, speaking.ended_at = SpeechStatus.done, now
    chosen = next_speaker(_requests(motion, (SpeechStatus.waiting,)), _last_side(motion))
    if chosen is not None:
        chosen.status, chosen.started_at = SpeechStatus.speaking, now
        audit(actor, "motion.speaker_called", meeting, chosen, summary=chosen.user.name)
    touch(meeting)
    return chosen


def end_speech(actor, meeting, now=None):
    _require_chair(actor, meeting)
    motion = _get_open_motion(meeting)
    for speaking in _requests(motion, (SpeechStatus.speaking,)):
        speaking.status, speaking.ended_at = SpeechStatus.done, now or utcnow()
    touch(meeting)


def call_vote(actor, meeting, motion_id, now=None):
    """Only the chair calls the vote, and only once debate is exhausted."""
    _require_chair(actor, meeting)
    motion = _get_open_motion(meeting, motion_id)
    if _requests(motion, (SpeechStatus.waiting,)):
        raise Conflict(_l("People are still waiting to speak: debate is not exhausted."))
    _apply(actor, meeting, motion, "call_vote", now)
    _end_all(motion, now or utcnow())
    motion.vote_called_at = now or utcnow()
    return motion


def record_vote(actor, meeting, motion_id, *, votes_for, votes_against, votes_abstain,
                now=None):
    """The chair or the recorder records the count: the hands they counted
    (those who did not vote on a phone) added to the votes cast on phones
    (``phone_votes``, issue 19 §7), together at most the people present.
    More for than against passes; a tie fails (DESIGN §4); the combined
    result is an opinion, not a decision, when ``advisory_reason`` says so.
    The decision goes on the item; the phone vote closes with it."""
    _lock_in_session(meeting)
    if not (meeting.can_chair(actor) or meeting.can_record(actor)):
        raise NotAllowed(_l("Only the chair or the recorder can enter the count."))
    motion = _get_open_motion(meeting, motion_id)
    if motion.status is not MotionStatus.voting:
        raise Conflict(_l("The chair has not called the vote."))
    counts = {"votes_for": votes_for, "votes_against": votes_against,
              "votes_abstain": votes_abstain}
    for field, value in counts.items():
        if not isinstance(value, int) or value < 0:
            raise InvalidInput(_l("Enter a whole number, 0 or more."), field)
    phone = tally(motion)
    counts = {field: value + phone[field] for field, value in counts.items()}
    present = db.session.scalar(db.select(db.func.count(Attendance.id))
                                .where(Attendance.meeting_id == meeting.id))
    if sum(counts.values()) > present:
        raise InvalidInput(_l("The counts add up to more than the %(n)d people present.",
                              n=present) if not any(phone.values()) else
                           _l("With the %(phones)d votes cast on phones, the counts add up "
                              "to more than the %(n)d people present.",
                              phones=sum(phone.values()), n=present), "votes_for")
    if not any(counts.values()):  # the form starts at 0: recorded before anyone voted
        raise InvalidInput(_l("Nobody has voted yet: wait for the votes on phones or enter "
                              "the hands counted."), "votes_for")
    for field, value in counts.items():
        setattr(motion, field, value)
    passed = counts["votes_for"] > counts["votes_against"]
    motion.advisory = advisory_reason(meeting, motion)
    _apply(actor, meeting, motion, "pass" if passed else "fail", now)
    motion.decided_at = now or utcnow()
    if passed:
        item = motion.item
        if motion.advisory is None:
            item.decision = (item.decision + "\n" if item.decision else "") + motion.text
        else:
            item.opinion = (item.opinion + "\n" if item.opinion else "") + motion.text
    return motion


def needs_owners_ballot(motion):
    """The motion's agenda item is about a use of vacated common space (a
    proposal) or an owners' ballot: changing the use of common parts is for
    the owners to decide by ballot (Civil Code art. 278 (8)), which a show of
    hands at a council meeting cannot replace."""
    if any(kind == "proposal" for kind, _ident in motion.item.ref_pairs):
        return True
    ballots = [ident for kind, ident in motion.item.ref_pairs if kind == "ballot"]
    return bool(ballots) and db.session.scalar(db.select(db.func.count(Ballot.id)).where(
        Ballot.id.in_(ballots), Ballot.basis == Basis.owners)) > 0


def advisory_reason(meeting, motion):
    """Why a show of hands on ``motion`` now counts only as an opinion or a
    suggestion (意见/建议), not a decision (issue 17 §10): the matter needs an
    owners' ballot, or the meeting has no quorum (DESIGN §4: a majority of the
    invited households; owners' meetings art. 278's two thirds).  None: it
    decides."""
    if needs_owners_ballot(motion):
        return Advisory.owners_matter
    if not summary(meeting)["quorum"]:
        return Advisory.no_quorum
    return None


def refer_to_ballot(actor, meeting, motion_id, now=None):
    """Owners' matters (Civil Code art. 278: changing the use of common parts…)
    are not decided by a show of hands: the secretary turns the motion into a
    draft owners' ballot with 15 days' notice (DESIGN §4) with the voting
    feature's ``create_ballot``."""
    _lock_in_session(meeting)
    if not meeting.can_manage(actor):
        raise NotAllowed(_l("Only the community's secretaries can create ballots."))
    motion = _get_open_motion(meeting, motion_id)
    if meeting.compound_id is None:
        raise Conflict(_l("A ballot needs a compound; this meeting is for the whole "
                          "community."))
    now = now or utcnow()
    _apply(actor, meeting, motion, "refer", now)
    ballot = create_ballot(
        actor, meeting.compound_id, title=motion.text[:200],
        description=str(_l("Moved by %(mover)s and seconded by %(seconder)s at “%(meeting)s”.",
                           mover=motion.mover.name,
                           seconder=motion.seconder.name if motion.seconder else "—",
                           meeting=meeting.title)),
        basis="owners", matter="common_parts_use", options=[], announced_at=now,
        opens_at=now + BALLOT_NOTICE, closes_at=now + BALLOT_NOTICE + BALLOT_OPEN_FOR)
    motion.ballot_id = ballot.id
    motion.decided_at = now
    _end_all(motion, now)
    motion.item.refs.append(AgendaItemRef(ref_kind="ballot", ref_id=ballot.id))
    audit(actor, "motion.referred", meeting, motion, summary=f"ballot {ballot.id}")
    return ballot


def live_state(meeting, user):
    """What the live screens show, in one place for the page and the poll."""
    motion = motion_on_floor(meeting)
    queue, speaking, mine = [], None, []
    if motion is not None:
        queue = _requests(motion, (SpeechStatus.waiting,))
        found = _requests(motion, (SpeechStatus.speaking,))
        speaking = found[0] if found else None
        if user is not None and user.is_authenticated:
            mine = db.session.scalars(db.select(SpeechRequest).where(
                SpeechRequest.motion_id == motion.id, SpeechRequest.user_id == user.id,
                SpeechRequest.status != SpeechStatus.withdrawn)).all()
    decided = db.session.scalars(db.select(Motion).where(
        Motion.meeting_id == meeting.id, Motion.status.not_in(OPEN_MOTION))
        .order_by(Motion.id.desc()).limit(3)).all()
    return {"meeting": meeting, "item": meeting.current_item, "motion": motion,
            "queue": queue, "speaking": speaking, "my_requests": mine,
            "my_waiting": next((r for r in mine if r.status is SpeechStatus.waiting), None),
            "next": next_speaker(queue, _last_side(motion)) if motion else None,
            "decided": decided, "now": utcnow(),
            "attendance": attendance_of(meeting, user.id) if user else None,
            "invited": is_invited(meeting, user)}

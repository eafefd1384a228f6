"""Minutes: drafted from the meeting's record, edited by the recorder,
approved by the chair, then published for a 公示 period of comments
(DESIGN §4: minutes record attendance, motions, who moved and seconded,
vote counts and decisions, and are posted publicly)."""
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, lazyload

from ..errors_domain import InvalidInput, NotAllowed, NotFound, TransitionNotAllowed
from ..extensions import db
from ..models import utcnow
from ..templating import format_moment
from . import attendance
from .models import ActionItem, MeetingStatus, MinutesComment, Motion
from .core import audit, get_item, is_invited, lock, officer_candidates
from .phone_vote_models import tallies

ACTION_STATES = (MeetingStatus.in_session, MeetingStatus.adjourned, MeetingStatus.minutes_draft)


def motions_of(meeting):
    return db.session.scalars(db.select(Motion).where(Motion.meeting_id == meeting.id)
                              .order_by(Motion.id)).all()


def vote_breakdown(motions):
    """``{motion_id: {"phone": counts, "hands": counts}}`` for the counted
    motions some attendees voted on by phone (issue 19 §7): the record is
    the two together, the minutes show each part."""
    phones = tallies([m.id for m in motions if m.votes_for is not None])
    return {m.id: {"phone": phones[m.id],
                   "hands": {field: getattr(m, field) - n for field, n in phones[m.id].items()}}
            for m in motions if m.id in phones}


def actions_of(meeting):
    return db.session.scalars(db.select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                              .order_by(ActionItem.due_on, ActionItem.id)).all()


def generate_text(meeting):
    """The draft, in the recorder's language, from what the platform recorded."""
    counts = attendance.summary(meeting)
    lines = [meeting.title,
             _("Time: %(when)s · Place: %(place)s", when=format_moment(meeting.starts_at),
               place=meeting.place),
             _("Chair: %(chair)s · Recorder: %(recorder)s", chair=meeting.chair.name,
               recorder=meeting.recorder.name),
             _("Present: %(present)d of %(invited)d invited (%(hp)d of %(hi)d households).",
               present=counts["present"], invited=counts["invited"],
               hp=counts["present_households"], hi=counts["invited_households"]),
             ""]
    motions = motions_of(meeting)
    parts = vote_breakdown(motions)
    for item in meeting.items:
        lines.append(f"{item.position}. {item.title}")
        if item.description:
            lines.append(item.description)
        for motion in (m for m in motions if m.item_id == item.id):
            lines.append(_("Motion: %(text)s", text=motion.text))
            lines.append(_("Moved by %(mover)s, seconded by %(seconder)s.",
                           mover=motion.mover.name,
                           seconder=motion.seconder.name if motion.seconder else _("nobody")))
            if motion.votes_for is None:
                lines.append(str(motion.status.value))
                continue
            lines.append(_vote_line(motion, **parts[motion.id]) if motion.id in parts else _(
                "Show of hands: for %(f)d, against %(a)d, abstain %(s)d — %(result)s.",
                f=motion.votes_for, a=motion.votes_against, s=motion.votes_abstain,
                result=motion.status.value))
            if motion.advisory is not None:
                lines.append(_("Recorded as an opinion / suggestion, not a decision: "
                               "%(reason)s.", reason=motion.advisory.value))
        if item.decision:
            lines.append(_("Decision: %(decision)s", decision=item.decision))
        if item.opinion:
            lines.append(_("Opinion / suggestion (not a decision): %(text)s", text=item.opinion))
        lines.append("")
    actions = actions_of(meeting)
    if actions:
        lines.append(_("Action items:"))
        for action in actions:
            lines.append(_("- %(text)s (%(owner)s, by %(due)s)", text=action.text,
                           owner=action.owner.name, due=format_date(action.due_on)))
    return "\n".join(lines).strip() + "\n"


def _vote_line(motion, phone, hands):
    return _("Vote: for %(f)d, against %(a)d, abstain %(s)d — %(result)s (on phones: for "
             "%(pf)d, against %(pa)d, abstain %(ps)d; by show of hands: for %(hf)d, against "
             "%(ha)d, abstain %(hs)d).",
             f=motion.votes_for, a=motion.votes_against, s=motion.votes_abstain,
             result=motion.status.value, pf=phone["votes_for"], pa=phone["votes_against"],
             ps=phone["votes_abstain"], hf=hands["votes_for"], ha=hands["votes_against"],
             hs=hands["votes_abstain"])


def edit(actor, meeting, text):
    """The recorder edits the draft; any edit withdraws an earlier approval."""
    if not meeting.can_record(actor):
        raise NotAllowed(_l("Only the recorder can edit the minutes."))
    lock(meeting)  # an edit and the chair's approval never cross
    if meeting.status is not MeetingStatus.minutes_draft:
        raise TransitionNotAllowed(_l("The minutes can only be edited while they are a draft."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_l("The minutes cannot be empty."), "text")
    if text == meeting.minutes_text.strip():
        return meeting
    meeting.minutes_text = text + "\n"
    changes = {}
    if meeting.minutes_approved_at is not None:
        changes["minutes_approved_at"] = (meeting.minutes_approved_at, None)
        meeting.minutes_approved_at = meeting.minutes_approved_by_id = None
    audit(actor, "meeting.minutes_edited", meeting, summary=meeting.title, changes=changes)
    return meeting


def approve(actor, meeting, now=None):
    """Only the chair approves the minutes."""
    if actor.id != meeting.chair_id:
        raise NotAllowed(_l("Only the chair can approve the minutes."))
    lock(meeting)  # approves the text as it is now, not as it was read
    if meeting.status is not MeetingStatus.minutes_draft:
        raise TransitionNotAllowed(_l("Only draft minutes can be approved."))
    meeting.minutes_approved_at = now or utcnow()
    meeting.minutes_approved_by_id = actor.id
    audit(actor, "meeting.minutes_approved", meeting, summary=meeting.title)
    return meeting


def add_action(actor, meeting, *, text, owner_id, due_on, item_id=None, today=None):
    """An action item with an owner and a due date; it shows on the owner's home page."""
    if not meeting.can_record(actor):
        raise NotAllowed(_l("Only the recorder can add action items."))
    lock(meeting)
    if meeting.status not in ACTION_STATES:
        raise TransitionNotAllowed(_l("Action items are added during the meeting or while "
                                      "the minutes are drafted."))
    if not (text or "").strip():
        raise InvalidInput(_l("Say what is to be done."), "text")
    if owner_id not in {u.id for u in officer_candidates(meeting.community_id,
                                                         meeting.compound_id)}:
        raise InvalidInput(_l("Choose someone from the list."), "owner_id")
    if not isinstance(due_on, date) or due_on < (today or utcnow().date()):
        raise InvalidInput(_l("Choose a due date from today on."), "due_on")
    if item_id:
        get_item(meeting, item_id)
    action = ActionItem(meeting_id=meeting.id, item_id=item_id or None, text=text.strip(),
                        owner_id=owner_id, due_on=due_on)
    db.session.add(action)
    db.session.flush()
    audit(actor, "meeting.action_added", meeting, action, summary=action.text)
    return action


def complete_action(actor, action_id, now=None):
    """Done once: the action item's row is locked before it is checked."""
    action = db.session.scalar(db.select(ActionItem).where(ActionItem.id == action_id)
                               .with_for_update(key_share=True, of=ActionItem)
                               .execution_options(populate_existing=True))
    if action is None:
        raise NotFound(_l("There is no such action item."))
    meeting = action.meeting
    if actor.id != action.owner_id and not meeting.can_record(actor):
        raise NotAllowed(_l("Only the person who does it, or the recorder, can mark it done."))
    if action.done_at is not None:
        raise TransitionNotAllowed(_l("This action item is already done."))
    action.done_at = now or utcnow()
    audit(actor, "meeting.action_done", meeting, action, summary=action.text)
    return action


def open_actions_for(user):
    """The user's open action items, with their meetings (the list names
    each); not their owner, who is ``user``."""
    return db.session.scalars(db.select(ActionItem).where(
        ActionItem.owner_id == user.id, ActionItem.done_at.is_(None))
        .options(lazyload(ActionItem.owner), joinedload(ActionItem.meeting))
        .order_by(ActionItem.due_on, ActionItem.id)).all()


def comments_open(meeting, now=None):
    return meeting.status is MeetingStatus.minutes_published and \
        meeting.comments_until is not None and (now or utcnow()) < meeting.comments_until


def can_comment(meeting, user):
    return bool(user) and user.is_authenticated and (
        is_invited(meeting, user) or meeting.in_scope(user) or meeting.can_manage(user))


def comment(actor, meeting, body, now=None):
    """Residents comment on published minutes during the 公示 period only."""
    if not can_comment(meeting, actor):
        raise NotAllowed(_l("Only the compound's residents can comment on these minutes."))
    if not comments_open(meeting, now):
        raise TransitionNotAllowed(_l("The comment period is closed."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_l("Write your comment."), "body")
    entry = MinutesComment(meeting_id=meeting.id, user_id=actor.id, body=body)
    db.session.add(entry)
    db.session.flush()
    audit(actor, "meeting.minutes_comment", meeting, entry, summary=body[:200])
    return entry


def comments_of(meeting):
    return db.session.scalars(db.select(MinutesComment).where(
        MinutesComment.meeting_id == meeting.id).order_by(MinutesComment.id)).all()


def owner_choices(meeting):
    return [(u.id, u.name) for u in officer_candidates(meeting.community_id, meeting.compound_id)]



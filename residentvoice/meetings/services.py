"""Meetings: creation, editing, the state machine, invitees and visibility.

Rules from DESIGN §4 "Meetings (议事规则)" and the Beijing property regulation
(owners' matters need at least 15 days' notice)."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from ..audit.services import diff
from ..directory.models import Community, Compound
from ..errors_domain import InvalidInput, NotAllowed, NotFound, TransitionNotAllowed
from ..extensions import db
from ..i18n import N_
from ..models import utcnow
from ..notifications.models import Notification
from ..notifications.services import notify
from ..statemachine import StateMachine
from .core import EDITABLE, audit, invitee_ids, lock, officer_candidates, touch
from .minutes import generate_text
from .models import (OPEN_MOTION, InviteeScope, Meeting, MeetingInvitee,
                     MeetingKind, MeetingStatus, Motion)

OWNERS_NOTICE_DAYS = 15

# The one state machine of a meeting: (state, action) → new state.
TRANSITIONS = {
    (MeetingStatus.draft, "announce"): MeetingStatus.announced,
    (MeetingStatus.announced, "open"): MeetingStatus.in_session,
    (MeetingStatus.in_session, "adjourn"): MeetingStatus.adjourned,
    (MeetingStatus.adjourned, "draft_minutes"): MeetingStatus.minutes_draft,
    (MeetingStatus.minutes_draft, "publish"): MeetingStatus.minutes_published,
}
MACHINE = StateMachine(TRANSITIONS, _l("This cannot be done while the meeting is "
                                       "“%(status)s”."))
# Who may apply each action: the name of a Meeting permission method.
ACTION_PERMISSION = {"announce": "can_manage", "open": "can_chair", "adjourn": "can_chair",
                     "draft_minutes": "can_record", "publish": "can_manage"}
ACTION_LABELS = {
    "announce": _l("Announce the meeting"),
    "open": _l("Open the meeting"),
    "adjourn": _l("Adjourn the meeting"),
    "draft_minutes": _l("Draft the minutes"),
    "publish": _l("Publish the minutes"),
}
FIELDS = ("title", "kind", "place", "starts_at", "duration_minutes", "chair_id",
          "recorder_id", "invitees", "speech_seconds", "speeches_per_motion",
          "publicity_days")


# -- who is in scope ----------------------------------------------------------


def meetings_for(user, *, upcoming=None):
    """Meetings the user may see, newest first."""
    managed = user.managed_community_ids()
    homes = user.compound_ids()
    compounds = set(homes)
    compounds |= {c.id for r in user.roles if r.organisation_id for c in r.organisation.compounds}
    communities = db.select(Compound.community_id).where(Compound.id.in_(homes or {-1}))
    named = db.select(MeetingInvitee.meeting_id).where(MeetingInvitee.user_id == user.id)
    visible = db.or_(
        Meeting.community_id.in_(managed or {-1}),
        Meeting.chair_id == user.id, Meeting.recorder_id == user.id,
        db.and_(Meeting.status != MeetingStatus.draft, db.or_(
            Meeting.compound_id.in_(compounds or {-1}),
            db.and_(Meeting.compound_id.is_(None), Meeting.community_id.in_(communities)),
            Meeting.id.in_(named))))
    query = db.select(Meeting).where(visible)
    if upcoming is True:
        query = query.where(Meeting.status.in_(EDITABLE + (MeetingStatus.in_session,)))
    return query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())


# -- create and edit ------------------------------------------------------------

def _check_officers(community_id, compound_id, data):
    allowed = {u.id for u in officer_candidates(community_id, compound_id)}
    for field in ("chair_id", "recorder_id"):
        if data.get(field) not in allowed:
            raise InvalidInput(_l("Choose someone from the list."), field)


def _check_rules(data, now):
    title = (data.get("title") or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput(_l("Enter a title."), "title")
    if data["starts_at"] <= now:
        raise InvalidInput(_l("The meeting must start in the future."), "starts_at")
    for field, low, high in (("duration_minutes", 10, 600), ("speech_seconds", 30, 900),
                             ("speeches_per_motion", 1, 10), ("publicity_days", 1, 60)):
        value = data.get(field)
        if value is None or not low <= value <= high:
            raise InvalidInput(_l("Enter a number from %(low)d to %(high)d.", low=low, high=high),
                               field)


def create_meeting(actor, *, compound_id=None, community_id=None, named_user_ids=(),
                   now=None, **data):
    """A secretary calls a meeting of a compound (or of the whole community)."""
    now = now or utcnow()
    compound = db.session.get(Compound, compound_id) if compound_id else None
    if compound_id and compound is None:
        raise NotFound(_l("There is no such compound."), "compound_id")
    community = compound.community if compound else db.session.get(Community, community_id)
    if community is None or not community.can_manage(actor):
        raise NotAllowed(_l("Only the community's secretaries can call a meeting."))
    data = {"speech_seconds": 120, "speeches_per_motion": 2, "publicity_days": 7,
            "duration_minutes": 90, **data}
    _check_officers(community.id, compound_id, data)
    _check_rules(data, now)
    meeting = Meeting(community_id=community.id, compound_id=compound_id,
                      created_by_id=actor.id,
                      **{field: data[field] for field in FIELDS if field in data})
    _set_named(meeting, named_user_ids)
    db.session.add(meeting)
    db.session.flush()
    audit(actor, "meeting.created", meeting, summary=meeting.title)
    return meeting


def _set_named(meeting, user_ids):
    if meeting.invitees is not InviteeScope.named:
        meeting.named_invitees = []
        return
    wanted = set(user_ids)
    if not wanted:
        raise InvalidInput(_l("Name at least one invitee."), "named")
    known = {u.id for u in officer_candidates(meeting.community_id, meeting.compound_id)}
    if wanted - known:
        raise InvalidInput(_l("Choose invitees from the list."), "named")
    meeting.named_invitees = [i for i in meeting.named_invitees if i.user_id in wanted] + [
        MeetingInvitee(user_id=uid) for uid in sorted(wanted - {i.user_id for i in
                                                               meeting.named_invitees})]


def update_meeting(actor, meeting, *, named_user_ids=(), now=None, **data):
    """Edit the meeting (rules included) while it is a draft or announced."""
    now = now or utcnow()
    if not meeting.can_manage(actor):
        raise NotAllowed(_l("Only the community's secretaries can edit the meeting."))
    lock(meeting)
    if meeting.status not in EDITABLE:
        raise TransitionNotAllowed(_l("The meeting has started; it can no longer be edited."))
    _check_officers(meeting.community_id, meeting.compound_id, data)
    _check_rules(data, now)
    if meeting.status is MeetingStatus.announced:
        _check_notice(meeting.kind if "kind" not in data else data["kind"], data["starts_at"],
                      now)
    was = (meeting.starts_at, meeting.place)
    changes = diff(meeting, data, FIELDS)
    _set_named(meeting, named_user_ids)
    touch(meeting)
    audit(actor, "meeting.updated", meeting, summary=meeting.title, changes=changes)
    if meeting.status is MeetingStatus.announced and {"starts_at", "place"} & set(changes):
        meeting.changed_at = now
        meeting.previous_starts_at, meeting.previous_place = was
        _tell_change(meeting, was)
    return meeting


# Notifications already sent keep their message id (still translated when read).
EARLIER = [N_("Meeting “%(title)s” has changed: now on %(when)s at %(place)s."),
           N_("The minutes of “%(title)s” are published; comments are open for %(days)s days.")]


def first_reached(meeting):
    """Everyone the meeting's notice reached when it was announced."""
    return set(db.session.scalars(db.select(Notification.user_id).where(
        Notification.kind == "meeting.announced",
        Notification.url == f"/meetings/{meeting.id}").distinct()))


def _tell_change(meeting, was):
    """An updated notice when an announced meeting moves (issue 17 §8): to
    everyone the first notice reached — invitees since removed included — and
    whoever is invited now, with the time and place it replaces."""
    from flask_babel import format_datetime
    notify(first_reached(meeting) | recipients(meeting), "meeting.changed",
           N_("Meeting “%(title)s” has moved: now on %(when)s at %(place)s (was %(was_when)s "
              "at %(was_place)s)."),
           {"title": meeting.title, "when": format_datetime(meeting.starts_at, "short"),
            "place": meeting.place, "was_when": format_datetime(was[0], "short"),
            "was_place": was[1]}, f"/meetings/{meeting.id}", at=meeting.starts_at)


def _check_notice(kind, starts_at, now):
    """Owners' matters: notice at least 15 days before (Beijing property regulation 2024)."""
    if kind is MeetingKind.owners and starts_at - now < timedelta(days=OWNERS_NOTICE_DAYS):
        raise InvalidInput(_l("An owners' meeting must be announced at least %(days)d days "
                              "before it starts.", days=OWNERS_NOTICE_DAYS), "starts_at")


# -- the state machine --------------------------------------------------------------

def allowed_actions(meeting, user):
    return MACHINE.allowed(
        meeting, lambda action, _new: getattr(meeting, ACTION_PERMISSION[action])(user))


def transition(actor, meeting, action, now=None):
    """Apply ``action`` from the transition table, with its guard (under the
    meeting's lock: adjourning checks that no motion is on the floor)."""
    now = now or utcnow()
    lock(meeting)
    target = MACHINE.target(meeting, action)
    if not getattr(meeting, ACTION_PERMISSION[action])(actor):
        raise NotAllowed(_l("You may not do this for this meeting."))
    GUARDS[action](actor, meeting, now)
    old = meeting.status
    meeting.status = target
    touch(meeting)
    audit(actor, f"meeting.{action}", meeting, summary=meeting.title,
          changes={"status": (old, target)})
    AFTER.get(action, lambda *a: None)(actor, meeting, now)
    return meeting


def _guard_announce(actor, meeting, now):
    if not meeting.items:
        raise InvalidInput(_l("Add at least one agenda item before announcing the meeting."))
    if meeting.starts_at <= now:
        raise InvalidInput(_l("The meeting must start in the future."), "starts_at")
    _check_notice(meeting.kind, meeting.starts_at, now)


def _guard_open(actor, meeting, now):
    if not meeting.items:
        raise InvalidInput(_l("The meeting has no agenda."))


def _guard_adjourn(actor, meeting, now):
    open_motion = db.session.scalar(db.select(Motion.id).where(
        Motion.meeting_id == meeting.id, Motion.status.in_(OPEN_MOTION)))
    if open_motion is not None:
        raise TransitionNotAllowed(_l("Decide or withdraw the motion on the floor first."))


def _guard_draft_minutes(actor, meeting, now):
    return None


def _guard_publish(actor, meeting, now):
    if meeting.minutes_approved_at is None:
        raise TransitionNotAllowed(_l("The chair has not approved the minutes yet."))


GUARDS = {"announce": _guard_announce, "open": _guard_open, "adjourn": _guard_adjourn,
          "draft_minutes": _guard_draft_minutes, "publish": _guard_publish}


def recipients(meeting):
    return invitee_ids(meeting) | {meeting.chair_id, meeting.recorder_id}


def _after_announce(actor, meeting, now):
    from flask_babel import format_datetime
    meeting.announced_at = now
    notify(recipients(meeting), "meeting.announced",
           N_("Meeting “%(title)s” on %(when)s at %(place)s."),
           {"title": meeting.title, "when": format_datetime(meeting.starts_at, "short"),
            "place": meeting.place}, f"/meetings/{meeting.id}", at=meeting.starts_at)


def _after_open(actor, meeting, now):
    meeting.opened_at = now
    first = meeting.items[0]
    meeting.current_item_id = first.id
    first.started_at = now


def _after_adjourn(actor, meeting, now):
    meeting.adjourned_at = now


def _after_draft_minutes(actor, meeting, now):
    meeting.minutes_text = generate_text(meeting)


def _after_publish(actor, meeting, now):
    meeting.minutes_published_at = now
    meeting.comments_until = now + timedelta(days=meeting.publicity_days)
    from flask_babel import format_datetime
    notify(recipients(meeting), "meeting.minutes",
           N_("The minutes of “%(title)s” are published; comments are open until %(until)s."),
           {"title": meeting.title,
            "until": format_datetime(meeting.comments_until, "short")},
           f"/meetings/{meeting.id}/minutes")


AFTER = {"announce": _after_announce, "open": _after_open, "adjourn": _after_adjourn,
         "draft_minutes": _after_draft_minutes, "publish": _after_publish}



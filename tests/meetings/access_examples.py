"""Who may use each meeting route (every route × the seven roles).

Meetings belong to compound A (community A): the secretary of community A is
their chair and recorder; the resident lives there; staff work there; the
street admin oversees it; the "other" resident and secretary are elsewhere."""
from datetime import timedelta

from residentvoice.extensions import db
from residentvoice.meetings.models import (ActionItem, AgendaItem, AgendaSuggestion,
                                           InviteeScope, Meeting, MeetingKind, MeetingStatus,
                                           Motion, MotionStatus)
from residentvoice.models import utcnow

from ..access_matrix import FORBIDDEN, HIDDEN, OK, expect, only

VIEWERS = expect(other_resident=HIDDEN, other_secretary=HIDDEN)
MANAGERS = only("secretary", "street_admin", other_secretary=HIDDEN, other_resident=HIDDEN)
MANAGERS_BY_ROLE = only("secretary", "street_admin", other_secretary=HIDDEN)
DRAFT_MANAGERS = only("secretary", "street_admin", others=HIDDEN)
# an agenda item of another meeting, through this one: not found, even by its managers
ITEM_ELSEWHERE = {role: (HIDDEN if seen == OK else seen) for role, seen in MANAGERS.items()}


def meeting(w, key, status=MeetingStatus.announced):
    """One meeting per example key (created on first use, in that world)."""
    cache = w.__dict__.setdefault("_meetings", {})
    if key not in cache:
        m = Meeting(community_id=w.community_a.id, compound_id=w.compound_a.id,
                    title=f"议事会 {key}", kind=MeetingKind.council, place="群众接待室",
                    starts_at=utcnow() + timedelta(days=3), chair_id=w.secretary.id,
                    recorder_id=w.secretary.id, invitees=InviteeScope.all_residents,
                    status=status, minutes_text="纪要",
                    comments_until=utcnow() + timedelta(days=7))
        m.items = [AgendaItem(position=1, title="车棚"), AgendaItem(position=2, title="花箱")]
        db.session.add(m)
        db.session.flush()
        cache[key] = m
    return cache[key]


def _base(w, key, status=MeetingStatus.announced):
    return f"/meetings/{meeting(w, key, status).id}"


def _motion(w, key):
    m = meeting(w, key, MeetingStatus.in_session)
    motion = Motion(meeting_id=m.id, item_id=m.items[0].id, text="建车棚",
                    mover_id=w.resident.id, status=MotionStatus.moved)
    db.session.add(motion)
    db.session.flush()
    return f"/meetings/{m.id}/motions/{motion.id}"


def _suggestion(w, key):
    m = meeting(w, key)
    s = AgendaSuggestion(meeting_id=m.id, user_id=w.resident.id, title="儿童游乐设施")
    db.session.add(s)
    db.session.flush()
    return f"/meetings/{m.id}/suggestions/{s.id}"


def _action(w):
    m = meeting(w, "action", MeetingStatus.minutes_published)
    a = ActionItem(meeting_id=m.id, text="统计车辆", owner_id=w.resident.id,
                   due_on=utcnow().date())
    db.session.add(a)
    db.session.flush()
    return f"/meetings/actions/{a.id}/done"


PUBLISHED = MeetingStatus.minutes_published
SESSION = MeetingStatus.in_session

EXAMPLES = {
    "meetings.detail": lambda w: [
        ("GET", _base(w, "detail"), VIEWERS),
        ("GET", _base(w, "draft", MeetingStatus.draft), DRAFT_MANAGERS),
        ("GET", "/meetings/999999", expect(HIDDEN))],
    "meetings.edit": lambda w: [("GET", _base(w, "edit") + "/edit", MANAGERS_BY_ROLE)],
    "meetings.transition": lambda w: [
        ("POST", _base(w, "transition") + "/open",
         only("secretary", "street_admin", other_resident=HIDDEN, other_secretary=HIDDEN)),
        ("POST", _base(w, "publish", MeetingStatus.minutes_draft) + "/publish",
         only("secretary", "street_admin", other_resident=HIDDEN, other_secretary=HIDDEN))],
    "meetings.notice": lambda w: [("GET", _base(w, "notice") + "/notice", VIEWERS)],
    "meetings.add_item": lambda w: [("GET", _base(w, "add") + "/items/new", MANAGERS)],
    "meetings.edit_item": lambda w: [
        ("GET", f"{_base(w, 'edit_item')}/items/{meeting(w, 'edit_item').items[0].id}/edit",
         MANAGERS),
        ("GET", f"{_base(w, 'edit_item')}/items/{meeting(w, 'del').items[0].id}/edit",
         ITEM_ELSEWHERE)],
    "meetings.delete_item": lambda w: [
        ("POST", f"{_base(w, 'del')}/items/{meeting(w, 'del').items[0].id}/delete", MANAGERS)],
    "meetings.move_item": lambda w: [
        ("POST", f"{_base(w, 'mv')}/items/{meeting(w, 'mv').items[0].id}/move", MANAGERS)],
    "meetings.suggest": lambda w: [("POST", _base(w, "suggest") + "/suggestions", VIEWERS)],
    "meetings.accept_suggestion": lambda w: [
        ("POST", _suggestion(w, "accept") + "/accept", MANAGERS)],
    "meetings.decline_suggestion": lambda w: [
        ("GET", _suggestion(w, "decline") + "/decline", MANAGERS)],
    "meetings.live": lambda w: [("GET", _base(w, "live", SESSION) + "/live", VIEWERS)],
    "meetings.chair": lambda w: [("GET", _base(w, "chair", SESSION) + "/chair", MANAGERS)],
    "meetings.state": lambda w: [
        ("GET", _base(w, "state", SESSION) + "/live/state", VIEWERS),
        ("GET", _base(w, "state", SESSION) + "/chair/state", MANAGERS)],
    "meetings.move": lambda w: [("POST", _base(w, "move", SESSION) + "/motions", VIEWERS)],
    "meetings.motion_step": lambda w: [
        ("POST", _motion(w, "second") + "/second", VIEWERS),
        ("POST", _motion(w, "debate") + "/debate", MANAGERS),
        ("POST", _motion(w, "ballot") + "/ballot", MANAGERS)],
    "meetings.count": lambda w: [("POST", _motion(w, "count") + "/count", MANAGERS)],
    # anyone who sees the meeting may try; only those checked in are counted
    "meetings.phone_vote": lambda w: [
        ("POST", _motion(w, "phone_vote") + "/phone-vote", VIEWERS)],
    "meetings.request_floor": lambda w: [
        ("POST", _base(w, "floor", SESSION) + "/floor", VIEWERS)],
    "meetings.cancel_floor": lambda w: [
        ("POST", _base(w, "cancel", SESSION) + "/floor/999999/cancel", VIEWERS)],
    "meetings.speakers": lambda w: [
        ("POST", _base(w, "speakers", SESSION) + "/speakers/next", MANAGERS)],
    "meetings.current_item": lambda w: [
        ("POST", _base(w, "current", SESSION) + "/current", MANAGERS)],
    "meetings.checkin": lambda w: [
        ("GET", f"{_base(w, 'checkin', SESSION)}/checkin/"
                f"{meeting(w, 'checkin').checkin_token}", expect()),
        ("GET", _base(w, "checkin", SESSION) + "/checkin/wrong-token", expect(HIDDEN))],
    "meetings.attendance_page": lambda w: [
        ("GET", _base(w, "attendance", SESSION) + "/attendance", VIEWERS)],
    "meetings.check_in_person": lambda w: [
        ("POST", f"{_base(w, 'person', SESSION)}/attendance/{w.resident.id}", MANAGERS)],
    "meetings.minutes_page": lambda w: [
        ("GET", _base(w, "minutes", PUBLISHED) + "/minutes", VIEWERS),
        ("GET", _base(w, "minutes_draft", MeetingStatus.minutes_draft) + "/minutes",
         only("secretary", "street_admin", others=HIDDEN))],
    "meetings.approve_minutes": lambda w: [
        ("POST", _base(w, "approve", MeetingStatus.minutes_draft) + "/minutes/approve",
         only("secretary", other_resident=HIDDEN, other_secretary=HIDDEN))],
    "meetings.print_minutes": lambda w: [
        ("GET", _base(w, "print", PUBLISHED) + "/minutes/print", VIEWERS)],
    "meetings.comment": lambda w: [
        ("POST", _base(w, "comment", PUBLISHED) + "/minutes/comments", VIEWERS)],
    "meetings.add_action": lambda w: [
        ("GET", _base(w, "add_action", SESSION) + "/actions", MANAGERS)],
    "meetings.action_done": lambda w: [
        ("POST", _action(w), only("resident", "secretary", "street_admin",
                                  staff=FORBIDDEN, other_resident=HIDDEN,
                                  other_secretary=HIDDEN))],
    "api.meeting_detail": lambda w: [("GET", f"/api/v1{_base(w, 'api')}", VIEWERS)],
    "api.meeting_agenda": lambda w: [("GET", f"/api/v1{_base(w, 'api')}/agenda", VIEWERS)],
    "api.meeting_attendance": lambda w: [
        ("GET", f"/api/v1{_base(w, 'api')}/attendance", VIEWERS)],
    "api.meeting_minutes": lambda w: [
        ("GET", f"/api/v1{_base(w, 'api_minutes', PUBLISHED)}/minutes", VIEWERS),
        ("GET", f"/api/v1{_base(w, 'api')}/minutes", expect(HIDDEN))],
    "api.meeting_checkin": lambda w: [
        ("POST", f"/api/v1{_base(w, 'api')}/checkin", VIEWERS)],
}

EXAMPLES.update({
    "api.meeting_agenda_add": lambda w: [
        ("POST", f"/api/v1{_base(w, 'api_add')}/agenda", MANAGERS)],
    "api.meeting_transition": lambda w: [
        ("POST", f"/api/v1{_base(w, 'api_open')}/open",
         only("secretary", "street_admin", other_resident=HIDDEN, other_secretary=HIDDEN))],
})


# -- calendar files and feeds (issue 19 §6) ----------------------------------------

def _calendar_ballot(w):
    if getattr(w, "_calendar_ballot", None) is None:
        from ..voting.helpers import make_ballot
        w._calendar_ballot = make_ballot(w.secretary, w.compound_a, state="announced")
    return w._calendar_ballot


def _feed_token(w):
    """The feed of a user none of the roles is (their own posts to /calendar/feed
    would replace or revoke it)."""
    if getattr(w, "_feed_token", None) is None:
        from residentvoice.auth.models import User
        from residentvoice.meetings import calendar
        subscriber = User(phone="13711112222", name="订阅者", password_hash="x")
        db.session.add(subscriber)
        db.session.flush()
        w._feed_token = calendar.new_feed(subscriber)
    return w._feed_token


EXAMPLES.update({
    "calendar.meeting_file": lambda w: [
        ("GET", f"{_base(w, 'calendar')}.ics".replace("/meetings/", "/calendar/meetings/"),
         VIEWERS),
        ("GET", f"/calendar/meetings/{meeting(w, 'calendar-draft', MeetingStatus.draft).id}.ics",
         DRAFT_MANAGERS)],
    "calendar.ballot_file": lambda w: [
        ("GET", f"/calendar/ballots/{_calendar_ballot(w).id}.ics", VIEWERS)],
    # the secret in the address stands for its user, whoever fetches it; a
    # wrong secret finds nothing
    "calendar.feed": lambda w: [
        ("GET", f"/calendar/feed/{_feed_token(w)}.ics", {r: "ok" for r in VIEWERS}),
        ("GET", "/calendar/feed/not-the-secret-of-anyone-at-all.ics",
         {r: HIDDEN for r in VIEWERS})],
})

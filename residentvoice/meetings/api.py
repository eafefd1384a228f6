"""JSON API for meetings (DESIGN §6): list, detail, agenda, attendance,
minutes, check-in."""
from flask import jsonify
from flask_babel import gettext as _

from .. import access
from ..api import bp
from ..api.helpers import PAGE_PARAMS, fail, json_body, paginate, user
from ..api.serializers import iso
from ..api.spec import add_schemas, documented, page_of, ref
from ..api.spec import ID
from . import agenda, attendance, minutes, services
from .models import CheckinMethod, Meeting, MeetingStatus

add_schemas({
    "Meeting": {"type": "object", "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "kind": {"type": "string", "enum": ["council", "demand_analysis", "owners"]},
        "status": {"type": "string", "enum": [s.name for s in MeetingStatus]},
        "compound_id": {"type": "integer", "nullable": True},
        "community_id": {"type": "integer"}, "place": {"type": "string"},
        "starts_at": {"type": "string", "format": "date-time"},
        "duration_minutes": {"type": "integer"},
        "chair": {"type": "object"}, "recorder": {"type": "object"},
        "invitees": {"type": "string"}, "speech_seconds": {"type": "integer"},
        "speeches_per_motion": {"type": "integer"},
        "agenda": {"type": "array", "items": {"$ref": "#/components/schemas/AgendaItem"}}}},
    "AgendaItem": {"type": "object", "properties": {
        "id": {"type": "integer"}, "position": {"type": "integer"},
        "title": {"type": "string"}, "description": {"type": "string"},
        "time_box_minutes": {"type": "integer"}, "presenter": {"type": "string"},
        "decision": {"type": "string"},
        "refs": {"type": "array", "items": {"type": "object", "properties": {
            "kind": {"type": "string"}, "id": {"type": "integer"},
            "title": {"type": "string", "nullable": True}}}}}},
    "Agenda": {"type": "object", "properties": {"items": {
        "type": "array", "items": {"$ref": "#/components/schemas/AgendaItem"}}}},
    "Attendance": {"type": "object", "properties": {
        "invited": {"type": "integer"}, "present": {"type": "integer"},
        "invited_households": {"type": "integer"}, "present_households": {"type": "integer"},
        "quorum": {"type": "boolean"}, "owners": {"type": "object", "nullable": True},
        "people": {"type": "array", "items": {"type": "object"}}}},
    "Minutes": {"type": "object", "properties": {
        "status": {"type": "string"}, "text": {"type": "string"},
        "approved_at": {"type": "string", "nullable": True},
        "published_at": {"type": "string", "nullable": True},
        "comments_until": {"type": "string", "nullable": True},
        "motions": {"type": "array", "items": {"type": "object"}},
        "action_items": {"type": "array", "items": {"type": "object"}}}},
    "CheckIn": {"type": "object", "properties": {
        "meeting_id": {"type": "integer"}, "user_id": {"type": "integer"},
        "checked_in_at": {"type": "string", "format": "date-time"}}},
})


def _person(u):
    return {"id": u.id, "name": u.name} if u is not None else None


def _item(item, found):
    return {"id": item.id, "position": item.position, "title": item.title,
            "description": item.description, "time_box_minutes": item.time_box_minutes,
            "presenter": item.presenter, "decision": item.decision,
            "refs": [{"kind": k, "id": i, "title": found[(k, i)].title if (k, i) in found
                      else None} for k, i in item.ref_pairs]}


def meeting_json(meeting, with_agenda=False):
    data = {"id": meeting.id, "title": meeting.title, "kind": meeting.kind.name,
            "status": meeting.status.name, "compound_id": meeting.compound_id,
            "community_id": meeting.community_id, "place": meeting.place,
            "starts_at": iso(meeting.starts_at), "duration_minutes": meeting.duration_minutes,
            "chair": _person(meeting.chair), "recorder": _person(meeting.recorder),
            "invitees": meeting.invitees.name, "speech_seconds": meeting.speech_seconds,
            "speeches_per_motion": meeting.speeches_per_motion}
    if with_agenda:
        found = agenda.resolved_refs(meeting, user())
        data["agenda"] = [_item(i, found) for i in meeting.items]
    return data


@bp.route("/meetings")
@access.api()
@documented("Meetings the user may see, newest first", statuses=[200, 422],
            success=page_of("Meeting"), params=PAGE_PARAMS, tag="meetings")
def meetings_list():
    return paginate(services.meetings_for(user()), meeting_json, "api.meetings_list")


@bp.route("/meetings/<int:meeting_id>")
@access.api()
@documented("A meeting with its agenda", statuses=[200, 404], success=ref("Meeting"),
            tag="meetings")
@access.guard(Meeting, "meeting_id")
def meeting_detail(meeting):
    return jsonify(meeting_json(meeting, with_agenda=True))


@bp.route("/meetings/<int:meeting_id>/agenda")
@access.api()
@documented("The ordered agenda of a meeting", statuses=[200, 404], success=ref("Agenda"),
            tag="meetings")
@access.guard(Meeting, "meeting_id")
def meeting_agenda(meeting):
    found = agenda.resolved_refs(meeting, user())
    return jsonify(items=[_item(i, found) for i in meeting.items])


@bp.route("/meetings/<int:meeting_id>/attendance")
@access.api()
@documented("Present / invited and quorum; the list of people for the secretary and "
            "recorder", statuses=[200, 404], success=ref("Attendance"), tag="meetings")
@access.guard(Meeting, "meeting_id")
def meeting_attendance(meeting):
    data = attendance.summary(meeting)
    data.pop("by_households", None)
    if data.get("owners"):
        data["owners"] = {k: str(v) if not isinstance(v, (bool, int)) else v
                          for k, v in data["owners"].items()}
    data["people"] = [{"user_id": a.user_id, "name": a.user.name,
                       "household_id": a.household_id, "method": a.method.name,
                       "checked_in_at": iso(a.checked_in_at)}
                      for a in attendance.present(meeting)] \
        if meeting.can_record(user()) else []
    return jsonify(data)


@bp.route("/meetings/<int:meeting_id>/minutes")
@access.api()
@documented("The minutes, once drafted (officers) or published (everyone)",
            statuses=[200, 404], success=ref("Minutes"), tag="meetings")
@access.guard(Meeting, "meeting_id")
def meeting_minutes(meeting):
    readable = meeting.status is MeetingStatus.minutes_published or (
        meeting.status is MeetingStatus.minutes_draft and
        (meeting.can_record(user()) or meeting.can_chair(user())))
    if not readable:
        fail(404, "not_found", _("These minutes are not published."))
    return jsonify(
        status=meeting.status.name, text=meeting.minutes_text,
        approved_at=iso(meeting.minutes_approved_at),
        published_at=iso(meeting.minutes_published_at),
        comments_until=iso(meeting.comments_until),
        motions=_motions(minutes.motions_of(meeting)),
        action_items=[{"id": a.id, "text": a.text, "owner": _person(a.owner),
                       "due_on": a.due_on.isoformat(), "done_at": iso(a.done_at)}
                      for a in minutes.actions_of(meeting)])


def _motions(motions):
    """Each motion with its count; when some voted on phones (issue 19 §7),
    the two parts of that count (else both null)."""
    parts = minutes.vote_breakdown(motions)
    return [{"id": m.id, "item_id": m.item_id, "text": m.text, "status": m.status.name,
             "mover": _person(m.mover), "seconder": _person(m.seconder),
             "votes_for": m.votes_for, "votes_against": m.votes_against,
             "votes_abstain": m.votes_abstain,
             "on_phones": parts[m.id]["phone"] if m.id in parts else None,
             "show_of_hands": parts[m.id]["hands"] if m.id in parts else None,
             "advisory": m.advisory.name if m.advisory else None, "ballot_id": m.ballot_id}
            for m in motions]


@bp.route("/meetings/<int:meeting_id>/checkin", methods=["POST"])
@access.api()
@documented("Check in: yourself with the meeting's QR token {\"token\"}, or (secretary, "
            "recorder) someone without a phone {\"user_id\"}",
            statuses=[201, 400, 403, 404, 409, 422], success=ref("CheckIn"),
            body={"type": "object", "properties": {"token": {"type": "string"},
                                                   "user_id": ID}},
            tag="meetings")
@access.guard(Meeting, "meeting_id")
def meeting_checkin(meeting):
    data = json_body()
    if "user_id" in data:
        entry = attendance.check_in_other(user(), meeting, data["user_id"])
    else:
        if "token" not in data:
            fail(422, "missing_fields", _("Send the token from the meeting's QR code, "
                                          "or the user_id of the person you check in."),
                 "token")
        entry = attendance.check_in_self(user(), meeting, data["token"],
                                         method=CheckinMethod.api)
    return jsonify(meeting_id=meeting.id, user_id=entry.user_id,
                   checked_in_at=iso(entry.checked_in_at)), 201

"""JSON API for calling meetings, adding agenda items and moving a meeting
through its states (DESIGN §6: create and the state transitions)."""
from flask import jsonify

from .. import access
from ..api import bp
from ..api.helpers import json_body, user
from ..api.spec import documented, ref
from ..api.spec import COUNT, ID
from . import agenda, services
from .api import _item, meeting_json
from .models import InviteeScope, Meeting, MeetingKind

TEXT = {"type": "string", "maxLength": 200}
MEETING_BODY = {"type": "object", "required": ["compound_id", "title", "kind", "starts_at",
                                                "chair_id", "recorder_id"], "properties": {
    "compound_id": ID, "title": TEXT,
    "kind": {"type": "string", "enum": [k.name for k in MeetingKind]},
    "place": TEXT, "starts_at": {"type": "string", "format": "date-time"},
    "duration_minutes": COUNT, "chair_id": ID, "recorder_id": ID,
    "invitees": {"type": "string", "enum": [s.name for s in InviteeScope]},
    "named_user_ids": {"type": "array", "items": ID},
    "speech_seconds": COUNT, "speeches_per_motion": COUNT, "publicity_days": COUNT}}
ITEM_BODY = {"type": "object", "required": ["title"], "properties": {
    "title": TEXT, "description": {"type": "string"},
    "time_box_minutes": COUNT, "presenter": {"type": "string", "maxLength": 60},
    "refs": {"type": "array", "items": {"type": "object", "required": ["kind", "id"],
                                        "properties": {
        "kind": {"type": "string", "enum": list(agenda.LINKABLE_KINDS)}, "id": ID}}}}}
RULES = ("duration_minutes", "speech_seconds", "speeches_per_motion", "publicity_days")


@bp.route("/meetings", methods=["POST"])
@access.api("secretary", "street_admin")
@documented("Call a meeting (a draft); add its agenda, then announce it",
            statuses=[201, 400, 403, 404, 422], success=ref("Meeting"), body=MEETING_BODY,
            tag="meetings")
def meeting_create():
    data = json_body()
    meeting = services.create_meeting(
        user(), compound_id=data["compound_id"], title=data["title"],
        kind=MeetingKind[data["kind"]], place=data.get("place", ""),
        starts_at=data["starts_at"], chair_id=data["chair_id"],
        recorder_id=data["recorder_id"],
        invitees=InviteeScope[data.get("invitees", InviteeScope.all_residents.name)],
        named_user_ids=data.get("named_user_ids", []),
        **{k: data[k] for k in RULES if k in data})
    return jsonify(meeting_json(meeting, with_agenda=True)), 201


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@access.api()
@documented("Add an agenda item (before the meeting starts)",
            statuses=[201, 400, 403, 404, 409, 422], success=ref("AgendaItem"),
            body=ITEM_BODY, tag="meetings")
@access.guard(Meeting, "meeting_id", can="can_manage")
def meeting_agenda_add(meeting):
    data = json_body()
    item = agenda.add_item(user(), meeting, title=data["title"],
                           description=data.get("description", ""),
                           time_box_minutes=data.get("time_box_minutes", 15),
                           presenter=data.get("presenter", ""),
                           refs=[(r["kind"], r["id"]) for r in data.get("refs", [])])
    return jsonify(_item(item, agenda.resolved_refs(meeting, user()))), 201


@bp.route("/meetings/<int:meeting_id>/"
          "<any(announce, open, adjourn, draft_minutes, publish):action>", methods=["POST"])
@access.api()
@documented("Move the meeting on: announce, open, adjourn, draft_minutes, publish",
            statuses=[200, 403, 404, 409, 422], success=ref("Meeting"), tag="meetings")
@access.guard(Meeting, "meeting_id", can=services.ACTION_PERMISSION, by="action")
def meeting_transition(meeting, action):
    services.transition(user(), meeting, action)
    return jsonify(meeting_json(meeting, with_agenda=True))

"""JSON API for calling meetings, adding agenda items and moving a meeting
through its states (DESIGN §6: create and the state transitions)."""
from flask import jsonify

from .. import access
from ..api import bp
from ..api.helpers import datetime_value, domain_error, fail, json_body, load, user
from ..api.spec import documented, ref
from ..errors_domain import DomainError
from . import agenda, services
from .api import MAX_INT, _item, is_int, meeting_json
from .models import InviteeScope, Meeting, MeetingKind

INTEGER = {"type": "integer"}
MEETING_BODY = {"type": "object", "required": ["compound_id", "title", "kind", "starts_at",
                                                "chair_id", "recorder_id"], "properties": {
    "compound_id": INTEGER, "title": {"type": "string"},
    "kind": {"type": "string", "enum": [k.name for k in MeetingKind]},
    "place": {"type": "string"}, "starts_at": {"type": "string", "format": "date-time"},
    "duration_minutes": INTEGER, "chair_id": INTEGER, "recorder_id": INTEGER,
    "invitees": {"type": "string", "enum": [s.name for s in InviteeScope]},
    "named_user_ids": {"type": "array", "items": INTEGER},
    "speech_seconds": INTEGER, "speeches_per_motion": INTEGER, "publicity_days": INTEGER}}
ITEM_BODY = {"type": "object", "required": ["title"], "properties": {
    "title": {"type": "string"}, "description": {"type": "string"},
    "time_box_minutes": INTEGER, "presenter": {"type": "string"},
    "refs": {"type": "array", "items": {"type": "object", "properties": {
        "kind": {"type": "string", "enum": list(agenda.LINKABLE_KINDS)}, "id": INTEGER}}}}}


def _when(value):
    """A W3C date-time with a time zone → naive UTC."""
    return datetime_value(value, "starts_at", require_zone=True)


def _enum(enum_cls, value, field, default=None):
    if value is None and default is not None:
        return default
    if not isinstance(value, str) or value not in enum_cls.__members__:
        fail(422, "invalid", f"{field} must be one of: " + ", ".join(enum_cls.__members__))
    return enum_cls[value]


def _integers(data, fields):
    for field in fields:
        if field in data and not is_int(data[field]):
            fail(422, "invalid", f"{field} must be an integer from 0 to {MAX_INT}.")


@bp.route("/meetings", methods=["POST"])
@access.api("secretary", "street_admin")
@documented("Call a meeting (a draft); add its agenda, then announce it",
            statuses=[201, 400, 403, 404, 422], success=ref("Meeting"), body=MEETING_BODY,
            tag="meetings")
def meeting_create():
    data = json_body(required=MEETING_BODY["required"])
    _integers(data, ("compound_id", "chair_id", "recorder_id", "duration_minutes",
                     "speech_seconds", "speeches_per_motion", "publicity_days"))
    named = data.get("named_user_ids") or []
    if not isinstance(named, list) or not all(is_int(i) for i in named):
        fail(422, "invalid", "named_user_ids must be a list of integers.")
    fields = {k: data[k] for k in ("duration_minutes", "speech_seconds", "speeches_per_motion",
                                   "publicity_days") if k in data}
    try:
        meeting = services.create_meeting(
            user(), compound_id=data["compound_id"], title=str(data["title"])[:200],
            kind=_enum(MeetingKind, data["kind"], "kind"),
            place=str(data.get("place") or "")[:200], starts_at=_when(data["starts_at"]),
            chair_id=data["chair_id"], recorder_id=data["recorder_id"],
            invitees=_enum(InviteeScope, data.get("invitees"), "invitees",
                           InviteeScope.all_residents),
            named_user_ids=named, **fields)
    except DomainError as error:
        domain_error(error)
    return jsonify(meeting_json(meeting, with_agenda=True)), 201


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@access.api()
@documented("Add an agenda item (before the meeting starts)",
            statuses=[201, 400, 403, 404, 409, 422], success=ref("AgendaItem"),
            body=ITEM_BODY, tag="meetings")
def meeting_agenda_add(meeting_id):
    meeting = load(Meeting, meeting_id, can="can_manage")
    data = json_body(required=("title",))
    _integers(data, ("time_box_minutes",))
    refs = data.get("refs") or []
    if not isinstance(refs, list) or not all(
            isinstance(r, dict) and isinstance(r.get("kind"), str) and is_int(r.get("id"))
            for r in refs):
        fail(422, "invalid", "refs must be a list of {\"kind\", \"id\"}.")
    try:
        item = agenda.add_item(user(), meeting, title=str(data["title"])[:200],
                               description=str(data.get("description") or ""),
                               time_box_minutes=data.get("time_box_minutes", 15),
                               presenter=str(data.get("presenter") or "")[:60],
                               refs=[(r["kind"], r["id"]) for r in refs])
    except DomainError as error:
        domain_error(error)
    return jsonify(_item(item, agenda.resolved_refs(meeting, user()))), 201


@bp.route("/meetings/<int:meeting_id>/"
          "<any(announce, open, adjourn, draft_minutes, publish):action>", methods=["POST"])
@access.api()
@documented("Move the meeting on: announce, open, adjourn, draft_minutes, publish",
            statuses=[200, 403, 404, 409, 422], success=ref("Meeting"), tag="meetings")
def meeting_transition(meeting_id, action):
    meeting = load(Meeting, meeting_id)
    try:
        services.transition(user(), meeting, action)
    except DomainError as error:
        domain_error(error)
    return jsonify(meeting_json(meeting, with_agenda=True))

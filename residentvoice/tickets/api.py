"""Tickets in the JSON API (/api/v1/tickets): list, detail, create,
transitions, updates, confirmation (DESIGN §6)."""
from flask import jsonify, request, url_for
from flask_babel import gettext as _

from .. import access
from ..api import bp
from ..api.helpers import (PAGE_PARAMS, fail, json_body, paginate, user)
from ..api.serializers import iso
from ..api.spec import add_schemas, documented, page_of, ref
from ..api.spec import ID
from ..extensions import db
from . import actions, queries, services, workflow
from .models import Category, Status, Ticket
from .sla import is_overdue
from .views import timeline

add_schemas({
    "Ticket": {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "string"},
        "category": {"type": "string", "enum": [c.name for c in Category]},
        "status": {"type": "string", "enum": [s.name for s in Status]},
        "closure": {"type": "string", "nullable": True,
                    "enum": ["fixed", "not_fixed", "unconfirmed", None]},
        "compound_id": {"type": "integer"}, "building_id": {"type": "integer", "nullable": True},
        "household_id": {"type": "integer", "nullable": True},
        "location_text": {"type": "string"}, "description": {"type": "string"},
        "emergency": {"type": "boolean"}, "public": {"type": "boolean"},
        "organisation": {"type": "string", "nullable": True},
        "routing_basis": {"type": "string"},
        "warranty_until": {"type": "string", "format": "date", "nullable": True},
        "ack_due_at": {"type": "string", "format": "date-time", "nullable": True},
        "resolve_due_at": {"type": "string", "format": "date-time", "nullable": True},
        "overdue": {"type": "boolean"}, "affected_households": {"type": "integer"},
        "reopen_count": {"type": "integer"}, "rating": {"type": "integer", "nullable": True},
        "created_at": {"type": "string", "format": "date-time"},
        "actions": {"type": "array", "items": {"type": "string"}}}},
    "TicketDetail": {"allOf": [{"$ref": "#/components/schemas/Ticket"}, {
        "type": "object", "properties": {"timeline": {"type": "array", "items": {
            "$ref": "#/components/schemas/TicketEvent"}}}}]},
    "TicketEvent": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string"}, "action": {"type": "string"},
        "status": {"type": "string", "nullable": True}, "body": {"type": "string"},
        "public": {"type": "boolean"}, "created_at": {"type": "string", "format": "date-time"}}},
})

OPTIONAL_ID = {**ID, "nullable": True}
CREATE_BODY = {"type": "object", "required": ["compound_id", "category", "description"],
               "properties": {
                   "compound_id": ID,
                   "category": {"type": "string", "enum": [c.name for c in Category]},
                   "description": {"type": "string", "maxLength": 4000},
                   "household_id": OPTIONAL_ID, "building_id": OPTIONAL_ID,
                   "location_text": {"type": "string", "nullable": True},
                   "emergency": {"type": "boolean"},
                   "public": {"type": "boolean"}, "anonymous": {"type": "boolean"},
                   "share_phone": {"type": "boolean", "description": "let the staff handling "
                                   "it see the reporter's mobile number"}}}
TRANSITION_BODY = {"type": "object", "required": ["action"], "properties": {
    "action": {"type": "string", "enum": [a for a in workflow.ACTIONS
                                          if a not in ("route", "auto_close")]},
    "comment": {"type": "string"}, "note": {"type": "string"},
    "planned_for": {"type": "string", "format": "date"},
    "organisation_id": OPTIONAL_ID, "duplicate_of": ID,
    "rating": {"type": "integer", "minimum": 1, "maximum": 5}}}


def serialize(t, u, detail=False):
    out = {
        "id": t.id, "number": t.number, "category": t.category.name, "status": t.status.name,
        "closure": t.closure.name if t.closure else None, "compound_id": t.compound_id,
        "building_id": t.building_id,
        "household_id": t.household_id if t.can_see_internal(u) or t.is_reporter(u) else None,
        "location_text": t.location_text, "description": t.description,
        "emergency": t.emergency, "public": t.public,
        "organisation": t.organisation.name if t.organisation else None,
        "routing_basis": t.routing_basis,
        "warranty_until": t.warranty_until.isoformat() if t.warranty_until else None,
        "ack_due_at": iso(t.ack_due_at), "resolve_due_at": iso(t.resolve_due_at),
        "overdue": is_overdue(t), "affected_households": t.affected_count,
        "reopen_count": t.reopen_count, "rating": t.rating, "created_at": iso(t.created_at),
        "actions": workflow.allowed_actions(t, u)}
    if detail:
        out["timeline"] = [{"id": e.id, "kind": e.kind.name, "action": e.action,
                            "status": e.to_status.name if e.to_status else None,
                            "body": "" if e.hidden and not t.is_moderator(u) else e.body,
                            "public": e.public, "created_at": iso(e.created_at)}
                           for e in timeline(t, u)]
    return out


@bp.route("/tickets")
@access.api()
@documented("Tickets the user may see (filters: status, compound_id, category, overdue)",
            statuses=[200, 422], success=page_of("Ticket"), tag="tickets", params=PAGE_PARAMS + [
                {"name": "status", "in": "query", "schema": {"type": "string"}},
                {"name": "compound_id", "in": "query", "schema": {"type": "integer"}},
                {"name": "category", "in": "query", "schema": {"type": "string"}},
                {"name": "overdue", "in": "query", "schema": {"type": "boolean"}}])
def tickets_list():
    u = user()
    status = request.args.get("status")
    category = request.args.get("category")
    if status and status != "open" and status not in Status.__members__:
        fail(422, "bad_status", _("status must be one of: %(choices)s.",
                                  choices=", ".join(["open", *Status.__members__])))
    if category and category not in Category.__members__:
        fail(422, "bad_category", _("category must be one of: %(choices)s.",
                                    choices=", ".join(Category.__members__)))
    query = queries.filter_status(
        queries.with_details(db.select(Ticket).where(queries.visible_to(u))), status)
    if category:
        query = query.where(Ticket.category == Category[category])
    compound_id = request.args.get("compound_id", type=int)
    if compound_id:
        query = query.where(Ticket.compound_id == compound_id)
    if request.args.get("overdue") in ("1", "true"):
        from .sla import overdue_clause
        from ..models import utcnow
        query = query.where(overdue_clause(Ticket, utcnow()))
    query = queries.by_deadline(query)
    filters = {k: request.args[k] for k in ("status", "category", "compound_id", "overdue")
               if request.args.get(k)}
    return paginate(query, lambda t: serialize(t, u), "api.tickets_list", **filters)


@bp.route("/tickets", methods=["POST"])
@access.api()
@documented("File a ticket (routed at once)", statuses=[201, 400, 403, 422], body=CREATE_BODY,
            success=ref("Ticket"), tag="tickets")
def tickets_create():
    data = json_body()
    ticket = services.create_ticket(
        user(), compound_id=data["compound_id"], category=data["category"],
        description=data["description"], household_id=data.get("household_id"),
        building_id=data.get("building_id"),
        location_text=data.get("location_text") or "",
        emergency=data.get("emergency", False), public=data.get("public", False),
        anonymous=data.get("anonymous", False), share_phone=data.get("share_phone", False),
        source="api")
    response = jsonify(serialize(ticket, user()))
    response.headers["Location"] = url_for("api.tickets_detail", ticket_id=ticket.id)
    return response, 201


@bp.route("/tickets/<int:ticket_id>")
@access.api()
@documented("A ticket with its timeline", statuses=[200, 404], success=ref("TicketDetail"),
            tag="tickets")
@access.guard(Ticket, "ticket_id")
def tickets_detail(ticket):
    return jsonify(serialize(ticket, user(), detail=True))


@bp.route("/tickets/<int:ticket_id>/transitions", methods=["POST"])
@access.api()
@documented("Move a ticket along its flow (acknowledge, start, resolve, confirm, reopen, "
            "hand_back, reroute, refuse, mark_duplicate)", statuses=[200, 400, 403, 404, 409, 422],
            body=TRANSITION_BODY, success=ref("TicketDetail"), tag="tickets")
@access.guard(Ticket, "ticket_id")
def tickets_transition(ticket):
    data = json_body()
    actions.perform(user(), ticket, data["action"], data)
    return jsonify(serialize(ticket, user(), detail=True))


@bp.route("/tickets/<int:ticket_id>/updates", methods=["POST"])
@access.api()
@documented("Post an update (staff: public or internal; reporter: public); 409 once the "
            "ticket is closed", statuses=[201, 400, 403, 404, 409, 422], tag="tickets",
            success=ref("TicketEvent"),
            body={"type": "object", "required": ["body"], "properties": {
                "body": {"type": "string"}, "public": {"type": "boolean"}}})
@access.guard(Ticket, "ticket_id", can="can_post_update")
def tickets_update(ticket):
    data = json_body()
    event = services.add_update(user(), ticket, data["body"], data.get("public", True))
    return jsonify(id=event.id, kind=event.kind.name, action=event.action, status=None,
                   body=event.body, public=event.public, created_at=iso(event.created_at)), 201


@bp.route("/tickets/<int:ticket_id>/confirmation", methods=["POST"])
@access.api()
@documented("The reporter confirms a resolution: fixed (with rating 1–5) or not fixed "
            "(reopens, comment required)", statuses=[200, 400, 403, 404, 409, 422],
            tag="tickets", success=ref("TicketDetail"),
            body={"type": "object", "required": ["fixed"], "properties": {
                "fixed": {"type": "boolean"},
                "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                "comment": {"type": "string"}}})
@access.guard(Ticket, "ticket_id", can="can_confirm")
def tickets_confirmation(ticket):
    data = json_body()
    if data["fixed"]:
        actions.confirm(user(), ticket, data.get("rating"), data.get("comment", ""))
    else:
        actions.reopen(user(), ticket, data.get("comment", ""))
    return jsonify(serialize(ticket, user(), detail=True))

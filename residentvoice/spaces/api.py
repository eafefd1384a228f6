"""JSON API for spaces and proposals (DESIGN §6: list, detail, create and the
state transitions; support, comments and the compliance review)."""
from flask import jsonify, request
from flask_babel import gettext as _

from .. import access
from ..api import bp
from ..api.helpers import PAGE_PARAMS, fail, json_body, paginate, user
from ..api.serializers import iso
from ..api.spec import ID, add_schemas, documented, page_of, ref
from ..directory.models import Compound
from ..extensions import db
from . import discussion, proposals as proposal_services, queries, services
from .discussion_models import Comment
from .models import CHECKS, Proposal, ProposalStatus, Space

TAG = "spaces"
STR = {"type": "string"}
NULLABLE_STR = {"type": "string", "nullable": True}

add_schemas({
    "Space": {"type": "object", "properties": {
        "id": {"type": "integer"}, "compound_id": {"type": "integer"}, "name": STR,
        "location": STR, "area_m2": {"type": "string", "description": "exact decimal, m²"},
        "origin": STR, "description": STR, "status": STR,
        "latitude": NULLABLE_STR, "longitude": NULLABLE_STR,
        "history": {"type": "array", "items": {"type": "object"}},
        "progress": {"type": "array", "items": {"type": "object"}}}},
    "Proposal": {"type": "object", "properties": {
        "id": {"type": "integer"}, "space_id": {"type": "integer"},
        "compound_id": {"type": "integer"}, "kind": STR, "title": STR, "description": STR,
        "quantity": {"type": "integer", "nullable": True},
        "estimated_cost": {"type": "string", "nullable": True, "description": "yuan"},
        "payer": NULLABLE_STR, "status": STR, "proposer": {"type": "object"},
        "on_behalf_of": STR, "revision": {"type": "integer"},
        "support_count": {"type": "integer"},
        "supported_by_my_households": {"type": "array", "items": {"type": "integer"}},
        "review": {"type": "object", "nullable": True},
        "meeting_id": {"type": "integer", "nullable": True},
        "ballot_id": {"type": "integer", "nullable": True}}},
    "ProposalComment": {"type": "object", "properties": {
        "id": {"type": "integer"}, "parent_id": {"type": "integer", "nullable": True},
        "author": STR, "body": NULLABLE_STR, "hidden_reason": NULLABLE_STR,
        "deleted": {"type": "boolean"}, "created_at": STR}},
})

SPACE_BODY = {"type": "object", "required": ["compound_id", "name", "area_m2"], "properties": {
    "compound_id": ID, "name": STR, "location": STR,
    "area_m2": {"type": "string"}, "origin": {"type": "string", "enum": [
        "illegal_structure", "vacated_room", "unused_ground", "other"]},
    "description": STR, "latitude": NULLABLE_STR, "longitude": NULLABLE_STR}}
SPACE_ACTIONS = ["deliberate", "back_to_vacated", "start_construction", "complete"]
HOUSEHOLD_BODY = {"type": "object", "properties": {"household_id": ID}}
PROPOSAL_BODY = {"type": "object", "required": ["space_id", "kind", "title"], "properties": {
    "space_id": ID, "kind": {"type": "string", "enum": [
        "charging_piles", "bike_shed", "trash_station", "flower_boxes", "other"]},
    "title": STR, "description": STR, "quantity": {"type": "integer"},
    "estimated_cost": {"type": "string"}, "payer": STR, "on_behalf_of": STR,
    "submit": {"type": "boolean"}}}
REVIEW_BODY = {"type": "object", "required": ["outcome", *CHECKS], "properties": {
    "outcome": {"type": "string", "enum": ["open", "return"]},
    **{name: {"type": "string", "enum": ["ok", "problem", "not_applicable"]}
       for name in CHECKS},
    "notes": STR, "reason": STR}}


def _money(value):
    return None if value is None else f"{value:.2f}"


def space_json(s, detail=False):
    data = {"id": s.id, "compound_id": s.compound_id, "name": s.name, "location": s.location,
            "area_m2": f"{s.area_m2:.2f}", "origin": s.origin.name,
            "description": s.description, "status": s.status.name,
            "latitude": None if s.latitude is None else str(s.latitude),
            "longitude": None if s.longitude is None else str(s.longitude)}
    if detail:
        data["history"] = [{"from": c.from_status.name if c.from_status else None,
                            "to": c.to_status.name, "action": c.action,
                            "actor_id": c.actor_id, "reason": c.reason,
                            "at": iso(c.created_at)} for c in s.history]
        data["progress"] = [{"percent": p.percent, "note": p.note, "at": iso(p.created_at),
                             "started_on": p.started_on and p.started_on.isoformat(),
                             "expected_on": p.expected_on and p.expected_on.isoformat()}
                            for p in s.progress]
    return data


def proposal_json(p, counts=None, mine=None):
    review = p.latest_review if p.is_public or p.can_manage(user()) or \
        p.is_proposer(user()) else None
    counts = counts if counts is not None else queries.support_counts([p.id])
    mine = mine if mine is not None else queries.supported_households(user(), [p.id])
    return {
        "id": p.id, "space_id": p.space_id, "compound_id": p.compound_id, "kind": p.kind.name,
        "title": p.title, "description": p.description, "quantity": p.quantity,
        "estimated_cost": _money(p.estimated_cost), "payer": p.payer.name if p.payer else None,
        "status": p.status.name, "proposer": {"id": p.proposer_id, "name": p.proposer.name},
        "on_behalf_of": p.on_behalf_of, "revision": p.revision,
        "support_count": counts.get(p.id, 0),
        "supported_by_my_households": sorted(mine.get(p.id, set())),
        "review": None if review is None else {
            "revision": review.revision, "outcome": review.outcome,
            "checklist": {name: getattr(review, name).name for name in CHECKS},
            "notes": review.notes, "reason": review.reason, "at": iso(review.created_at)},
        "meeting_id": p.meeting_id, "ballot_id": p.ballot_id,
    }


def comment_json(c):
    return {"id": c.id, "parent_id": c.parent_id, "author": c.author.name,
            "body": c.body if c.is_visible else None,
            "hidden_reason": c.hidden_reason if c.hidden_at else None,
            "deleted": c.deleted_at is not None, "created_at": iso(c.created_at)}


def _int_arg(name):
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        fail(422, "invalid", _("%(name)s must be a whole number.", name=name))


def fn(*args, **kwargs):
    return fn(*args, **kwargs)


@bp.route("/spaces", methods=["GET"])
@access.api()
@documented("Vacated spaces of the user's compounds", statuses=[200, 422],
            success=page_of("Space"), tag=TAG, params=PAGE_PARAMS + [
                {"name": "compound_id", "in": "query", "schema": {"type": "integer"}}])
def spaces_list():
    compound_ids = queries.member_compound_ids(user())
    compound_id = _int_arg("compound_id")
    if compound_id is not None:
        compound_ids &= {compound_id}
    return paginate(queries.spaces_query(compound_ids), space_json, "api.spaces_list",
                    **({"compound_id": compound_id} if compound_id is not None else {}))


@bp.route("/spaces", methods=["POST"])
@access.api()
@documented("Record a vacated space (secretaries)", statuses=[201, 400, 403, 404, 422],
            success=ref("Space"), body=SPACE_BODY, tag=TAG)
def spaces_create():
    data = json_body()
    compound = access.load(Compound, data["compound_id"], can_view="is_member", can="can_manage")
    space = services.create_space(user(), compound, data)
    return jsonify(space_json(space, detail=True)), 201


@bp.route("/spaces/<int:space_id>")
@access.api()
@documented("A space with its status history and progress", statuses=[200, 404],
            success=ref("Space"), tag=TAG)
@access.guard(Space, "space_id")
def space_detail(space):
    return jsonify(space_json(space, detail=True))


@bp.route("/spaces/<int:space_id>", methods=["PATCH"])
@access.api()
@documented("Change a space's details (secretaries); fields left out keep their value",
            statuses=[200, 400, 403, 404, 422], success=ref("Space"), tag=TAG,
            body={k: v for k, v in SPACE_BODY.items() if k != "required"})
@access.guard(Space, "space_id", can="can_manage")
def space_update(space):
    data = json_body()
    current = space_json(space)
    merged = {name: data.get(name, current[name]) for name in services.SPACE_FIELDS}
    services.update_space(user(), space, merged)
    return jsonify(space_json(space, detail=True))


@bp.route("/spaces/<int:space_id>/transitions", methods=["POST"])
@access.api()
@documented("Move a space to its next status (secretaries): deliberate, back_to_vacated, "
            "start_construction, complete", statuses=[200, 400, 403, 404, 409, 422],
            success=ref("Space"), tag=TAG, body={"type": "object", "required": ["action"],
                                                 "properties": {"action": {
                                                     "type": "string", "enum": SPACE_ACTIONS},
                                                     "reason": STR}})
@access.guard(Space, "space_id", can="can_manage")
def space_transition(space):
    data = json_body()
    services.change_space_status(user(), space, data["action"], data.get("reason"))
    return jsonify(space_json(space, detail=True))


@bp.route("/proposals", methods=["GET"])
@access.api()
@documented("Proposals the user may see", statuses=[200, 422], success=page_of("Proposal"),
            tag=TAG, params=PAGE_PARAMS + [
                {"name": n, "in": "query", "schema": {"type": "integer"}}
                for n in ("compound_id", "space_id")] + [
                {"name": "status", "in": "query", "schema": {"type": "string"}}])
def proposals_list():
    status = request.args.get("status")
    if status and status not in ProposalStatus.__members__:
        fail(422, "invalid", _("status must be one of: %(choices)s.",
                               choices=", ".join(ProposalStatus.__members__)))
    filters = {"compound_id": _int_arg("compound_id"), "space_id": _int_arg("space_id")}
    query = queries.proposals_query(user(), status=ProposalStatus[status] if status else None,
                                    **filters)
    values = {k: v for k, v in filters.items() if v is not None}
    if status:
        values["status"] = status
    return paginate(query, proposal_json, "api.proposals_list", **values)


@bp.route("/proposals", methods=["POST"])
@access.api()
@documented("Write a proposal for a space (residents of the compound, secretaries); "
            "\"submit\": true submits it for review at once",
            statuses=[201, 400, 403, 404, 422], success=ref("Proposal"), body=PROPOSAL_BODY,
            tag=TAG)
def proposals_create():
    data = json_body()
    space = access.load(Space, data["space_id"], can="can_propose")
    proposal = proposal_services.create_proposal(user(), space, data,
                     submit=bool(data.get("submit")))
    return jsonify(proposal_json(proposal)), 201


@bp.route("/proposals/<int:proposal_id>")
@access.api()
@documented("A proposal with its latest review and support count", statuses=[200, 404],
            success=ref("Proposal"), tag=TAG)
@access.guard(Proposal, "proposal_id")
def proposal_detail(proposal):
    return jsonify(proposal_json(proposal))


@bp.route("/proposals/<int:proposal_id>/submit", methods=["POST"])
@access.api()
@documented("Submit (or resubmit after a return) for the compliance review (proposer)",
            statuses=[200, 403, 404, 409, 422], success=ref("Proposal"), tag=TAG)
@access.guard(Proposal, "proposal_id", can="can_edit")
def proposal_submit(proposal):
    proposal_services.submit_proposal(user(), proposal)
    return jsonify(proposal_json(proposal))


@bp.route("/proposals/<int:proposal_id>/review", methods=["POST"])
@access.api()
@documented("Compliance review (secretaries): the checklist, then open or return with "
            "a reason", statuses=[200, 400, 403, 404, 409, 422], success=ref("Proposal"),
            body=REVIEW_BODY, tag=TAG)
@access.guard(Proposal, "proposal_id", can="can_manage")
def proposal_review(proposal):
    data = json_body()
    if proposal.status not in (ProposalStatus.submitted, ProposalStatus.under_review):
        fail(409, "transition_not_allowed", _("Only submitted proposals are reviewed."))
    proposal_services.review_proposal(user(), proposal, data["outcome"], data)
    return jsonify(proposal_json(proposal))


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@access.api()
@documented("Withdraw a proposal (proposer)", statuses=[200, 403, 404, 409, 422],
            success=ref("Proposal"), tag=TAG,
            body={"type": "object", "properties": {"reason": STR}})
@access.guard(Proposal, "proposal_id", can="can_edit")
def proposal_withdraw(proposal):
    proposal_services.withdraw_proposal(user(), proposal, json_body().get("reason", ""))
    return jsonify(proposal_json(proposal))


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@access.api()
@documented("Support a reviewed proposal for the user's household (one per household)",
            statuses=[201, 403, 404, 409, 422], success=ref("Proposal"), tag=TAG,
            body=HOUSEHOLD_BODY)
@access.guard(Proposal, "proposal_id", can="can_support")
def proposal_support(proposal):
    discussion.support(user(), proposal, json_body().get("household_id"))
    return jsonify(proposal_json(proposal)), 201


@bp.route("/proposals/<int:proposal_id>/support", methods=["DELETE"])
@access.api()
@documented("Withdraw the household's support", statuses=[200, 403, 404, 409, 422],
            success=ref("Proposal"), tag=TAG, body=HOUSEHOLD_BODY)
@access.guard(Proposal, "proposal_id", can="can_support")
def proposal_unsupport(proposal):
    discussion.withdraw_support(user(), proposal, json_body().get("household_id"))
    return jsonify(proposal_json(proposal))


@bp.route("/proposals/<int:proposal_id>/comments", methods=["GET"])
@access.api()
@documented("Comments on a proposal (hidden ones show the moderator's reason)",
            statuses=[200, 404, 422], success=page_of("ProposalComment"), tag=TAG,
            params=PAGE_PARAMS)
@access.guard(Proposal, "proposal_id")
def proposal_comments(proposal):
    query = db.select(Comment).where(Comment.proposal_id == proposal.id).order_by(Comment.id)
    return paginate(query, comment_json, "api.proposal_comments", proposal_id=proposal.id)


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@access.api()
@documented("Comment on a reviewed proposal, or reply (parent_id) one level deep",
            statuses=[201, 400, 403, 404, 422], success=ref("ProposalComment"), tag=TAG,
            body={"type": "object", "required": ["body"], "properties": {
                "body": STR, "parent_id": {**ID, "nullable": True}}})
@access.guard(Proposal, "proposal_id", can="can_comment")
def proposal_comment_create(proposal):
    data = json_body()
    comment = discussion.add_comment(user(), proposal, data["body"],
                    data.get("parent_id"))
    return jsonify(comment_json(comment)), 201

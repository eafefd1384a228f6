"""Ballot endpoints of the JSON API, exactly as DESIGN §6 describes them."""
from datetime import datetime, timezone

from flask import jsonify

from .. import access
from ..api import bp
from ..api.helpers import PAGE_PARAMS, fail, json_body, paginate, user
from ..api.serializers import iso
from ..api.spec import COUNT, ID, add_schemas, documented, page_of, ref
from ..directory.models import Compound
from . import guards, services
from .casting import cast_phone_vote
from .closing import close_by_hand
from .counting import tally
from .models import BallotStatus
from .paper_entry import enter_paper_vote

BALLOT_PROPS = {
    "id": {"type": "integer"}, "compound_id": {"type": "integer"},
    "title": {"type": "string"}, "description": {"type": "string"},
    "status": {"type": "string", "enum": [s.name for s in BallotStatus]},
    "basis": {"type": "string", "enum": ["owners", "residents"]},
    "matter": {"type": "string"}, "count_per": {"type": "string"},
    "announced_at": {"type": "string", "format": "date-time"},
    "opens_at": {"type": "string", "format": "date-time"},
    "closes_at": {"type": "string", "format": "date-time"},
    "secret": {"type": "boolean"}, "allow_change": {"type": "boolean"},
    "proxy_cap": {"type": "integer"},
    "options": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "label": {"type": "string"}}}}}
TOTALS = {"type": "object", "properties": {
    "units": {"type": "integer"}, "headcount": {"type": "integer"},
    "area_m2": {"type": "string"}}}
add_schemas({
    "Ballot": {"type": "object", "properties": BALLOT_PROPS},
    "Receipt": {"type": "object", "properties": {"receipt": {"type": "string"}}},
    "BallotResult": {"type": "object", "required": [
        "status", "rule", "electorate", "participation", "options", "passed", "explanation",
        "chain_head"], "properties": {
        "status": {"type": "string"}, "rule": {"type": "string"},
        "electorate": TOTALS,
        "participation": {"type": "object", "properties": {
            **TOTALS["properties"], "met": {"type": "boolean", "nullable": True}}},
        "options": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "label": {"type": "string"},
            "units": {"type": "integer", "nullable": True},
            "headcount": {"type": "integer", "nullable": True},
            "area_m2": {"type": "string", "nullable": True}}}},
        "passed": {"type": "boolean", "nullable": True},
        "explanation": {"type": "string"},
        "chain_head": {"type": "string", "nullable": True}}},
})
CREATE_BODY = {"type": "object", "required": [
    "compound_id", "title", "basis", "matter", "announced_at", "opens_at", "closes_at"],
    "properties": {
    "compound_id": ID, "title": {"type": "string"},
    "description": {"type": "string"}, "basis": {"type": "string", "enum": ["owners", "residents"]},
    "matter": {"type": "string", "enum": ["common_parts_use", "raise_fund", "rebuild",
                                          "use_fund", "owners_other", "consultative"]},
    "options": {"type": "array", "items": {"type": "string"}},
    "announced_at": {"type": "string", "format": "date-time"},
    "opens_at": {"type": "string", "format": "date-time"},
    "closes_at": {"type": "string", "format": "date-time"},
    "secret": {"type": "boolean"}, "allow_change": {"type": "boolean"},
    "count_per": {"type": "string", "enum": ["household", "person"]},
    "proxy_cap": COUNT}}


def serialize(ballot):
    return {"id": ballot.id, "compound_id": ballot.compound_id, "title": ballot.title,
            "description": ballot.description, "status": ballot.status.name,
            "basis": ballot.basis.name, "matter": ballot.matter.name,
            "count_per": ballot.count_per.name, "announced_at": iso(ballot.announced_at),
            "opens_at": iso(ballot.opens_at), "closes_at": iso(ballot.closes_at),
            "secret": ballot.secret, "allow_change": ballot.allow_change,
            "proxy_cap": ballot.proxy_cap,
            "options": [{"id": o.id, "label": o.label} for o in ballot.options]}


MAX_ID = 2**31 - 1


def _is_id(value):
    """An integer a database id column can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _ints(data, *names):
    """Ids are integers a database column can hold."""
    for name in names:
        if not _is_id(data.get(name)):
            fail(422, "invalid", f"{name} must be a positive integer id.")


@bp.route("/ballots", methods=["POST"])
@access.api("secretary", "street_admin")
@documented("Create a ballot (draft; announced at once if announced_at is past)",
            statuses=[201, 400, 403, 404, 422], success=ref("Ballot"), body=CREATE_BODY,
            tag="ballots")
def ballots_create():
    data = json_body()
    compound = access.load(Compound, data["compound_id"], can_view="is_member", can="can_manage")
    values = {"title": data["title"], "description": data.get("description", ""),
              "basis": data["basis"], "matter": data["matter"],
              "count_per": data.get("count_per", "household"),
              "announced_at": data["announced_at"], "opens_at": data["opens_at"],
              "closes_at": data["closes_at"], "secret": data.get("secret", False),
              "allow_change": data.get("allow_change", False),
              "proxy_cap": data.get("proxy_cap", 3)}
    ballot = services.create_ballot(user(), compound, options=data.get("options", []),
                                    **values)
    if ballot.announced_at <= datetime.now(timezone.utc).replace(tzinfo=None):
        services.announce(user(), ballot)
    return jsonify(serialize(ballot)), 201


@bp.route("/ballots")
@access.api()
@documented("Ballots the user may see", statuses=[200, 422], success=page_of("Ballot"),
            params=PAGE_PARAMS, tag="ballots")
def ballots_list():
    return paginate(services.ballots_for(user()), serialize, "api.ballots_list")


@bp.route("/ballots/<int:ballot_id>")
@access.api()
@documented("One ballot with its options", statuses=[200, 404], success=ref("Ballot"),
            tag="ballots")
@guards.ballot()
def ballot_detail(ballot):
    return jsonify(serialize(ballot))


def _transition(ballot, action):
    services.apply(user(), ballot, action)
    return jsonify(serialize(ballot))


@bp.route("/ballots/<int:ballot_id>/open", methods=["POST"])
@access.api("secretary", "street_admin")
@documented("Open voting (freezes the electorate, locks the rules)",
            statuses=[200, 403, 404, 409], success=ref("Ballot"), tag="ballots")
@guards.ballot(up_to_date=False, can="can_manage")
def ballot_open(ballot):
    return _transition(ballot, "open")


@bp.route("/ballots/<int:ballot_id>/close", methods=["POST"])
@access.api("secretary", "street_admin")
@documented("Close voting. Before its closing time a reason is required (422 without "
            "one); it is printed on the results notice",
            statuses=[200, 403, 404, 409, 422], success=ref("Ballot"), tag="ballots",
            body={"type": "object", "properties": {
                "reason": {"type": "string", "maxLength": 500}}})
@guards.ballot(up_to_date=False, can="can_manage")
def ballot_close(ballot):
    reason = json_body().get("reason", "")
    close_by_hand(user(), ballot, reason)
    return jsonify(serialize(ballot))


@bp.route("/ballots/<int:ballot_id>/votes", methods=["POST"])
@access.api("resident")
@documented("Vote for one of your households (201 with the receipt code; 409 if the "
            "household — or its owner — already voted and changes are not allowed)",
            statuses=[201, 400, 403, 404, 409, 422], success=ref("Receipt"), tag="ballots",
            body={"type": "object", "required": ["household_id", "option_id"], "properties": {
                "household_id": ID, "option_id": ID}})
@guards.ballot()
def ballot_vote(ballot):
    # The ballot first (404 for whoever may not see it, whatever the body), read
    # with its options (the vote's is then found without a query).
    data = json_body()
    cast = cast_phone_vote(user(), ballot, data["household_id"], data["option_id"])
    return jsonify(receipt=cast.receipt), 201


PAPER_BODY = {"type": "object", "required": ["option_id", "witness"], "properties": {
    "serial": {"type": "string", "description":
               "the serial issued with the printed paper ballot (8 characters); it names "
               "the household"},
    "household_id": {"type": "integer", "description":
                     "with a serial: must be the serial's household; without one (the paper "
                     "was lost): the household, and a reason is needed"},
    "reason": {"type": "string", "description": "why the entry has no serial"},
    "option_id": {"type": "integer"}, "witness": {"type": "string"},
    "voter_phone": {"type": "string", "description":
                    "per-person residents' ballots without a serial: the voter's mobile "
                    "number"}}}


def _text(data, name):
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        fail(422, "invalid", f"{name} must be a string.")
    return value


@bp.route("/ballots/<int:ballot_id>/paper-votes", methods=["POST"])
@access.api("secretary")
@documented("Enter a paper ballot (secretaries of the compound): by the serial the system "
            "issued when it was printed (unknown, voided or another ballot's serial: 422 or "
            "409), or for a household without its serial, with a reason",
            statuses=[201, 400, 403, 404, 409, 422], success=ref("Receipt"), tag="ballots",
            body=PAPER_BODY)
@guards.ballot(up_to_date=False, can="can_manage")
def ballot_paper_vote(ballot):
    data = json_body()
    _ints(data, "option_id")
    serial = _text(data, "serial")
    if not serial or data.get("household_id") is not None:
        _ints(data, "household_id")
    cast, _household = enter_paper_vote(
        user(), ballot, serial=serial, household_id=data.get("household_id"),
        option_id=data["option_id"], witness=_text(data, "witness"),
        reason=_text(data, "reason"), voter_phone=_text(data, "voter_phone"))
    return jsonify(receipt=cast.receipt), 201


def _totals(t):
    return {"units": t.units, "headcount": t.headcount, "area_m2": f"{t.area_m2:.2f}"}


@bp.route("/ballots/<int:ballot_id>/result")
@access.api()
@documented("The count; secret ballots (and ballots without live counts) show only "
            "turnout until closed", statuses=[200, 404], success=ref("BallotResult"),
            tag="ballots")
@guards.ballot()
def ballot_result(ballot):
    result = tally(ballot)
    visible = ballot.counts_visible
    participation = {**_totals(result.participation),
                     "met": result.participation_met if visible else None}
    options = [{"id": o.id, "label": o.label, **(_totals(o.totals) if visible else
                                                 {"units": None, "headcount": None,
                                                  "area_m2": None})}
               for o in result.options]
    return jsonify(status=ballot.status.name, rule=result.rule,
                   electorate=_totals(result.electorate), participation=participation,
                   options=options, passed=result.passed if visible else None,
                   explanation=result.explanation_text if visible else "",
                   chain_head=ballot.chain_head)

"""GeoReport v2 endpoints in JSON and XML (DESIGN §6; schemas in tests/open311/schemas/)."""
from xml.etree import ElementTree as ET

from flask import Response, current_app, jsonify, request, url_for
from flask_limiter import RateLimitExceeded

from .. import access
from ..extensions import db, limiter
from ..tickets.models import Category
from . import bp, services
from .services import Open311Error

FORMATS = ("json", "xml")
# Characters XML 1.0 cannot carry (C0 controls other than tab, newline, return).
NOT_XML = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
NOT_XML.update(dict.fromkeys((0xFFFE, 0xFFFF)))
XML_ITEM = {"services": "service", "service_requests": "request", "errors": "error",
            "attributes": "attribute", "values": "value", "endpoints": "endpoint",
            "formats": "format"}


def _xml_value(parent, tag, value):
    node = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, item in value.items():
            _xml_value(node, key, item)
    elif isinstance(value, list):
        child_tag = XML_ITEM.get(tag, "item")
        for item in value:
            _xml_value(node, child_tag, item)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value).translate(NOT_XML)
    return node


def render(data, fmt, root, status=200):
    """JSON as is; XML with ``root`` wrapping a list (items named by XML_ITEM)
    or the fields of one object."""
    if fmt == "json":
        return jsonify(data), status
    top = ET.Element(root)
    if isinstance(data, list):
        item_tag = XML_ITEM.get(root, "item")
        for item in data:
            _xml_value(top, item_tag, item)
    else:
        for key, value in data.items():
            _xml_value(top, key, value)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
    return Response(body, status=status, mimetype="text/xml")


def error(fmt, status, description):
    return render([{"code": status, "description": description}],
                  fmt if fmt in FORMATS else "json", "errors", status)


@bp.errorhandler(Open311Error)
def open311_error(exc):
    db.session.rollback()
    return error(request.view_args.get("fmt", "json") if request.view_args else "json",
                 exc.status, exc.description)


@bp.errorhandler(RateLimitExceeded)
def open311_rate_limited(exc):
    """Over OPEN311_POST_LIMIT: a client reads the spec's error list, not a page."""
    db.session.rollback()
    return error(request.view_args.get("fmt", "json") if request.view_args else "json",
                 429, f"Too many requests from this client (limit {exc.description}); "
                      "try again in a minute.")


def _fmt(fmt):
    if fmt not in FORMATS:
        raise Open311Error(404, "Use .json or .xml.")
    return fmt


def service_dict(category):
    return {"service_code": category.name, "service_name": str(category.value),
            "description": str(category.value), "metadata": True, "type": "realtime",
            "keywords": category.name.replace("_", ","), "group": "renovation"
            if category.name in ("water_drainage", "facade_ac", "insulation", "roads",
                                 "rain_sewage") else "community"}


def definition_dict(category):
    return {"service_code": category.name, "attributes": [
        {"variable": True, "code": "compound", "datatype": "string", "required": False,
         "datatype_description": "Compound code, e.g. DSST34 (needed when the location is "
                                 "given only as lat/long)", "order": 1,
         "description": "Compound (小区) the request is about"},
        {"variable": True, "code": "emergency", "datatype": "singlevaluelist",
         "required": False, "datatype_description": None, "order": 2,
         "description": "A risk to life or property (2-hour service level)",
         "values": [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]},
    ]}


@bp.route("/discovery.<fmt>")
@access.public
def discovery(fmt):
    fmt = _fmt(fmt)
    base = url_for("open311.services_list", fmt="json", _external=True).rsplit("/", 1)[0] + "/"
    data = {"changeset": "2025-01-01T00:00:00+00:00", "contact": "东城区 12345 / ResidentVoice",
            "key_service": "Ask the district's ResidentVoice administrators for an api_key.",
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2",
                           "url": base, "changeset": "2025-01-01T00:00:00+00:00",
                           "type": "production", "formats": ["application/json", "text/xml"]}]}
    return render(data, fmt, "discovery")


@bp.route("/services.<fmt>")
@access.public
def services_list(fmt):
    return render([service_dict(c) for c in Category], _fmt(fmt), "services")


@bp.route("/services/<code>.<fmt>")
@access.public
def service_definition(code, fmt):
    fmt = _fmt(fmt)
    return render(definition_dict(services.category_for(code)), fmt, "service_definition")


def _requests(tickets, fmt):
    notes = services.latest_public_notes(tickets)
    return render([services.request_dict(t, notes) for t in tickets], fmt, "service_requests")


@bp.route("/requests.<fmt>", methods=["GET"])
@access.public
def requests_list(fmt):
    fmt = _fmt(fmt)
    return _requests(services.find_requests(request.args), fmt)


@bp.route("/requests.<fmt>", methods=["POST"])
@access.public
@limiter.limit(lambda: current_app.config.get("OPEN311_POST_LIMIT", "600 per minute"))
def requests_create(fmt):
    fmt = _fmt(fmt)
    key = services.check_key(request.form.get("api_key"))
    ticket = services.submit(request.form, key)
    return render([{"service_request_id": str(ticket.id), "token": ticket.token}], fmt,
                  "service_requests")


@bp.route("/requests/<ident>.<fmt>")
@access.public
def request_detail(ident, fmt):
    fmt = _fmt(fmt)
    return _requests([services.get_request(ident)], fmt)


@bp.route("/tokens/<token>.<fmt>")
@access.public
def token_detail(token, fmt):
    fmt = _fmt(fmt)
    from ..tickets.models import Ticket
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.token == token))
    if ticket is None:
        raise Open311Error(404, f"Token {token} not found.")
    return render([{"service_request_id": str(ticket.id), "token": token}], fmt,
                  "service_requests")


@bp.route("/<path:rest>", methods=["GET", "POST"])
@access.public
def unknown(rest):
    """Anything else under /open311/v2 answers the spec's error list, not a page."""
    fmt = "xml" if rest.endswith(".xml") else "json"
    return error(fmt, 404, "No such GeoReport v2 resource.")

"""Shared helpers for API views: JSON bodies, errors, pagination, loading."""
from flask import g, jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, HTTPException

from ..extensions import db
from . import validation


class ApiError(HTTPException):
    def __init__(self, status, code, message, field=None):
        super().__init__(description=message)
        self.code = status
        self.rv_message = message
        self.rv_code = code
        self.rv_field = field


def fail(status, code, message, field=None):
    """Answer ``{"error": {"code", "message"}}`` (and ``"field"``, the body
    field at fault, when there is one) with ``status``."""
    raise ApiError(status, code, str(message), field)


def request_json():
    """The request's JSON body, None without one (no body, or another
    content type); 400 for a body that is not JSON — malformed, or nested
    deeper than the parser goes (100,000 ``[`` raise RecursionError)."""
    if not request.is_json or not request.get_data(cache=True):
        return None
    try:
        return request.get_json()
    except (BadRequest, RecursionError, ValueError):
        fail(400, "bad_json", _("Send a JSON object with Content-Type: application/json."))


def json_body():
    """The request's JSON body, checked against the body schema the route
    declares in ``@documented`` (the one the OpenAPI document publishes):
    400 for a body that is not a JSON object, 422 naming the first field
    that is missing, unknown or wrong, in the reader's language.  Its
    ``date`` and ``date-time`` fields come parsed (``validation``)."""
    try:
        return validation.checked(request.endpoint, request_json(),
                                  sent=bool(request.get_data(cache=True)))
    except validation.Invalid as error:
        fail(error.status, error.code, error.message, error.field)


def user():
    return g.api_user



PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                   "maximum": 200}},
]


def paginate(query, serialize, endpoint, /, **values):
    """``{"items": [...], "next": url|null}`` over a select().  ``values`` are
    the list's filters, kept in the next link: name them, never pass the
    request's arguments wholesale (``?endpoint=``, ``?_method=`` are url_for's
    own keywords)."""
    page = request.args.get("page", 1, type=int)
    per_page = request.args.get("per_page", 50, type=int)
    if page < 1 or not 1 <= per_page <= 200:
        fail(422, "bad_page", _("page must be 1 or more and per_page between 1 and 200."))
    rows = db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)).all()
    more = len(rows) > per_page
    items = [serialize(row) for row in rows[:per_page]]
    nxt = url_for(endpoint, page=page + 1, per_page=per_page, _external=True, **values) \
        if more else None
    return jsonify(items=items, next=nxt)

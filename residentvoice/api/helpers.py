"""Shared helpers for API views: JSON bodies, errors, pagination, loading."""
from flask import g, jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..errors_domain import DomainError
from ..extensions import db


class ApiError(HTTPException):
    def __init__(self, status, code, message):
        super().__init__(description=message)
        self.code = status
        self.rv_message = message
        self.rv_code = code


def fail(status, code, message):
    raise ApiError(status, code, str(message))


def domain_error(error: DomainError):
    fail(error.status, error.code, error.message)


def json_body(required=()):
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        fail(400, "bad_json", _("Send a JSON object with Content-Type: application/json."))
    missing = [k for k in required if data.get(k) in (None, "")]
    if missing:
        fail(422, "missing_fields", _("Missing fields: %(fields)s", fields=", ".join(missing)))
    return data


def user():
    return g.api_user


def load(model, ident, can_view="can_view", can=None):
    obj = db.session.get(model, ident)
    if obj is None or (can_view and not getattr(obj, can_view)(g.api_user)):
        fail(404, "not_found", _("%(kind)s %(id)s not found.", kind=model.__name__, id=ident))
    if can and not getattr(obj, can)(g.api_user):
        fail(403, "forbidden", _("You do not have permission to do this."))
    return obj


PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                   "maximum": 200}},
]


def paginate(query, serialize, endpoint, **values):
    """``{"items": [...], "next": url|null}`` over a select()."""
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

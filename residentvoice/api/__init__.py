"""JSON API under /api/v1 (DESIGN §6), token-authenticated, CSRF-exempt."""
from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from ..extensions import csrf, db
from ..models import utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def authenticate_token():
    """``Authorization: Bearer <token>`` → the active user with the roles every
    permission check reads, and the token row (``DELETE /auth/token`` ends it)."""
    from ..auth.models import ApiToken, User, hash_token
    g.api_user = g.api_token = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        raw = header[len("Bearer "):].strip()
        row = db.session.execute(
            db.select(ApiToken, User).join(User, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == hash_token(raw), ApiToken.expires_at > utcnow(),
                   User.active.is_(True))
            .options(joinedload(User.roles))).unique().one_or_none()
        if row is not None:
            g.api_token, g.api_user = row


@bp.before_request
def read_json_body():
    """A view that takes a body has it parsed here, once: one that is not JSON
    (malformed, or nested 100,000 deep) answers 400 before the view runs, and
    the view's own reads get the parsed body."""
    view = current_app.view_functions.get(request.endpoint)
    meta = getattr(view, "openapi", None)
    if meta and meta["body"] is not None and request.method in ("POST", "PUT", "PATCH",
                                                                 "DELETE"):
        from .helpers import request_json
        request_json()


@bp.errorhandler(NotFound)
def not_found(error):
    """What the API could not find, in words ("找不到 999 号表决"), never by
    its class name ("Ballot 999")."""
    from ..audit.phrases import TYPE_NAMES
    from ..errors import error_response
    db.session.rollback()
    looked_for = getattr(error, "rv_looked_for", None)
    if looked_for is None:
        return error_response(404, getattr(error, "rv_message", None))
    model, ident = looked_for
    return error_response(404, _("There is no %(kind)s number %(id)s.",
                                 kind=TYPE_NAMES.get(model, _l("record")), id=ident))


def register(app):
    """Attach this feature to ``app``: its routes."""
    # The modules attach their routes as they are imported.
    from . import views, spec_views  # noqa: F401
    app.register_blueprint(bp)

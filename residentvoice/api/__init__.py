"""JSON API under /api/v1 (DESIGN §6), token-authenticated, CSRF-exempt."""
import functools

from flask import Blueprint, g, request
from sqlalchemy.orm import joinedload

from ..extensions import csrf, db
from ..models import utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@functools.cache
def _user_by_token():
    """Token hash → the active user with the roles (and their households) every
    permission check reads: one indexed query, its statement built once."""
    from ..auth.models import ApiToken, User
    return (db.select(User).join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == db.bindparam("token_hash"),
                   ApiToken.expires_at > db.bindparam("now"), User.active.is_(True))
            .options(joinedload(User.roles)))


@bp.before_request
def authenticate_token():
    from ..auth.models import hash_token
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        raw = header[len("Bearer "):].strip()
        g.api_user = db.session.scalars(_user_by_token(), {
            "token_hash": hash_token(raw), "now": utcnow()}).unique().one_or_none()

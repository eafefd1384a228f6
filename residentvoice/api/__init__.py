"""JSON API under /api/v1 (DESIGN §6), token-authenticated, CSRF-exempt."""
from flask import Blueprint, g, request
from sqlalchemy.orm import joinedload

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

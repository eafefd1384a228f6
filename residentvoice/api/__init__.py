"""JSON API under /api/v1 (DESIGN §6), token-authenticated, CSRF-exempt."""
from flask import Blueprint, g, request

from ..extensions import csrf, db
from ..models import utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def authenticate_token():
    from ..auth.models import ApiToken, hash_token
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        raw = header[len("Bearer "):].strip()
        token = db.session.scalar(db.select(ApiToken).where(
            ApiToken.token_hash == hash_token(raw), ApiToken.expires_at > utcnow()))
        if token is not None and token.user.active:
            g.api_user = token.user




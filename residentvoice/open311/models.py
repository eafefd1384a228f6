"""API keys for Open311 clients (a 12345 dispatch system); only a hash is kept."""
import hashlib

from ..extensions import db
from ..models import TimestampMixin


def hash_key(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(TimestampMixin, db.Model):
    __tablename__ = "open311_api_key"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(120), nullable=False)
    prefix = db.Column(db.String(8), nullable=False)
    key_hash = db.Column(db.String(64), nullable=False, unique=True)
    revoked_at = db.Column(db.DateTime)
    last_used_at = db.Column(db.DateTime)

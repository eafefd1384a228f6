"""Helpers shared by every feature's models."""
from datetime import datetime, timezone

from .extensions import db


def utcnow():
    """Naive UTC: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class TimestampMixin:
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

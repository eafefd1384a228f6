"""Append-only audit log (DESIGN §3): who did what, when, to which record."""
from ..extensions import db
from ..models import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow, index=True)
    actor_id = db.Column(db.ForeignKey("user.id"), index=True)
    action = db.Column(db.String(64), nullable=False)
    object_type = db.Column(db.String(40), nullable=False)
    object_id = db.Column(db.Integer)
    community_id = db.Column(db.ForeignKey("community.id"), index=True)
    summary = db.Column(db.Text, nullable=False, default="")
    changes = db.Column(db.JSON, nullable=False, default=dict)
    actor = db.relationship("User")

    __table_args__ = (db.Index("ix_audit_object", "object_type", "object_id"),)

"""Uploaded files (photos, sketches, scans of signed proxy forms)."""
from ..extensions import db
from ..models import TimestampMixin


class Upload(TimestampMixin, db.Model):
    id = db.Column(db.Integer, primary_key=True)
    uploaded_by_id = db.Column(db.ForeignKey("user.id"), index=True)
    # What it belongs to, e.g. ("ticket", 12); the owning feature decides who may see it.
    object_type = db.Column(db.String(40), nullable=False)
    object_id = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(16), nullable=False)  # image | pdf
    content_type = db.Column(db.String(40), nullable=False)
    original_name = db.Column(db.String(200), nullable=False, default="")
    stored_name = db.Column(db.String(80), nullable=False, unique=True)
    size = db.Column(db.Integer, nullable=False)
    width = db.Column(db.Integer)
    height = db.Column(db.Integer)

    __table_args__ = (db.Index("ix_upload_object", "object_type", "object_id"),)

"""A user's own choice to follow, or to stop following, one record."""
from ..extensions import db
from ..models import utcnow


class Follow(db.Model):
    """``following`` true: the user asked to follow; false: the user stopped
    following a record they would follow by default (as its author, a
    supporter, a "me too" household).  No row: the default applies."""
    __tablename__ = "follow"
    __table_args__ = (db.UniqueConstraint("user_id", "kind", "ref_id", name="uq_follow_user_ref"),
                      db.Index("ix_follow_ref", "kind", "ref_id"))
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    kind = db.Column(db.String(16), nullable=False)      # proposal | ticket | meeting | ballot
    ref_id = db.Column(db.Integer, nullable=False)
    following = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

"""Support and discussion of proposals: one support per household, comments
with one level of replies, flags and moderation."""
from datetime import timedelta

from ..extensions import db
from ..models import utcnow

EDIT_WINDOW = timedelta(minutes=15)


class Support(db.Model):
    """A household supports a proposal. One per household per proposal, held by
    the database (two residents of one household, two tabs, a double click)."""
    id = db.Column(db.Integer, primary_key=True)
    proposal_id = db.Column(db.ForeignKey("proposal.id"), nullable=False, index=True)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    user = db.relationship("User")
    household = db.relationship("Household")

    __table_args__ = (db.UniqueConstraint("proposal_id", "household_id",
                                          name="uq_support_proposal_household"),)


class Comment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    proposal_id = db.Column(db.ForeignKey("proposal.id"), nullable=False, index=True)
    parent_id = db.Column(db.ForeignKey("comment.id"), index=True)
    author_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    edited_at = db.Column(db.DateTime)
    deleted_at = db.Column(db.DateTime)
    hidden_at = db.Column(db.DateTime)
    hidden_by_id = db.Column(db.ForeignKey("user.id"))
    hidden_reason = db.Column(db.Text, nullable=False, default="")
    author = db.relationship("User", foreign_keys=[author_id])
    hidden_by = db.relationship("User", foreign_keys=[hidden_by_id])
    proposal = db.relationship("Proposal")
    parent = db.relationship("Comment", remote_side=[id], backref=db.backref(
        "replies", order_by="Comment.id"))
    flags = db.relationship("CommentFlag", back_populates="comment", order_by="CommentFlag.id")

    def can_view(self, user):
        return self.proposal.can_view(user)

    def is_author(self, user):
        return bool(user) and user.is_authenticated and user.id == self.author_id

    def can_moderate(self, user):
        return self.proposal.can_manage(user)

    def within_edit_window(self, now=None):
        return (now or utcnow()) - self.created_at <= EDIT_WINDOW

    @property
    def is_visible(self):
        return self.hidden_at is None and self.deleted_at is None


class CommentFlag(db.Model):
    """Anyone who sees a comment may flag it once for the moderators."""
    id = db.Column(db.Integer, primary_key=True)
    comment_id = db.Column(db.ForeignKey("comment.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    reason = db.Column(db.String(500), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    comment = db.relationship(Comment, back_populates="flags")
    user = db.relationship("User")

    __table_args__ = (db.UniqueConstraint("comment_id", "user_id",
                                          name="uq_comment_flag_user"),)

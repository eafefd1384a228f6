"""In-app notifications (DESIGN §8): read on the site first, emailed where possible."""
from ..extensions import db
from ..models import utcnow


class Notification(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    kind = db.Column(db.String(40), nullable=False)
    # Stored untranslated with its parameters, shown in the reader's language.
    message = db.Column(db.String(200), nullable=False)
    params = db.Column(db.JSON, nullable=False, default=dict)
    url = db.Column(db.String(300), nullable=False, default="")
    read_at = db.Column(db.DateTime)
    emailed_at = db.Column(db.DateTime)
    user = db.relationship("User")

    __table_args__ = (db.Index("ix_notification_user_read", "user_id", "read_at"),
                      # the unread count on every page (and marking all read):
                      # only the unread rows, answered from the index alone
                      db.Index("ix_notification_unread", "user_id", "read_at",
                               sqlite_where=db.text("read_at IS NULL"),
                               postgresql_where=db.text("read_at IS NULL")),
                      # the email run looks for what is neither emailed nor read
                      db.Index("ix_notification_emailed_read", "emailed_at", "read_at"))

    def can_view(self, user):
        """A notification is private to its recipient."""
        return bool(user) and user.is_authenticated and user.id == self.user_id


# The SMS tables belong to this feature's metadata too.
from . import sms_models  # noqa: E402,F401

"""SMS (短信, issue 18 §3): who chose it, which numbers said stop, and the outbox
holding every message with its delivery status."""
import enum

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import utcnow


class SmsChoice(db.Model):
    """A user's choice of the SMS channel (opt-in: nobody gets SMS unasked)."""
    user_id = db.Column(db.ForeignKey("user.id"), primary_key=True)
    enabled = db.Column(db.Boolean, nullable=False, default=False)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class OptOutSource(enum.Enum):
    account = _l("in the account settings")
    reply = _l("by replying TD")


class SmsOptOut(db.Model):
    """A number that asked for no more SMS (回复TD退订), kept by number: the
    reply comes from a phone, which need not be an account's any more."""
    phone = db.Column(db.String(11), primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    source = db.Column(db.Enum(OptOutSource, native_enum=False, length=16), nullable=False)


class SmsStatus(enum.Enum):
    queued = _l("Waiting to send")
    sent = _l("Sent")
    failed = _l("Sending failed")
    capped = _l("Not sent: daily limit")
    opted_out = _l("Not sent: opted out")


class SmsMessage(db.Model):
    """One SMS to one number, from the moment it is due until the provider
    took it (or gave up).  ``params`` are the provider template's values."""
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    phone = db.Column(db.String(11), nullable=False)
    kind = db.Column(db.String(40), nullable=False)
    params = db.Column(db.JSON, nullable=False, default=list)
    urgent = db.Column(db.Boolean, nullable=False, default=False)
    status = db.Column(db.Enum(SmsStatus, native_enum=False, length=16), nullable=False,
                       default=SmsStatus.queued)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    next_attempt_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    sent_at = db.Column(db.DateTime)
    provider = db.Column(db.String(20), nullable=False, default="")
    provider_id = db.Column(db.String(80), nullable=False, default="")
    cost_units = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.String(300), nullable=False, default="")
    user = db.relationship("User")

    __table_args__ = (
        # the send run: what is waiting and due
        db.Index("ix_sms_message_due", "status", "next_attempt_at"),
        # the daily cap: what went to one user since local midnight
        db.Index("ix_sms_message_user_sent", "user_id", "sent_at"),
    )


class ReminderSent(db.Model):
    """A reminder that went out once and must not go again (e.g. a ballot's
    "closing in 2 days"): keyed by what it is about."""
    key = db.Column(db.String(80), primary_key=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

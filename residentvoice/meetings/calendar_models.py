"""Calendar (issue 19 §6): the sequence number of each meeting's and ballot
window's calendar event, and each user's secret feed address.

A calendar that subscribed to an event keeps it by its UID; a changed event
replaces the kept one only when its SEQUENCE is higher (RFC 5545 §3.8.7.4).
So every change to what the event shows — title, place, start, length, a
ballot's window — raises the stored sequence, in the same flush."""
import hashlib
import secrets

from sqlalchemy import event, inspect

from ..extensions import db
from ..models import utcnow
from ..voting.models import Ballot
from .models import Meeting


class CalendarEvent(db.Model):
    """The SEQUENCE of one record's calendar event (absent: never changed, 0)."""
    __tablename__ = "calendar_event"
    __table_args__ = (db.UniqueConstraint("kind", "ref_id", name="uq_calendar_event_kind_ref"),)
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False)       # "meeting" | "ballot"
    ref_id = db.Column(db.Integer, nullable=False)
    sequence = db.Column(db.Integer, nullable=False, default=0)
    changed_at = db.Column(db.DateTime, nullable=False, default=utcnow)


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def password_stamp(user):
    return hashlib.sha256((user.password_hash or "").encode("utf-8")).hexdigest()[:16]


class CalendarFeed(db.Model):
    """A user's calendar subscription address.  Only a hash of its secret is
    kept: the address is shown once, when made; making a new one or turning
    the feed off revokes the old one."""
    __tablename__ = "calendar_feed"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, unique=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    # A fingerprint of the password hash the account had when the address was
    # made: a password change or reset (which ends every session and API
    # token) stops the address too, without auth knowing about calendars.
    password_stamp = db.Column(db.String(16), nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_read_at = db.Column(db.DateTime)
    user = db.relationship("User")

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(24)


# model → (kind, the columns the event shows)
SHOWN = {Meeting: ("meeting", ("title", "place", "starts_at", "duration_minutes", "compound_id")),
         Ballot: ("ballot", ("title", "opens_at", "closes_at"))}


def _bump(connection, kind, ref_id):
    table = CalendarEvent.__table__
    now = utcnow()
    done = connection.execute(table.update()
                              .where(table.c.kind == kind, table.c.ref_id == ref_id)
                              .values(sequence=table.c.sequence + 1, changed_at=now))
    if done.rowcount == 0:
        connection.execute(table.insert().values(kind=kind, ref_id=ref_id, sequence=1,
                                                 changed_at=now))


def _listen(model, kind, columns):
    @event.listens_for(model, "after_update")
    def changed(_mapper, connection, obj):
        state = inspect(obj)
        if any(state.attrs[name].history.has_changes() for name in columns):
            _bump(connection, kind, obj.id)


for _model, (_kind, _columns) in SHOWN.items():
    _listen(_model, _kind, _columns)

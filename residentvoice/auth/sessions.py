"""Signed-in browsers (DESIGN §8: logout, password change and reset revoke
sessions, remember-me and API tokens).

Every login makes a ``UserSession`` row.  The session cookie holds a random id
(Flask-Login's ``get_id()``) whose hash finds the row, so a row that has ended
no longer signs anybody in, whatever cookie is replayed.  "Remember me" is our
own cookie ``<row id>.<secret>``: the secret is stored hashed, replaced every
time it restores a session, and refused once its row has ended.  A replaced
secret still works for a few seconds (two tabs opening at once); after that,
showing it again means the cookie was copied, and the row is ended."""
import hmac
import secrets
from datetime import timedelta

from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..extensions import db
from ..models import utcnow
from .models import ApiToken, User, UserSession, hash_token

REMEMBER_COOKIE = "rv_remember"
SESSION_DAYS = 30          # a browser not remembered: idle sessions end after this
REMEMBER_DAYS = 90
ROTATION_GRACE = timedelta(seconds=30)
TOUCH_EVERY = timedelta(minutes=10)


def start(user, *, remember=False, user_agent=None, ip=None, now=None):
    """A new session for ``user``; returns the remember cookie's value or None.
    Sets ``user.session_token`` for Flask-Login's ``login_user``."""
    now = now or utcnow()
    sid = secrets.token_urlsafe(32)
    row = UserSession(user=user, token_hash=hash_token(sid), created_at=now,
                      last_seen_at=now, user_agent=(user_agent or "")[:200] or None,
                      ip=(ip or "")[:45] or None,
                      expires_at=now + timedelta(days=REMEMBER_DAYS if remember
                                                 else SESSION_DAYS))
    cookie = None
    if remember:
        secret = secrets.token_urlsafe(32)
        row.remember_hash = hash_token(secret)
        cookie = secret
    db.session.add(row)
    db.session.flush()
    user.session_token, user.session_row = sid, row
    return f"{row.id}.{cookie}" if cookie else None


def _live_row_query():
    return (db.select(UserSession).join(User, UserSession.user_id == User.id)
            .where(UserSession.ended_at.is_(None), User.active.is_(True))
            .options(joinedload(UserSession.user).joinedload(User.roles)))


def needs_touch(row, now=None):
    """Not marked seen for ``TOUCH_EVERY``: ``touch`` it (a write)."""
    return (now or utcnow()) - row.last_seen_at >= TOUCH_EVERY


def touch(row, now=None):
    """Mark the session seen; a browser session lives while it is used."""
    row.last_seen_at = now = now or utcnow()
    if row.remember_hash is None:
        row.expires_at = now + timedelta(days=SESSION_DAYS)


def load(sid, now=None):
    """The user whose live session has this id, or None (read only: the
    request side marks it seen, ``needs_touch`` and ``touch``)."""
    if not sid or not isinstance(sid, str) or len(sid) > 100:
        return None
    now = now or utcnow()
    row = db.session.scalars(_live_row_query().where(
        UserSession.token_hash == hash_token(sid))).unique().one_or_none()
    if row is None or row.expires_at <= now:
        return None
    user = row.user
    user.session_token, user.session_row = sid, row
    return user


def restore(cookie, now=None):
    """A remembered browser comes back: ``(user, new cookie value or None)``,
    or ``(None, None)`` when the cookie is no good (and its row is ended if the
    cookie was an old one shown again)."""
    row_id, _, secret = (cookie or "").partition(".")
    if not (row_id.isascii() and row_id.isdigit()) or len(row_id) > 9 or not secret \
            or len(cookie) > 120:
        return None, None
    now = now or utcnow()
    row = db.session.scalars(_live_row_query().where(
        UserSession.id == int(row_id))).unique().one_or_none()
    if row is None or row.remember_hash is None or row.expires_at <= now:
        return None, None
    presented = hash_token(secret)
    if hmac.compare_digest(presented, row.remember_hash):
        new_secret = secrets.token_urlsafe(32)
        new_sid = secrets.token_urlsafe(32)
        row.previous_remember_hash, row.remember_hash = row.remember_hash, hash_token(new_secret)
        row.token_hash = hash_token(new_sid)
        row.rotated_at = row.last_seen_at = now
        user = row.user
        user.session_token, user.session_row = new_sid, row
        return user, f"{row.id}.{new_secret}"
    if (row.previous_remember_hash and hmac.compare_digest(presented, row.previous_remember_hash)
            and row.rotated_at and now - row.rotated_at <= ROTATION_GRACE):
        # The other tab's request rotated it a moment ago: serve this one
        # request, and let the browser keep the cookie that request set.
        user = row.user
        user.session_row = row
        return user, None
    end(row, now=now)
    record(row.user, "session.remember_reused", row.user,
           summary="an old remember-me cookie was shown again; that session is ended")
    return None, None


def end(row, now=None):
    if row is not None and row.ended_at is None:
        row.ended_at = now or utcnow()


def end_all(user, *, keep=None, now=None):
    """End every session of ``user`` (but ``keep``) and revoke all API tokens."""
    now = now or utcnow()
    for row in db.session.scalars(db.select(UserSession).where(
            UserSession.user_id == user.id, UserSession.ended_at.is_(None))):
        if row is not keep:
            row.ended_at = now
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))


def live_sessions(user, now=None):
    now = now or utcnow()
    return list(db.session.scalars(db.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None),
        UserSession.expires_at > now).order_by(UserSession.last_seen_at.desc())))


def is_own_and_open(user, row):
    """For the route that ends one session: the user's own, not yet ended."""
    return row.user_id == user.id and row.ended_at is None


def end_one(user, row, now=None):
    """The user ends one of their own sessions (a lost phone, say)."""
    end(row, now)
    record(user, "session.ended", user, summary=f"session {row.id}")


def device_label(user_agent):
    """A few words a person recognises: the browser and the system."""
    ua = user_agent or ""
    system = next((name for key, name in (("iPhone", "iPhone"), ("iPad", "iPad"),
                                          ("Android", "Android"), ("HarmonyOS", "HarmonyOS"),
                                          ("Windows", "Windows"), ("Mac OS", "Mac"),
                                          ("Linux", "Linux")) if key in ua), "")
    browser = next((name for key, name in (("MicroMessenger", "WeChat"), ("Edg/", "Edge"),
                                           ("Chrome/", "Chrome"), ("Firefox/", "Firefox"),
                                           ("Safari/", "Safari")) if key in ua), "")
    return " · ".join(part for part in (browser, system) if part)   # "" → "Unknown browser"

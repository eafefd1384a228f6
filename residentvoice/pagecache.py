"""A per-worker cache of rendered pages, invalidated by any write.

The busiest pages (home, lists, a proposal, a ballot, its result) are read far
more often than anything changes.  A page is kept per (URL, user, language
and text-size cookies) and tagged with the database's
*generation*: a random token in the one-row ``page_generation`` table that
every transaction that writes replaces before it commits.  A request serves
the kept page only while the generation is unchanged, so nobody ever sees a
page older than the last write, in any worker or on any app server sharing
the database.  A time limit (``PAGE_CACHE_SECONDS``) bounds what a page says
about the clock (deadlines passing, "overdue"), which no write announces.

Why this is safe beside the access rules: a page is stored only after its
view answered 200 for that same user at that same generation, so a hit shows
the user what they were already allowed to see, with the permissions,
memberships and data unchanged since.  Pages with flashed messages, requests
that change the session, and anything but a plain GET are never stored.  The
page's CSRF token is cut out when it is kept and each later visitor's own
token is put in its place, so forms on a kept page post as usual.

The generation is a random token rather than a counter so that a rolled-back
transaction (or a restored backup) never makes an old token current for new
data: a token names one committed state of the database.
"""
import contextlib
import functools
import os
import secrets
import threading
import time
from datetime import datetime, timezone
from collections import OrderedDict

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .extensions import db
from .i18n import LOCALE_COOKIE, TEXT_COOKIE
from .sqlite_writer import READS

GENERATION_SQL = "SELECT token FROM page_generation WHERE id = 1"
MAX_ENTRIES = 600
MAX_BODY = 256 * 1024


class PageGeneration(db.Model):
    """One row: the token of the current state of the data (see the module)."""
    __tablename__ = "page_generation"
    id = db.Column(db.Integer, primary_key=True)
    token = db.Column(db.String(32), nullable=False)


class Store:
    """A small LRU of ``key -> (generation, expires, body, headers)``."""

    def __init__(self, size=MAX_ENTRIES):
        self.size = size
        self.entries = OrderedDict()

    def get(self, key, generation, now):
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry[0] != generation or entry[1] < now:
            del self.entries[key]
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key, entry):
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def clear(self):
        self.entries.clear()


store = Store()


# ---- the generation -------------------------------------------------------

class _TokenReader(threading.local):
    """PostgreSQL: one autocommit connection per worker (and thread) that reads
    the token and nothing else.  Through the pool each read cost four round
    trips — the pool's ping, BEGIN, the SELECT and the ROLLBACK that resets a
    returned connection — for a page that is otherwise served from memory.
    A connection that fails is dropped (the page is then rendered, and the
    render meets the database's state as any request would); the next read
    opens a new one."""

    def __init__(self):
        self.key = None
        self.conn = None

    def read(self, engine):
        key = (os.getpid(), str(engine.url))
        if key != self.key:
            self.close()
        dbapi = engine.dialect.loaded_dbapi
        try:
            if self.conn is None:
                cargs, cparams = engine.dialect.create_connect_args(engine.url)
                self.conn = engine.dialect.connect(*cargs, **cparams)
                self.conn.autocommit = True
                self.key = key
            cursor = self.conn.cursor()
            try:
                cursor.execute(GENERATION_SQL)
                row = cursor.fetchone()
            finally:
                cursor.close()
            return row[0] if row else None
        except dbapi.Error:
            self.close()
            return None

    def close(self):
        conn, self.conn, self.key = self.conn, None, None
        if conn is not None:
            # A broken connection may not close cleanly; it is dropped either way.
            with contextlib.suppress(Exception):
                conn.close()


token_reader = _TokenReader()


def current_generation():
    """The token of the last committed write; None when the table is empty or
    missing (then nothing is cached).  Read on a connection of its own, not
    in the request's transaction, so a kept page costs one small query; the
    page's own data, read later if it is not kept, can only be newer."""
    bind = db.session.get_bind()
    try:
        if isinstance(bind, Connection):  # a session bound to one connection (tests)
            return bind.exec_driver_sql(GENERATION_SQL).scalar()
        if bind.dialect.name == "postgresql":
            return token_reader.read(bind)
        raw = bind.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(GENERATION_SQL)
            row = cursor.fetchone()
            cursor.close()
            return row[0] if row else None
        finally:
            raw.close()
    except DBAPIError:  # a database without the table: serve uncached
        return None


_BUMP = text("INSERT INTO page_generation (id, token) VALUES (1, :t) "
             "ON CONFLICT (id) DO UPDATE SET token = excluded.token")


def bump(session_):
    session_.connection().execute(_BUMP, {"t": secrets.token_hex(16)})


def _mark_write(conn, cursor, statement, parameters, context, executemany):
    if not statement.lstrip()[:9].upper().startswith(READS):
        conn.info["rv_wrote"] = True


def _remember_connection(session_, transaction, connection):
    session_.info["rv_connection"] = connection


def _before_commit(session_):
    """Replace the token in the transaction that writes, so the new token and
    the new data become visible together.  Everything else is flushed first:
    the token's row is then always the last lock a transaction takes, so two
    writers can wait for each other's commit but never deadlock over it.
    A savepoint's release is left to the commit of the transaction around it
    (its writes stay marked on the connection until then)."""
    if session_.in_nested_transaction():
        return
    if session_.new or session_.dirty or session_.deleted:
        session_.flush()
    connection = session_.info.get("rv_connection")
    if connection is None or connection.closed or not connection.info.get("rv_wrote"):
        return
    bump(session_)
    connection.info.pop("rv_wrote", None)


def _forget_write(conn):
    conn.info.pop("rv_wrote", None)


def listen(engine):
    for target, name, fn in ((engine, "before_cursor_execute", _mark_write),
                             (engine, "commit", _forget_write),
                             (engine, "rollback", _forget_write),
                             (Session, "after_begin", _remember_connection),
                             (Session, "before_commit", _before_commit)):
        if not event.contains(target, name, fn):
            event.listen(target, name, fn)


# ---- the view wrapper -----------------------------------------------------

CSRF_HOLE = b"\x00rv-csrf\x00"


def _key():
    return (request.host, request.full_path, session.get("_user_id"),
            request.cookies.get(LOCALE_COOKIE), request.cookies.get(TEXT_COOKIE))


def _cacheable_request():
    if not current_app.config.get("PAGE_CACHE") or request.method != "GET":
        return False
    if "_flashes" in session:
        return False
    from .extensions import login_manager
    if "_user_id" not in session and \
            current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return False  # flask-login signs this visitor in from the cookie now
    identifier = session.get("_id")
    if identifier is not None and \
            identifier != login_manager._session_identifier_generator():
        return False
    return True


def _only_csrf_changed(before):
    """The view changed nothing in the session but (perhaps) created its CSRF
    secret, which the kept page does not carry (see ``_punch``)."""
    if not session.modified:
        return True
    after = dict(session)
    after.pop("csrf_token", None)
    before.pop("csrf_token", None)
    return after == before


def _punch(body):
    """The page with this request's CSRF token replaced by a hole, filled with
    each later visitor's own token."""
    token = g.get("csrf_token")
    if token:
        body = body.replace(token.encode(), CSRF_HOLE)
    return body


def _fill(body):
    if CSRF_HOLE in body:
        body = body.replace(CSRF_HOLE, generate_csrf().encode())
    return body


def keep_until(when):
    """A view's page changes by itself at ``when`` (an aware or naive-UTC
    datetime: a ballot closing, a deadline passing): keep it no longer."""
    if when is None:
        return
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    seconds = (when - datetime.now(timezone.utc)).total_seconds()
    g.page_cache_seconds = min(g.get("page_cache_seconds", seconds), seconds)


def _lifetime():
    configured = current_app.config.get("PAGE_CACHE_SECONDS", 60)
    return min(configured, g.pop("page_cache_seconds", configured))


def serve(view, args, kwargs):
    """Answer from the store, or run ``view`` and keep a 200 HTML page."""
    if not _cacheable_request():
        return view(*args, **kwargs)
    generation = current_generation()
    if generation is None:
        return view(*args, **kwargs)
    key = _key()
    now = time.monotonic()
    entry = store.get(key, generation, now)
    if entry is not None:
        return current_app.response_class(_fill(entry[2]), headers=entry[3])
    before = dict(session)
    g.pop("page_cache_seconds", None)
    response = current_app.make_response(view(*args, **kwargs))
    lifetime = _lifetime()
    if response.status_code == 200 and lifetime > 0 and not response.direct_passthrough \
            and response.mimetype == "text/html" and "Set-Cookie" not in response.headers \
            and _only_csrf_changed(before):
        body = response.get_data()
        if len(body) <= MAX_BODY:
            headers = [(k, v) for k, v in response.headers.items()
                       if k.lower() not in ("content-length", "set-cookie")]
            store.put(key, (generation, now + lifetime, _punch(body), headers))
    return response


def cached(view):
    """Wrap a view (outside its access rule, see the module) to be kept."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        return serve(view, args, kwargs)
    wrapped.page_cached = True
    return wrapped


# The pages residents and staff open most, by endpoint.  Each answers the same
# HTML for the same user, URL and data (no per-request randomness but the CSRF
# token, which each visitor gets their own of).
PAGES = (
    "main.home", "auth.login",
    "spaces.index", "spaces.proposal",
    "voting.index", "voting.show", "voting.result",
    "tickets.mine", "tickets.queue", "tickets.dashboard_page",
)


def register(app):
    # On unless PAGE_CACHE=0 in the environment (the tests run with it too, so
    # every feature's tests also prove that no page is served stale).
    app.config.setdefault("PAGE_CACHE", os.environ.get("PAGE_CACHE", "1") != "0")
    app.config.setdefault("PAGE_CACHE_SECONDS", int(os.environ.get("PAGE_CACHE_SECONDS", 60)))
    with app.app_context():
        listen(db.engine)
    for endpoint in PAGES:
        app.view_functions[endpoint] = cached(app.view_functions[endpoint])

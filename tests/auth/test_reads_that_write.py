"""Reading requests that write, on SQLite (the one-host default).

A GET begins a deferred (reading) transaction.  If it then writes, and
another request committed after its first read, SQLite cannot extend the
snapshot and answers "database is locked" at once: a 503 for someone who
only opened a page.  Two such writes happen on any page:
- a signed-in browser not seen for ``TOUCH_EVERY`` is marked seen (and a
  browser session's end moves on), every ten minutes of use;
- a remembered browser coming back gets a new remember-me secret.
Each now starts the request's transaction for writing before it reads
(``web.about_to_write``).  Here another connection commits while the page
is being made, after the session was read."""
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import event

from residentvoice import create_app
from residentvoice.auth import sessions
from residentvoice.auth.models import UserSession
from residentvoice.extensions import db
from residentvoice.models import utcnow

from ..factories import PASSWORD, Factory


@pytest.fixture
def site(tmp_path):
    """An app on its own SQLite file.  Once ``site.other_writes`` is
    ``["start"]``, another connection changes a user's name just before the
    request first writes a session row; it waits no more than a moment for
    the write lock (a request that holds it from its first read is right)."""
    path = tmp_path / "reads-that-write.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "reads", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "SERVER_NAME": "localhost", "UPLOAD_FOLDER": str(tmp_path)})
    with app.app_context():
        db.create_all()
        world = Factory(db).world()
        db.session.commit()
        app.resident_id, app.phone = world.resident.id, world.resident.phone
        app.other_id = world.other_resident.id
    app.other_writes = []

    def another_request_commits(conn, cursor, statement, *args):
        """Just before this request's first write of a session row."""
        if app.other_writes == ["start"] and statement.startswith("UPDATE user_session"):
            other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
            try:
                other.execute('UPDATE "user" SET name = ? WHERE id = ?', ("改名", app.other_id))
                app.other_writes.append("committed")
            except sqlite3.OperationalError:
                app.other_writes.append("waited")
            finally:
                other.close()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", another_request_commits)
    yield app
    with app.app_context():
        db.engine.dispose()


def _session_row(app):
    with app.app_context():
        return db.session.scalars(db.select(UserSession).where(
            UserSession.user_id == app.resident_id, UserSession.ended_at.is_(None))).one()


def _log_in(app, remember=False):
    client = app.test_client()
    form = {"phone": app.phone, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert client.post("/login", data=form).status_code == 302
    return client


def test_a_session_marked_seen_while_others_write(site):
    client = _log_in(site)
    long_ago = utcnow() - sessions.TOUCH_EVERY - timedelta(minutes=1)
    with site.app_context():
        db.session.execute(db.update(UserSession).values(last_seen_at=long_ago))
        db.session.commit()
    site.other_writes.append("start")
    page = client.get("/")
    assert page.status_code == 200, page.status_code
    assert _session_row(site).last_seen_at > long_ago
    assert site.other_writes == ["start", "waited"]


def test_a_remembered_browser_comes_back_while_others_write(site):
    client = _log_in(site, remember=True)
    client.delete_cookie("session", domain="localhost")
    before = _session_row(site).remember_hash
    site.other_writes.append("start")
    page = client.get("/")
    assert page.status_code == 200, page.status_code
    assert _session_row(site).remember_hash != before
    assert site.other_writes == ["start", "waited"]

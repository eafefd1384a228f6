"""Reading requests that write, on SQLite (the one-host default).

A GET begins a deferred (reading) transaction.  If it then writes, and
another request committed after its first read, SQLite cannot extend the
snapshot and answers "database is locked" at once: a 503 for someone who
only opened a page.  Such writes:
- a signed-in browser not seen for ``TOUCH_EVERY`` is marked seen (and a
  browser session's end moves on), every ten minutes of use, on any page;
- a remembered browser coming back gets a new remember-me secret;
- a notification opened from its link is marked read;
- a calendar reading the feed is noted;
- a ballot past its closing time is closed by the first page that shows it
  (``tests/voting/test_lazy_close.py``).
Each now starts the request's transaction for writing before it writes
(``web.about_to_write``).  Here another connection commits just before the
request's first write, after its first read."""
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import event

from residentvoice.auth import sessions
from residentvoice.auth.models import User, UserSession
from residentvoice.extensions import db
from residentvoice.models import utcnow

from .factories import PASSWORD, Factory
from .ops.apps import private_app


@pytest.fixture
def site(tmp_path):
    """An app on its own SQLite file.  ``site.interfere(table)``: another
    connection changes a user's name just before the next request first
    writes to ``table``; it waits no more than a moment for the write lock
    (a request that holds it from its first read is right)."""
    path = tmp_path / "own.sqlite3"
    with private_app(f"sqlite:///{path}", UPLOAD_FOLDER=str(tmp_path)) as app:
        app.database_path = path
        with app.app_context():
            world = Factory(db).world()
            db.session.commit()
            app.resident_id, app.phone = world.resident.id, world.resident.phone
            app.other_id = world.other_resident.id
            app.secretary_id, app.empty_household_id = world.secretary.id, world.household_a2.id
        app.other_writes, app.table = [], None

        def interfere(table):
            app.other_writes[:], app.table = ["start"], table
        app.interfere = interfere

        def another_request_commits(conn, cursor, statement, *args):
            if app.other_writes == ["start"] and statement.startswith(f"UPDATE {app.table} "):
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
    site.interfere("user_session")
    page = client.get("/")
    assert page.status_code == 200, page.status_code
    assert _session_row(site).last_seen_at > long_ago
    assert site.other_writes == ["start", "waited"]


def test_a_remembered_browser_comes_back_while_others_write(site):
    client = _log_in(site, remember=True)
    client.delete_cookie("session", domain="localhost")
    before = _session_row(site).remember_hash
    site.interfere("user_session")
    page = client.get("/")
    assert page.status_code == 200, page.status_code
    assert _session_row(site).remember_hash != before
    assert site.other_writes == ["start", "waited"]


def test_a_notification_opened_while_others_write(site):
    from residentvoice.notifications import services
    from residentvoice.notifications.models import Notification
    with site.app_context():
        services.notify([site.resident_id], "ballot.opened", "Voting has opened", url="/ballots/")
        db.session.commit()
        note_id = db.session.scalar(db.select(Notification.id))
    client = _log_in(site)
    site.interfere("notification")
    opened = client.get(f"/notifications/{note_id}")
    assert opened.status_code == 302, opened.status_code
    assert opened.headers["Location"].endswith("/ballots/")
    with site.app_context():
        assert db.session.get(Notification, note_id).read_at is not None
    assert site.other_writes == ["start", "waited"]


def test_a_calendar_reads_the_feed_while_others_write(site):
    from residentvoice.meetings import calendar
    from residentvoice.meetings.calendar_models import CalendarFeed
    with site.app_context():
        resident = db.session.get(User, site.resident_id)
        token = calendar.new_feed(resident)
        db.session.commit()
    site.interfere("calendar_feed")
    feed = site.test_client().get(f"/calendar/feed/{token}.ics")
    assert feed.status_code == 200, feed.status_code
    assert feed.data.startswith(b"BEGIN:VCALENDAR")
    with site.app_context():
        assert db.session.scalar(db.select(CalendarFeed.last_read_at)) is not None
    assert site.other_writes == ["start", "waited"]


def test_a_login_checks_the_password_without_the_write_lock(site, tmp_path):
    """SQLite: a login used to take the database's one write lock before it
    read the account, and held it while the password hash was checked (about
    0.1 s): every vote waited behind residents signing in.  Now it reads
    first: with another request holding the lock, a wrong password is
    answered at once, and a right one waits only to save its session."""
    import threading
    holder = sqlite3.connect(site.database_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    answers = {}

    def log_in(password):
        answers[password] = site.test_client().post(
            "/login", data={"phone": site.phone, "password": password}).status_code
    wrong = threading.Thread(target=log_in, args=("not-the-password",))
    wrong.start()
    wrong.join(10)
    assert answers == {"not-the-password": 200}     # answered while the lock is held
    right = threading.Thread(target=log_in, args=(PASSWORD,))
    right.start()
    right.join(0.5)
    assert PASSWORD not in answers                  # it waits to write its session
    holder.execute("COMMIT")
    holder.close()
    right.join(10)
    assert answers[PASSWORD] == 302


def test_an_api_token_checks_the_password_without_the_write_lock(site):
    """The API's password exchange, as the login form."""
    import threading
    holder = sqlite3.connect(site.database_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    answers = []
    wrong = threading.Thread(target=lambda: answers.append(site.test_client().post(
        "/api/v1/auth/token", json={"phone": site.phone, "password": "not-it"}).status_code))
    wrong.start()
    wrong.join(10)
    holder.execute("COMMIT")
    holder.close()
    assert answers == [401]                     # answered while the lock was held
    right = site.test_client().post("/api/v1/auth/token",
                                    json={"phone": site.phone, "password": PASSWORD})
    assert right.status_code == 201 and right.get_json()["token"]


def _hashed_while_locked(site, monkeypatch, path, form):
    """Post ``form`` to ``path`` while another connection holds SQLite's write
    lock; returns (whether the new password was hashed while the lock was
    held and the request still waited, the answer's status once released)."""
    import threading

    from werkzeug import security

    from residentvoice.auth import models, services
    hashed = threading.Event()

    def hash_and_note(password, *args, **kwargs):
        answer = security.generate_password_hash(password, *args, **kwargs)
        hashed.set()
        return answer
    for module in (models, services):     # wherever the password is hashed
        monkeypatch.setattr(module, "generate_password_hash", hash_and_note)
    holder = sqlite3.connect(site.database_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    answers = []
    sent = threading.Thread(target=lambda: answers.append(
        site.test_client().post(path, data=form).status_code))
    sent.start()
    during = hashed.wait(10) and sent.is_alive()
    holder.execute("COMMIT")
    holder.close()
    sent.join(10)
    return during, answers


def test_a_registration_hashes_the_password_without_the_write_lock(site, monkeypatch):
    """Registering with a letter used to take the write lock at its first read
    (the code) and hold it while the new password was hashed: residents
    registering as letters go out held up every vote.  The hash now comes
    first; only the writing waits for the lock."""
    from residentvoice.auth import services
    from residentvoice.directory.models import Household
    with site.app_context():
        code = services.issue_invitations(db.session.get(User, site.secretary_id), [
            db.session.get(Household, site.empty_household_id)])[0].code
        db.session.commit()
    during, answers = _hashed_while_locked(site, monkeypatch, "/register", {
        "code": code, "name": "赵大妈", "phone": "13812345678", "relation": "owner",
        "password": "long-enough-1"})
    assert during and answers == [302]


def test_a_password_reset_hashes_the_password_without_the_write_lock(site, monkeypatch):
    from residentvoice.auth import services
    with site.app_context():
        code = services.issue_reset_code(db.session.get(User, site.secretary_id),
                                         db.session.get(User, site.resident_id))
        db.session.commit()
    during, answers = _hashed_while_locked(site, monkeypatch, "/reset", {
        "phone": site.phone, "code": code, "password": "fresh-pass-99"})
    assert during and answers == [302]

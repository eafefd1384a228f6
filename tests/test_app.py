"""The application (issue 2): error pages in HTML and JSON, translated; one
commit per request with rollback on errors; language switch; large text;
the home page; configuration from the environment."""
import subprocess
import sys

import pytest
from flask import abort
from sqlalchemy import text

from residentvoice.auth.models import User
from residentvoice.config import ROOT
from residentvoice.errors import MESSAGES
from residentvoice.extensions import db as _db

from . import databases
from .translated import page, shows, zh

HEADINGS = {400: "We could not do that", 403: "Not allowed", 404: "Page not found",
            405: "We could not do that", 413: "We could not do that",
            429: "We could not do that", 500: "Something went wrong"}
ERROR_IDS = {status: MESSAGES[status].__code__.co_consts for status in MESSAGES}


def message_id(status):
    """The English msgid of the standard message for ``status``."""
    return next(c for c in ERROR_IDS[status] if isinstance(c, str) and len(c) > 15)


@pytest.fixture
def replace_view(app, monkeypatch):
    """Swap a view for one that misbehaves, with unexpected errors answered as in
    production (a 500 page) instead of propagating to the test."""
    monkeypatch.setitem(app.config, "PROPAGATE_UNEXPECTED", False)

    def replace(endpoint, view):
        monkeypatch.setitem(app.view_functions, endpoint, view)
    return replace


def boom():
    _db.session.add(User(phone="13099990000", name="半途", password_hash="x"))
    _db.session.flush()
    raise RuntimeError("deliberate failure")


def forbidden():
    _db.session.add(User(phone="13099990001", name="半途", password_hash="x"))
    _db.session.flush()
    abort(403)


def phone_exists(db, phone):
    return db.session.scalar(db.select(User).where(User.phone == phone)) is not None


# ---- error pages ------------------------------------------------------------------

def assert_html_error(response, status, locale="zh"):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    if locale == "zh":
        assert shows(response, zh(HEADINGS[status]))
        assert shows(response, zh(message_id(status)))
        assert '<html lang="zh-Hans"' in page(response)
    else:
        assert shows(response, HEADINGS[status]) and shows(response, message_id(status))
        assert '<html lang="en"' in page(response)


def assert_json_error(response, status, code):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_404_page_is_translated(client, db, locale):
    if locale == "en":
        client.set_cookie("rv_lang", "en")
    assert_html_error(client.get("/no/such/page"), 404, locale)


def test_404_under_the_api_is_json(client, db):
    response = client.get("/api/v1/no/such/thing")
    assert_json_error(response, 404, "not_found")
    assert response.json["error"]["message"] == zh(message_id(404))


def test_405_answers_a_page_with_the_allowed_methods(client, db):
    response = client.get("/logout")
    assert_html_error(response, 405)
    assert "POST" in response.headers["Allow"]
    api = client.delete("/api/v1/me")
    assert_json_error(api, 405, "method_not_allowed")
    assert "GET" in api.headers["Allow"]


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_403_page_is_translated(client, auth, factory, locale):
    w = factory.world()
    auth.login(w.resident)
    if locale == "en":
        client.set_cookie("rv_lang", "en")
        w.resident.locale = None
    assert_html_error(client.get("/directory/"), 403, locale)


def test_400_page_and_json(client, db, replace_view):
    replace_view("main.healthz", lambda: abort(400))
    assert_html_error(client.get("/healthz"), 400)
    replace_view("api.openapi", lambda: abort(400))
    assert_json_error(client.get("/api/v1/openapi.json"), 400, "bad_request")


@pytest.mark.parametrize("status", [400, 403, 404, 405, 413, 429, 500])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_every_error_page_is_translated(client, db, replace_view, status, locale):
    if locale == "en":
        client.set_cookie("rv_lang", "en")
    replace_view("main.healthz", boom if status == 500 else lambda: abort(status))
    assert_html_error(client.get("/healthz"), status, locale)


@pytest.mark.parametrize("status, code", [(400, "bad_request"), (403, "forbidden"),
                                          (404, "not_found"), (409, "conflict"),
                                          (413, "too_large"), (429, "rate_limited")])
def test_api_errors_are_json_with_a_translated_message(client, db, replace_view, status,
                                                        code):
    replace_view("api.openapi", lambda: abort(status))
    response = client.get("/api/v1/openapi.json")
    assert_json_error(response, status, code)
    assert response.json["error"]["message"] == zh(message_id(status))
    client.set_cookie("rv_lang", "en")
    assert client.get("/api/v1/openapi.json").json["error"]["message"] == message_id(status)


def test_413_when_the_request_is_too_large(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    response = client.post("/login", data={"phone": "1" * 5000, "password": "x"})
    assert_html_error(response, 413)
    api = client.post("/api/v1/auth/token", data="{" + " " * 5000 + "}",
                      content_type="application/json")
    assert_json_error(api, 413, "too_large")


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_500_page_is_translated_and_nothing_is_saved(client, db, replace_view, locale):
    if locale == "en":
        client.set_cookie("rv_lang", "en")
    replace_view("main.healthz", boom)
    assert_html_error(client.get("/healthz"), 500, locale)
    assert "deliberate failure" not in page(client.get("/healthz"))
    assert not phone_exists(db, "13099990000")


def test_500_under_the_api_is_json(client, db, replace_view):
    replace_view("api.openapi", boom)
    response = client.get("/api/v1/openapi.json")
    assert_json_error(response, 500, "server_error")
    assert "deliberate" not in response.json["error"]["message"]


def test_a_refused_request_saves_nothing(client, db, replace_view):
    replace_view("main.healthz", forbidden)
    assert client.get("/healthz").status_code == 403
    assert not phone_exists(db, "13099990001")


def test_a_successful_request_commits_once(client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    client.post("/large-text", data={"on": "1"})
    db.session.expire_all()
    assert w.resident.large_text is True


def test_a_request_that_changes_nothing_commits_nothing(client, auth, factory, db):
    """Reading pages ends the transaction with no COMMIT to pay for; a request
    that writes still commits (issue 15 §3)."""
    from flask import has_request_context
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    w = factory.world()
    auth.login(w.resident)
    client.get("/")         # the sign-in's first page (its session row was just written)
    commits = []

    def listener(_session):
        if has_request_context():   # not the test client's commit of the test's setup
            commits.append(1)

    event.listen(Session, "after_commit", listener)
    try:
        for path in ("/", "/ballots/", "/tickets/", "/spaces/", "/healthz"):
            assert client.get(path).status_code == 200
        assert commits == []
        client.post("/large-text", data={"on": "1"})
        assert commits
    finally:
        event.remove(Session, "after_commit", listener)
    db.session.expire_all()
    assert w.resident.large_text is True


# ---- language ---------------------------------------------------------------------

def test_chinese_is_the_default(client, db):
    response = client.get("/login")
    assert '<html lang="zh-Hans"' in page(response)
    assert shows(response, zh("Log in"))


def test_anonymous_language_choice_is_a_cookie(client, db):
    response = client.post("/language", data={"lang": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("rv_lang="))
    assert cookie.startswith("rv_lang=en") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    english = client.get("/login")
    assert '<html lang="en"' in page(english)
    assert shows(english, "Mobile number") and shows(english, "Log in")
    client.post("/language", data={"lang": "zh_Hans"})
    assert '<html lang="zh-Hans"' in page(client.get("/login"))


def test_a_users_language_is_saved_with_the_account(app, client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    client.post("/language", data={"lang": "en"})
    db.session.expire_all()
    assert w.resident.locale == "en"
    other_phone = app.test_client()
    Auth = type(auth)
    Auth(other_phone).login(w.resident)
    home = other_phone.get("/")
    assert '<html lang="en"' in page(home) and shows(home, "My household")


def test_an_unknown_language_is_refused_with_a_message(client, db):
    response = client.post("/language", data={"lang": "fr"}, follow_redirects=True)
    assert shows(response, zh("This language is not available."))
    assert "rv_lang" not in (client.get_cookie("rv_lang") or "")
    assert client.get_cookie("rv_lang") is None


def test_language_switch_does_not_redirect_to_another_site(client, db):
    response = client.post("/language", data={"lang": "en", "next": "//evil.example/"})
    assert "evil" not in response.headers["Location"]


# ---- elder mode (长辈版; more in tests/test_elder_mode.py) ----------------------------

def test_elder_mode_for_anonymous_visitors_is_a_cookie(client, db):
    assert 'class="elder"' not in page(client.get("/"))
    client.post("/large-text", data={"on": "1"})
    assert client.get_cookie("rv_large").value == "1"
    assert 'class="elder"' in page(client.get("/"))
    client.post("/large-text", data={"on": "0"})
    assert 'class="elder"' not in page(client.get("/"))


def test_elder_mode_is_remembered_per_user(app, client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    client.post("/large-text", data={"on": "1"})
    fresh = app.test_client()
    type(auth)(fresh).login(w.resident)
    assert 'class="elder"' in page(fresh.get("/"))
    other = app.test_client()
    type(auth)(other).login(w.other_resident)
    assert 'class="elder"' not in page(other.get("/"))


# ---- home page --------------------------------------------------------------------

def test_home_for_visitors_offers_login_and_registration(client, db):
    response = client.get("/")
    assert shows(response, zh("Log in"))
    assert shows(response, zh("Register with the code on your letter"))


def test_home_shows_a_residents_household_and_compound(client, auth, factory):
    w = factory.world()
    auth.login(w.resident)
    response = client.get("/")
    assert shows(response, w.compound_a.name) and shows(response, w.household_a.label)
    assert shows(response, "80.50")
    assert not shows(response, w.household_b.code)


def test_home_formats_the_area_for_the_locale(client, auth, factory, db):
    w = factory.world()
    w.household_a.area_m2 = 1234.5
    db.session.flush()
    auth.login(w.resident)
    assert shows(client.get("/"), "1,234.50")


def test_home_for_staff_shows_their_workplace(client, auth, factory):
    w = factory.world()
    auth.login(w.secretary)
    response = client.get("/")
    assert shows(response, zh("My work")) and shows(response, w.community_a.name)


def test_home_without_a_household_offers_to_add_one(client, auth, factory):
    user = factory.user()
    auth.login(user)
    assert shows(client.get("/"), zh("Add a household"))


def test_healthz(client, db):
    assert client.get("/healthz").json["status"] == "ok"


# ---- configuration ----------------------------------------------------------------

def run_python(code, **env):
    import os
    environment = {**os.environ, **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=environment, timeout=60)


def test_database_url_comes_from_the_environment(tmp_path):
    target = tmp_path / "env.sqlite3"
    result = run_python("from wsgi import app; print(app.config['SQLALCHEMY_DATABASE_URI'])",
                        DATABASE_URL=f"sqlite:///{target}")
    assert result.stdout.strip() == f"sqlite:///{target}", result.stderr
    result = run_python("from wsgi import app; print(app.config['SQLALCHEMY_DATABASE_URI'])",
                        DATABASE_URL="postgres://u@h/d")
    assert result.stdout.strip() == "postgresql+psycopg://u@h/d", result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite pragmas")
    with app.app_context(), _db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


# ---- SQLite: write requests begin immediate ---------------------------------------

@pytest.fixture
def sqlite_file_app(tmp_path):
    """An app on a SQLite file of its own (the per-test transaction never commits)."""
    if databases.wanted() != "sqlite":
        pytest.skip("SQLite's transactions (PostgreSQL: row locks)")
    from .ops.apps import private_app
    with private_app(f"sqlite:///{tmp_path / 'begin.sqlite3'}",
                     UPLOAD_FOLDER=str(tmp_path)) as app:
        with app.app_context():
            _db.session.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT)"))
            _db.session.commit()
        yield app


def write_lock_is_held(app):
    """Whether some transaction holds the database's write lock now: another
    connection's BEGIN IMMEDIATE, without waiting, fails with "locked"."""
    import sqlite3
    with app.app_context():
        path = _db.engine.url.database
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        other.close()


def notes(app):
    with app.app_context(), _db.engine.connect() as conn:
        return [n for (n,) in conn.execute(text("SELECT note FROM probe ORDER BY id"))]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_sqlite_a_request_that_may_write_holds_the_write_lock_from_its_first_read(
        sqlite_file_app, method):
    with sqlite_file_app.test_request_context("/", method=method):
        _db.session.execute(text("SELECT count(*) FROM probe"))
        assert write_lock_is_held(sqlite_file_app)
        _db.session.commit()
        assert not write_lock_is_held(sqlite_file_app)


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", None])
def test_sqlite_reading_requests_and_work_outside_requests_begin_deferred(
        sqlite_file_app, method):
    context = sqlite_file_app.test_request_context("/", method=method) if method \
        else sqlite_file_app.app_context()
    with context:
        _db.session.execute(text("SELECT count(*) FROM probe"))
        assert not write_lock_is_held(sqlite_file_app)
        _db.session.rollback()


def test_sqlite_a_second_writing_request_waits_for_the_first_to_commit(sqlite_file_app):
    import threading
    order = []
    first_holds, release_first = threading.Event(), threading.Event()

    def first():
        with sqlite_file_app.test_request_context("/", method="POST"):
            _db.session.execute(text("INSERT INTO probe (note) VALUES ('first')"))
            first_holds.set()
            release_first.wait(10)
            order.append("first commits")
            _db.session.commit()
            _db.session.remove()

    def second():
        first_holds.wait(10)
        with sqlite_file_app.test_request_context("/", method="POST"):
            count = _db.session.execute(text("SELECT count(*) FROM probe")).scalar()
            order.append(f"second read {count}")      # after the first's commit
            _db.session.execute(text("INSERT INTO probe (note) VALUES ('second')"))
            _db.session.commit()
            _db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_holds.wait(10)
    threads[1].join(0.5)            # the second is (still) waiting at its BEGIN IMMEDIATE
    assert order == []
    release_first.set()
    for thread in threads:
        thread.join(30)
    assert order == ["first commits", "second read 1"]
    assert notes(sqlite_file_app) == ["first", "second"]


def test_sqlite_a_savepoint_in_a_writing_request_rolls_back_alone(sqlite_file_app):
    with sqlite_file_app.test_request_context("/", method="POST"):
        nested = _db.session.begin_nested()
        _db.session.execute(text("INSERT INTO probe (note) VALUES ('inside')"))
        nested.rollback()
        _db.session.execute(text("INSERT INTO probe (note) VALUES ('outside')"))
        _db.session.commit()
    assert notes(sqlite_file_app) == ["outside"]

"""/healthz and the 503 answer while the database is unavailable (DESIGN §8:
no 500s; the app recovers by itself when the database comes back)."""
import sqlite3

import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from residentvoice.extensions import db
from residentvoice.ops.health import database_unavailable

from .. import databases
from .apps import build_world, login, private_app, private_pg_database

UNAVAILABLE_ZH = "服务暂时不可用"
UNAVAILABLE_EN = "The service is temporarily unavailable"


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def _wrapped(original):
    return sa_exc.OperationalError("SELECT 1", {}, original)


@pytest.mark.parametrize("error, unavailable", [
    (_wrapped(sqlite3.OperationalError("unable to open database file")), True),
    (_wrapped(sqlite3.OperationalError("database is locked")), True),
    (_wrapped(sqlite3.OperationalError("no such table: ticket")), False),
    (_wrapped(psycopg.OperationalError("connection refused")), True),
    (sa_exc.InterfaceError("SELECT 1", {}, psycopg.InterfaceError("connection closed")), True),
    (sa_exc.TimeoutError("QueuePool limit reached"), True),
    (sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE failed")), False),
    (ValueError("not a database error"), False),
])
def test_which_errors_mean_the_database_is_unavailable(error, unavailable):
    assert database_unavailable(error) is unavailable


def assert_unavailable(client, ids):
    """Every kind of answer is a 503 that says nothing was saved."""
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["status"] == "error" and health.json["database"] == "unavailable"
    for url in ("/", "/account", f"/directory/compounds/{ids['compound_a']}", "/login"):
        page = client.get(url)
        assert page.status_code == 503, url
        assert UNAVAILABLE_ZH in page.get_data(as_text=True), url
        assert page.headers["Retry-After"] == "60"
    posted = client.post("/login", data={"phone": "13800000009", "password": "whatever-1"})
    assert posted.status_code == 503
    client.set_cookie("rv_lang", "en", domain="localhost")
    assert UNAVAILABLE_EN in client.get("/").get_data(as_text=True)
    client.delete_cookie("rv_lang", domain="localhost")
    api = client.get("/api/v1/me", headers={"Authorization": "Bearer some-token"})
    assert api.status_code == 503
    assert api.json["error"]["code"] == "unavailable"
    assert UNAVAILABLE_ZH in api.json["error"]["message"]


def assert_available(client, ids):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
    account = client.get("/account")
    assert account.status_code == 200
    assert "刘书记" in account.get_data(as_text=True)  # the session user is loaded again
    assert client.get(f"/directory/compounds/{ids['compound_a']}").status_code == 200


def test_sqlite_file_gone_answers_503_then_recovers(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    with private_app(f"sqlite:///{folder / 'rv.sqlite3'}") as app:
        ids, phones, password = build_world(app)
        client = app.test_client()
        login(client, phones["secretary"], password)
        assert_available(client, ids)

        folder.rename(tmp_path / "moved-away")
        with app.app_context():
            # Pooled SQLite connections keep the open file; a new worker would not.
            db.engine.dispose()
        assert_unavailable(client, ids)

        (tmp_path / "moved-away").rename(folder)
        assert_available(client, ids)


@pytest.mark.parametrize("error, status, text", [
    (sa_exc.OperationalError("COMMIT", {}, sqlite3.OperationalError("disk I/O error")),
     503, UNAVAILABLE_ZH),
    (sa_exc.DataError("COMMIT", {}, psycopg.errors.NumericValueOutOfRange("out of range")),
     400, "请求中的数字过大"),
])
def test_a_failed_commit_answers_4xx_or_503_and_saves_nothing(tmp_path, monkeypatch, error,
                                                               status, text):
    """The commit happens after the view (finish_unit_of_work); losing the
    database there is a 503, a number it refuses a 400, and nothing is saved."""
    with private_app(f"sqlite:///{tmp_path / 'rv.sqlite3'}") as app:
        ids, phones, password = build_world(app)
        client = app.test_client()
        login(client, phones["resident"], password)

        def refused(self):
            raise error

        monkeypatch.setattr(type(db.session), "commit", refused)
        response = client.post("/language", data={"lang": "en", "next": "/"})
        assert response.status_code == status
        assert text in response.get_data(as_text=True)
        monkeypatch.undo()
        from residentvoice.auth.models import User
        with app.app_context():
            assert db.session.get(User, ids["resident"]).locale != "en"


def _set_connections(admin, name, allowed):
    admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
    if not allowed:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))


@pytest.mark.postgres_only
def test_postgresql_going_away_answers_503_then_recovers():
    with private_pg_database() as (name, url), private_app(url) as app:
        ids, phones, password = build_world(app)
        client = app.test_client()
        login(client, phones["secretary"], password)
        assert_available(client, ids)
        with psycopg.connect(databases.PG_ADMIN_URL, autocommit=True) as admin:
            _set_connections(admin, name, False)  # backends killed, no new ones
            try:
                assert_unavailable(client, ids)
            finally:
                _set_connections(admin, name, True)
        assert_available(client, ids)  # the same app, no restart


@pytest.mark.postgres_only
def test_postgresql_server_not_listening_answers_503():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    url = f"postgresql://postgres@127.0.0.1:{port}/residentvoice"
    with private_app(url, create=False) as app:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = "1"  # a logged-in visitor: loading them needs the database
        assert_unavailable(client, {"compound_a": 1})


@pytest.mark.parametrize("error, out_of_range", [
    (OverflowError("Python int too large to convert to SQLite INTEGER"), True),
    (OverflowError("math range error"), False),
    (sa_exc.DataError("INSERT", {}, psycopg.errors.NumericValueOutOfRange("out of range")),
     True),
    (sa_exc.DataError("INSERT", {}, psycopg.errors.InvalidTextRepresentation("bad")), False),
])
def test_which_errors_mean_a_number_is_too_large(error, out_of_range):
    from residentvoice.ops.health import number_out_of_range
    assert number_out_of_range(error) is out_of_range


def test_ids_too_large_for_the_database_are_bad_input_not_500(tmp_path):
    """An id no column can hold: not a route match (404) in a URL; a 422 JSON
    error in the API and a 400 page when it reaches the database otherwise."""
    from residentvoice import access
    from residentvoice.auth.models import User
    with private_app(f"sqlite:///{tmp_path / 'rv.sqlite3'}") as app:

        @access.public
        def lookup(kind):
            ident = int(__import__("flask").request.args["id"])
            return {"found": db.session.get(User, ident) is not None}

        app.add_url_rule("/api/v1/probe/<kind>", "probe_api", lookup)
        app.add_url_rule("/probe/<kind>", "probe_page", lookup)
        client = app.test_client()
        assert client.get("/uploads/2147483648").status_code == 404
        assert client.get("/api/v1/probe/x?id=5").json == {"found": False}
        api = client.get(f"/api/v1/probe/x?id={10**20}")
        assert api.status_code == 422 and api.json["error"]["code"] == "out_of_range"
        page = client.get(f"/probe/x?id={10**20}")
        assert page.status_code == 400 and "请求中的数字过大" in page.get_data(as_text=True)

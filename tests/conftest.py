"""Fixtures (STYLE §12): a session-scoped app, a per-test transaction rolled
back at the end, factories, and client helpers."""

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

from residentvoice import create_app
from residentvoice.extensions import db as _db
from residentvoice.extensions import limiter

from . import databases, markers
from .factories import Factory



def pytest_configure(config):
    config.rv_pg_name = None
    if databases.wanted() == "postgresql":
        ok, reason = databases.pg_reachable()
        if not ok:
            if databases.on_ci():
                pytest.exit(f"CI=true but PostgreSQL is unreachable: {reason}", returncode=3)
            config.rv_skip_reason = f"PostgreSQL not reachable ({reason}); skipping the PostgreSQL pass"
        else:
            config.rv_skip_reason = None
    else:
        config.rv_skip_reason = None


@pytest.hookimpl(tryfirst=True)  # before -m deselects by the marks added here
def pytest_collection_modifyitems(config, items):
    markers.mark(items)
    reason = getattr(config, "rv_skip_reason", None)
    on_pg = databases.wanted() == "postgresql"
    for item in items:
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
        elif on_pg and "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason="browser journeys run in the SQLite pass"))
        elif not on_pg and "postgres_only" in item.keywords:
            item.add_marker(pytest.mark.skip(
                reason="needs PostgreSQL: runs in the PostgreSQL pass (RV_TEST_DB=postgresql)"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, request):
    if databases.wanted() == "postgresql":
        name, url = databases.create_pg_database()
        request.addfinalizer(lambda: databases.drop_pg_database(name))
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class FreshClient(FlaskClient):
    """Tests hold an app context for their transaction, so requests share its
    ``g``; forget the per-request user and locale caches before each request.
    What the test set up is committed first (to the test's savepoint), as it
    would be in real life: a request that fails and rolls back must not take
    the test's world with it."""

    def open(self, *args, **kwargs):
        if has_app_context():
            for key in ("_login_user", "api_user", "_flask_babel", "csrf_token"):
                g.pop(key, None)
            _db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_LIMIT_IP": "10000 per minute",
        "LOGIN_LIMIT_PHONE": "10000 per minute",
        "REGISTER_LIMIT_IP": "10000 per minute",
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "SERVER_NAME": "localhost",
    })
    app.test_client_class = FreshClient
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.engine.dispose()


class ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's Session picks the engine by bind key and ignores a
    session-level ``bind``, so without this the requests' commits would reach
    the database and leak from one test into the next."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


@pytest.fixture
def db(app):
    """Each test runs inside a transaction that is rolled back afterwards; the
    app's commits become savepoints."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint",
             "class_": ConnectionBoundSession})
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()
    limiter.reset()


@pytest.fixture
def factory(db):
    return Factory(db)


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password="password-123"):
        response = self.client.post("/login", data={"phone": user.phone, "password": password})
        assert response.status_code == 302, response.data[:500]
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def api(client, db):
    from .apiclient import ApiClient
    return ApiClient(client)


@pytest.fixture
def limits(app, monkeypatch):
    """Set rate limits for one test (``limits(LOGIN_LIMIT_PHONE="3 per minute")``),
    with the limiter's counters cleared before and after."""
    limiter.reset()

    def set_limits(**values):
        for key, value in values.items():
            monkeypatch.setitem(app.config, key, value)
    yield set_limits
    limiter.reset()

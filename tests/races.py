"""Concurrent requests on PostgreSQL, for the caps that must hold under races
(DESIGN §8: every cap is checked under the lock that guards its write).

The per-test transaction cannot show a race, so ``racing_app`` builds its own
database and app (each thread gets its own app context and database session,
as each request does in production) and drops the database afterwards.

``at_once(app, jobs)`` runs every job in its own thread: a job loads what it
needs (as a view loads the objects of the URL) and returns the action; all
actions start together behind a barrier.  An action that returns is
committed ("ok"); one that raises a domain error is rolled back and reported
by the error's class name; anything else is reported as ``repr`` (a 500)."""
import contextlib
import tempfile
import threading

from residentvoice import create_app
from residentvoice.errors_domain import DomainError
from residentvoice.extensions import db as _db

from . import databases


@contextlib.contextmanager
def racing_app():
    """An app on a database of its own (dropped afterwards); test modules
    wrap it in their ``race_app`` fixture."""
    name, url = databases.create_pg_database()
    uploads = tempfile.TemporaryDirectory()
    app = create_app({"TESTING": True, "SECRET_KEY": "race", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "SERVER_NAME": "localhost",
                      "LOGIN_LIMIT_IP": "10000 per minute",
                      "LOGIN_LIMIT_PHONE": "10000 per minute",
                      "REGISTER_LIMIT_IP": "10000 per minute",
                      "UPLOAD_FOLDER": uploads.name,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 30, "max_overflow": 0}})
    with app.app_context():
        _db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        databases.drop_pg_database(name)
        uploads.cleanup()


def at_once(app, jobs, timeout=60):
    """Run ``jobs`` concurrently (see the module docstring); their outcomes,
    in the order of ``jobs``."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        with app.app_context():
            try:
                action = job()
                barrier.wait(timeout)
                action()
                _db.session.commit()
                outcomes[index] = "ok"
            except DomainError as error:
                _db.session.rollback()
                outcomes[index] = type(error).__name__
            except Exception as error:  # noqa: BLE001 - a 500, reported to the test
                _db.session.rollback()
                outcomes[index] = repr(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes


def requests_at_once(app, requests, timeout=60):
    """Each ``(method, url, kwargs)`` sent by its own test client at once;
    the status codes in order (an exception the app let through: its repr)."""
    barrier = threading.Barrier(len(requests))
    statuses = [None] * len(requests)

    def send(index, request):
        method, url, kwargs = request
        client = app.test_client()
        barrier.wait(timeout)
        try:
            statuses[index] = client.open(url, method=method, **kwargs).status_code
        except Exception as error:  # noqa: BLE001 - a 500, reported to the test
            statuses[index] = repr(error)

    threads = [threading.Thread(target=send, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return statuses


def count(model, **where):
    """Rows of ``model`` matching ``where`` (committed data, a fresh session)."""
    query = _db.select(_db.func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return _db.session.scalar(query)

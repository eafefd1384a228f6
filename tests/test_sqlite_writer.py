"""SQLite's one writer (``residentvoice/sqlite_writer.py``): a request reads in a
deferred transaction and takes the write lock at its first write, so what
another writer committed meanwhile never makes it fail; writers wait for each
other on the lock file and a vote is still counted once.

These tests need a database file of their own (the per-test transaction of the
other tests never commits), so they build one per test."""
import threading

import pytest
from sqlalchemy import text

from residentvoice.extensions import db as _db

from . import databases
from .ops.apps import private_app
from .voting.helpers import fifty_concurrent_votes_for_one_household

pytestmark = pytest.mark.skipif(databases.wanted() != "sqlite",
                                reason="SQLite's write lock; PostgreSQL has row locks")


@pytest.fixture
def file_app(tmp_path):
    with private_app(f"sqlite:///{tmp_path / 'writer.sqlite3'}", UPLOAD_FOLDER=str(tmp_path),
                     SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 60, "max_overflow": 0}) as app:
        with app.app_context():
            _db.session.execute(text("CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT)"))
            _db.session.commit()
        yield app


def _note(app, note):
    """Another worker's write, committed on a connection of its own."""
    with app.app_context(), _db.engine.begin() as conn:
        conn.execute(text("INSERT INTO probe (note) VALUES (:n)"), {"n": note})


def _notes(app):
    with app.app_context(), _db.engine.connect() as conn:
        return [n for (n,) in conn.execute(text("SELECT note FROM probe ORDER BY id"))]


def test_a_write_after_another_writer_committed_is_not_refused(file_app):
    """The request's read snapshot predates the other commit; upgrading it in
    place would fail at once with "database is locked"."""
    with file_app.test_request_context("/", method="POST"):
        assert _db.session.execute(text("SELECT count(*) FROM probe")).scalar() == 0
        _note(file_app, "other worker")
        _db.session.execute(text("INSERT INTO probe (note) VALUES ('request')"))
        # Under the write lock the request sees what was committed before it.
        assert _db.session.execute(text("SELECT count(*) FROM probe")).scalar() == 2
        _db.session.commit()
    assert _notes(file_app) == ["other worker", "request"]


def test_a_savepoint_open_when_the_lock_is_taken_still_rolls_back_alone(file_app):
    with file_app.test_request_context("/", method="POST"):
        _db.session.execute(text("SELECT count(*) FROM probe"))
        nested = _db.session.begin_nested()
        _db.session.execute(text("INSERT INTO probe (note) VALUES ('inside')"))
        nested.rollback()
        _db.session.execute(text("INSERT INTO probe (note) VALUES ('outside')"))
        _db.session.commit()
    assert _notes(file_app) == ["outside"]


def test_a_request_that_only_reads_never_takes_the_lock(file_app):
    """A POST that writes nothing leaves other writers free the whole time."""
    with file_app.test_request_context("/", method="POST"):
        _db.session.execute(text("SELECT count(*) FROM probe"))
        _note(file_app, "meanwhile")      # would wait for the lock if it were held
        _db.session.commit()
    assert _notes(file_app) == ["meanwhile"]


def test_a_second_writer_waits_for_the_first_to_commit(file_app):
    order = []
    first_holds = threading.Event()
    release_first = threading.Event()

    def first():
        with file_app.test_request_context("/", method="POST"):
            _db.session.execute(text("INSERT INTO probe (note) VALUES ('first')"))
            first_holds.set()
            release_first.wait(10)
            order.append("first commits")
            _db.session.commit()
            _db.session.remove()

    def second():
        first_holds.wait(10)
        with file_app.test_request_context("/", method="POST"):
            _db.session.execute(text("INSERT INTO probe (note) VALUES ('second')"))
            order.append("second wrote")
            _db.session.commit()
            _db.session.remove()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_holds.wait(10)
    threads[1].join(0.5)            # the second is (still) waiting for the lock
    assert order == []
    release_first.set()
    for thread in threads:
        thread.join(30)
    assert order == ["first commits", "second wrote"]
    assert _notes(file_app) == ["first", "second"]


def test_fifty_concurrent_votes_for_one_household_count_once(file_app):
    fifty_concurrent_votes_for_one_household(file_app)


def test_a_writer_gives_up_after_the_busy_timeout_as_sqlite_would(file_app):
    """A writer that never lets go of the lock file (here another process's
    hold, taken directly) makes the next one fail with "database is locked"
    once the timeout has passed, never wait forever; then it is free again."""
    import fcntl
    import os
    import sqlite3

    from residentvoice import sqlite_writer
    with file_app.app_context():
        path = _db.engine.url.database
    waiter = sqlite3.connect(path, factory=sqlite_writer.connection_factory(path, 0.05),
                             isolation_level=None)
    held = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            waiter.begin_immediate(waiter.cursor())
        fcntl.flock(held, fcntl.LOCK_UN)
        waiter.begin_immediate(waiter.cursor())
        waiter.rollback()
    finally:
        os.close(held)
        waiter.close()

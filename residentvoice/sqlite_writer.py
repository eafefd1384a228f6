"""SQLite: one writer at a time, for as short a time as the data allows.

SQLite has one write lock for the whole database.  A request that changes data
used to take it at its first statement (``BEGIN IMMEDIATE``) and hold it until
it committed, so two workers could never do a POST's reading, checking and
rendering side by side; and a worker waiting for the lock slept in SQLite's
busy handler (1, 2, 5, 10 … ms) rather than waking when the lock came free.

Here a request that may write begins a plain (deferred) transaction and reads
in it; at its first write — or where a service asks for the lock before reading
what it must see current (``take_write_lock``, the ballot's vote chain) — the
read transaction, which has written nothing, is ended and ``BEGIN IMMEDIATE``
taken in its place, and any savepoints open at that moment are opened again.
That is what PostgreSQL does under READ COMMITTED, the production database:
what was read before the lock may be older than the lock, and everything read
under it is current.  (Ending the read transaction matters: upgrading a WAL
read snapshot to a write fails at once with "database is locked" when another
writer has committed since it began.)

Waiting for the lock: writers of this app first take an exclusive ``flock`` on
``<database>-writer.lock`` and hold it until their commit or rollback.  A
waiting worker looks for it every half millisecond (SQLite's own busy handler
sleeps 1, 2, 5, 10 … ms between looks) and gives up after the busy timeout
with SQLite's "database is locked", as before.  Other programs (the sqlite3
shell, a backup) still meet SQLite's own lock and its busy timeout.
"""
import os
import sqlite3
import time

try:
    import fcntl
except ImportError:     # not POSIX (Windows): SQLite's busy timeout alone
    fcntl = None

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Statements that do not write (what a statement begins with).
READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "SHOW", "SET",
         "COMMIT")

UPGRADE = "rv_upgrade_to_write"     # conn.info: a deferred transaction that may write
SAVEPOINTS = "rv_savepoints"


class WriterConnection(sqlite3.Connection):
    """A sqlite3 connection that holds the database's writer lock file from
    ``BEGIN IMMEDIATE`` to the end of that transaction."""

    lock_path = None
    timeout = 15.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._lock_fd = None
        self._locked = False

    def begin_immediate(self, cursor):
        path = type(self).lock_path
        if path is not None and fcntl is not None and not self._locked:
            if self._lock_fd is None:
                self._lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            self._take_lock_file()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._release()
            raise

    def _take_lock_file(self):
        """Wait for the lock file as SQLite waits for its lock — up to the busy
        timeout, then "database is locked" — but looking every half
        millisecond rather than after SQLite's 1, 2, 5, 10 … ms sleeps."""
        deadline = time.monotonic() + type(self).timeout
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._locked = True
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(0.0005)

    def _release(self):
        if self._locked:
            self._locked = False
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def commit(self):
        try:
            super().commit()
        finally:
            if self.in_transaction is False:
                self._release()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._release()

    def close(self):
        try:
            self._release()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None
        finally:
            super().close()


def connection_factory(database_path, timeout):
    """The sqlite3 ``factory`` for a database file: a WriterConnection subclass
    bound to that file's lock, waiting for it as long as SQLite would."""
    return type("WriterConnection", (WriterConnection,),
                {"lock_path": f"{database_path}-writer.lock", "timeout": float(timeout)})


def begin(conn, may_write):
    """The ``begin`` of a SQLite transaction: deferred; a request that may write
    is marked to take the write lock at its first write."""
    conn.connection.dbapi_connection.execute("BEGIN")
    conn.info[UPGRADE] = may_write
    conn.info[SAVEPOINTS] = []


def take_write_lock(conn):
    """Hold SQLite's write lock from now to the end of the transaction
    (PostgreSQL: a no-op, its row locks do this job).  Reads after this see
    every commit made before it."""
    if conn.dialect.name != "sqlite" or not conn.info.get(UPGRADE):
        return
    conn.info[UPGRADE] = False
    raw = conn.connection.dbapi_connection
    cursor = raw.cursor()
    try:
        cursor.execute("COMMIT")        # the read transaction: nothing written yet
        if isinstance(raw, WriterConnection):
            raw.begin_immediate(cursor)
        else:
            cursor.execute("BEGIN IMMEDIATE")
        for name in conn.info[SAVEPOINTS]:
            cursor.execute(f"SAVEPOINT {name}")
    finally:
        cursor.close()


@event.listens_for(Engine, "before_cursor_execute")
def _upgrade_at_first_write(conn, cursor, statement, parameters, context, executemany):
    if not conn.info.get(UPGRADE):
        return
    head = statement.lstrip()[:9].upper()
    if not head.startswith(READS):
        take_write_lock(conn)
    elif head.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
        _track_savepoint(conn.info[SAVEPOINTS], statement.split())


def _track_savepoint(names, words):
    """The savepoints open in a transaction not yet holding the lock (SQLite's
    ``ROLLBACK TO`` keeps its savepoint open, SQLAlchemy never uses it again)."""
    if words[0].upper() == "SAVEPOINT":
        names.append(words[1])
    elif words[-1] in names:
        del names[names.index(words[-1]):]


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _ended(conn):
    conn.info.pop(UPGRADE, None)
    conn.info.pop(SAVEPOINTS, None)

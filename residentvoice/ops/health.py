"""Is the database there? Used by /healthz and by the error handlers that turn
a lost database into a 503 page instead of a 500 (DESIGN §8: no 500s)."""
import sqlite3

from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from ..extensions import db

# SQLite reports a missing or unreachable file with these messages; other
# OperationalErrors ("no such table", syntax errors) are programming errors.
SQLITE_UNAVAILABLE = ("unable to open", "database is locked", "disk i/o error",
                      "readonly database", "no such file", "database or disk is full")


def _psycopg_unavailable(error):
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    return isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError))


def database_unavailable(error):
    """True when ``error`` (or what caused it) means the database cannot be
    reached right now: a refused or dropped connection, a terminated backend,
    an exhausted pool, an SQLite file that cannot be opened. Retrying later
    can succeed, so the answer is 503, not 500."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, sa_exc.TimeoutError):  # connection pool exhausted
            return True
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            original = error.orig
            if isinstance(original, sqlite3.Error):
                return _sqlite_unavailable(original)
            return True
        if isinstance(error, sqlite3.OperationalError):
            return _sqlite_unavailable(error)
        if _psycopg_unavailable(error):
            return True
        error = getattr(error, "original_exception", None) or error.__cause__
    return False


def number_out_of_range(error):
    """True when the database (or its driver) refused a number too large for
    the column: SQLite's driver raises OverflowError while binding it,
    PostgreSQL answers "integer out of range" (NumericValueOutOfRange)."""
    if isinstance(error, OverflowError):
        return "sqlite integer" in str(error).lower()
    if isinstance(error, sa_exc.DataError):
        try:
            from psycopg.errors import NumericValueOutOfRange
        except ImportError:  # pragma: no cover - psycopg is a dependency
            return False
        return isinstance(error.orig, NumericValueOutOfRange)
    return False


def _sqlite_unavailable(error):
    message = str(error).lower()
    return any(part in message for part in SQLITE_UNAVAILABLE)


def check_database():
    """Run ``SELECT 1`` on the app's database: ``(True, None)`` when it
    answers, ``(False, reason)`` otherwise. The reason names the error class
    only, so the public health check never reveals connection details."""
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except sa_exc.SQLAlchemyError as error:
        db.session.rollback()
        original = getattr(error, "orig", None) or error
        return False, type(original).__name__
    return True, None

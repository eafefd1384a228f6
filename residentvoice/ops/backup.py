"""Backups (DESIGN §8, issue 8: operations).

SQLite: the sqlite3 online backup API copies a consistent snapshot while the
app keeps serving, and copies a backup back over the configured database.
PostgreSQL: ``pg_dump`` / ``pg_restore`` are the tools; when they are on the
PATH the commands run them (custom format), otherwise they say what to run.
Functions here take plain values and raise ``BackupError`` with a message for
the operator; ``ops.commands`` turns them into ``flask backup`` / ``restore``."""
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

PG_DUMP_HINT = ("pg_dump --format=custom --file=PATH \"$DATABASE_URL\"  (restore: "
                "pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" PATH)")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def backup_target(path, suffix=".sqlite3", now=None):
    """A directory gets a timestamped file inside it (for cron); a file path
    is used as given and never overwritten."""
    path = Path(path)
    if path.is_dir():
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        path = path / f"residentvoice-{stamp}{suffix}"
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist.")
    return path


def sqlite_path(url):
    """The database file of an SQLite SQLAlchemy URL (not in-memory)."""
    if url.get_backend_name() != "sqlite":
        return None
    if url.database in (None, "", ":memory:"):
        raise BackupError("the configured SQLite database is in memory; nothing to back up.")
    return Path(url.database)


def backup_sqlite(source, target):
    """Copy the live database ``source`` to the new file ``target`` with the
    online backup API (a consistent snapshot even while the app writes), and
    check the copy. Returns ``{table: rows}`` of the copy."""
    if not Path(source).is_file():
        raise BackupError(f"the database {source} does not exist.")
    partial = Path(f"{target}.partial")
    try:
        _copy(source, partial)
        counts = check_sqlite(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return counts


def restore_sqlite(backup, target):
    """Replace the database ``target`` (created if missing) with the contents
    of the SQLite file ``backup``, which is checked first; an invalid backup
    leaves the target untouched. Returns ``{table: rows}`` of the result."""
    check_sqlite(backup, require_app_tables=True)
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    _copy(backup, target)
    return check_sqlite(target)


def _copy(source, target):
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def check_sqlite(path, require_app_tables=False):
    """``{table: rows}`` of a sound SQLite file, else ``BackupError``."""
    if not Path(path).is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                      for t in tables}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error}).") from error
    if result != "ok":
        raise BackupError(f"{path} fails SQLite's integrity check: {result}")
    if require_app_tables and "user" not in counts:
        raise BackupError(f"{path} is not a ResidentVoice database (it has no user table).")
    return counts


# ---- PostgreSQL ------------------------------------------------------------

def _libpq_env(url):
    """Connection settings for the libpq tools, passed in the environment so
    the password never shows in the process list."""
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return env


def _tool(name):
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed on this machine. For PostgreSQL use "
                          f"the PostgreSQL client tools: {PG_DUMP_HINT}")
    return found


def backup_postgresql(url, target):
    """``pg_dump --format=custom`` of the configured database into ``target``."""
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"], url)


def restore_postgresql(url, backup):
    """``pg_restore --clean --if-exists`` in one transaction: all or nothing."""
    if not Path(backup).is_file():
        raise BackupError(f"{backup} does not exist.")
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={url.database}", str(backup)], url)


def _run(command, url):
    done = subprocess.run(command, env=_libpq_env(url), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")

"""Which database the suite runs on: SQLite (default) or PostgreSQL.

``RV_TEST_DB=postgresql`` runs the suite on a fresh database created on the
server at ``RV_TEST_PG`` (default: 127.0.0.1:5432, user postgres, database
test).  Under ``CI=true`` an unreachable server fails the run; elsewhere the
PostgreSQL pass is skipped with the reason."""
import os
import uuid

PG_ADMIN_URL = os.environ.get("RV_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def wanted():
    return os.environ.get("RV_TEST_DB", "sqlite")


def on_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pg_reachable():
    import psycopg
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True, ""
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        return False, f"{type(exc).__name__}: {exc}".strip()


def create_pg_database():
    """A fresh database for this run, so parallel runs do not collide."""
    import psycopg
    name = f"rv_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def drop_pg_database(name):
    import psycopg
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

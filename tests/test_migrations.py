"""Migrations (issue 2): ``flask db upgrade`` from an empty database gives the
same schema as the models — on SQLite and, in the PostgreSQL pass, on
PostgreSQL — and ``flask db downgrade base`` takes it back to empty.

The migrations run through the real CLI (``flask --app wsgi db …``) in a
subprocess with ``DATABASE_URL`` pointing at a fresh database; the schema is
then compared with the models' metadata by Alembic's ``compare_metadata``.
A failure lists each difference: run ``flask db migrate`` and read the
revision."""
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from residentvoice.config import ROOT
from residentvoice.extensions import db as _db

from . import databases


# Tables the database holds that no model describes: Alembic's own, and the
# SQLite FTS5 search index with its shadow tables (search.models.SQLITE_FTS).
NOT_MODELS = {"alembic_version", "search_fts", "search_fts_data", "search_fts_idx",
              "search_fts_docsize", "search_fts_config", "search_fts_content"}
# Indexes one dialect has and the other not (``Index.ddl_if``), which Alembic
# compares as if every database had them; tests/search checks they are used.
ONE_DIALECT_INDEXES = {"ix_search_document_text_trgm"}


def flask_db(url, *args):
    env = {**os.environ, "DATABASE_URL": url, "RESIDENTVOICE_ENV": "development"}
    env.pop("FLASK_APP", None)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"flask db {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result


def sqlalchemy_url(url):
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def schema_differences(url):
    engine = sa.create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True,
                "include_name": lambda name, type_, parent: not (
                    type_ == "table" and name in NOT_MODELS),
                "include_object": lambda obj, name, type_, reflected, compare_to: not (
                    type_ == "index" and name in ONE_DIALECT_INDEXES),
            })
            return compare_metadata(context, _db.metadata)
    finally:
        engine.dispose()


def table_names(url):
    engine = sa.create_engine(sqlalchemy_url(url))
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def check_upgrade_and_downgrade(url):
    flask_db(url, "upgrade")
    differences = schema_differences(url)
    assert differences == [], "models and migrations disagree (run flask db migrate):\n" + \
        "\n".join(repr(d) for d in differences)
    model_tables = set(_db.metadata.tables)
    assert model_tables <= table_names(url)
    flask_db(url, "downgrade", "base")
    assert table_names(url) <= {"alembic_version"}
    flask_db(url, "upgrade")
    assert model_tables <= table_names(url), "upgrade works again after a downgrade"


def test_upgrade_from_empty_matches_the_models_on_sqlite(app, tmp_path):
    check_upgrade_and_downgrade(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")


@pytest.mark.postgres_only
def test_upgrade_from_empty_matches_the_models_on_postgresql(app):
    name, url = databases.create_pg_database()
    try:
        check_upgrade_and_downgrade(url)
    finally:
        databases.drop_pg_database(name)


def flask_cli(url, *args):
    env = {**os.environ, "DATABASE_URL": url, "RESIDENTVOICE_ENV": "development"}
    env.pop("FLASK_APP", None)
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stderr[-3000:]}"


def check_migrations_carry_data(url):
    """A database in use holds rows that refer to one another: every
    migration must go down and up again over the demo data.  (Batch mode on
    SQLite rebuilds a table by copy and drop; ``owner``, which households
    refer to, could not be dropped while SQLite enforced foreign keys.)"""
    flask_db(url, "upgrade")
    flask_cli(url, "demo")
    before = counts(url)
    assert before["household"] > 0 and before["owner_link"] > 0
    # Back to before the owner links (owner rebuilt without user_id), and up
    # again: the rows are all still there (an agent's or representative's link
    # has no place in the older schema: only owners' own links come back).
    flask_db(url, "downgrade", "b4d8f2a61c37")
    flask_db(url, "upgrade")
    assert counts(url) == before
    assert schema_differences(url) == []
    flask_db(url, "downgrade", "base")
    assert table_names(url) <= {"alembic_version"}


def counts(url):
    engine = sa.create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as connection:
            found = {table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
                     for table in ("household", "owner", "ballot_vote", "ticket")}
            found["owner_link"] = connection.execute(sa.text(
                "SELECT count(*) FROM owner_link WHERE capacity = 'owner'")).scalar()
            return found
    finally:
        engine.dispose()


def test_migrations_go_down_and_up_over_demo_data_on_sqlite(app, tmp_path):
    check_migrations_carry_data(f"sqlite:///{tmp_path / 'populated.sqlite3'}")


@pytest.mark.postgres_only
def test_migrations_go_down_and_up_over_demo_data_on_postgresql(app):
    name, url = databases.create_pg_database()
    try:
        check_migrations_carry_data(url)
    finally:
        databases.drop_pg_database(name)


def test_there_is_one_head(app):
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"

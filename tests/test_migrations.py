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
                    type_ == "table" and name == "alembic_version"),
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


def test_there_is_one_head(app):
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"

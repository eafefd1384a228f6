"""``flask backup`` / ``flask restore``: a backup restored into an empty
database holds every row of every table (ballots, votes and tickets
included), checked by row counts and a checksum of all rows per table."""
import pytest

from .. import databases
from .apps import login, private_app, private_pg_database
from .fingerprints import fingerprints, tables_named

DEMO_SECRETARY = "13900000001"
DEMO_PASSWORD = "demo1234"
KEY_TABLES = ("ballot", "vote", "ticket")


def _invoke(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory):
    """An SQLite database with the demo data, shared by this module's tests."""
    path = tmp_path_factory.mktemp("source") / "rv.sqlite3"
    with private_app(f"sqlite:///{path}") as app:
        result = _invoke(app, "demo")
        assert result.exit_code == 0, result.output
        yield app, fingerprints(app)


def assert_same_rows(restored, expected):
    assert set(restored) == set(expected)
    differing = sorted(name for name in expected if restored[name] != expected[name])
    assert differing == [], f"tables that differ after restore: {differing}"
    assert sum(rows for rows, _sum in expected.values()) > 500  # the demo data, not nothing
    for name in tables_named(expected, *KEY_TABLES):
        assert restored[name] == expected[name], name
    # The demo has ballots with their votes (phone and paper) and tickets with
    # their timelines: these are the rows a lost backup would hurt most.
    for name in ("ballot", "ballot_cast", "ballot_vote", "ticket", "ticket_event"):
        if name in expected:
            assert expected[name][0] > 0 and restored[name] == expected[name], name


def test_backup_restored_into_an_empty_database_has_every_row(demo_sqlite, tmp_path):
    source, expected = demo_sqlite
    backup = tmp_path / "backup.sqlite3"
    result = _invoke(source, "backup", str(backup))
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output and backup.is_file()

    target = tmp_path / "new" / "empty.sqlite3"
    with private_app(f"sqlite:///{target}", create=False) as restored:
        result = _invoke(restored, "restore", str(backup), "--yes")
        assert result.exit_code == 0, result.output
        assert_same_rows(fingerprints(restored), expected)
        client = restored.test_client()  # and the restored database serves
        login(client, DEMO_SECRETARY, DEMO_PASSWORD)
        assert client.get("/").status_code == 200


def test_restore_replaces_a_database_and_asks_first(demo_sqlite, tmp_path):
    source, expected = demo_sqlite
    backup = tmp_path / "backup.sqlite3"
    assert _invoke(source, "backup", str(backup)).exit_code == 0
    with private_app(f"sqlite:///{tmp_path / 'other.sqlite3'}") as other:
        before = fingerprints(other)  # an empty schema: the database to be replaced
        declined = _invoke(other, "restore", str(backup), input="n\n")
        assert declined.exit_code != 0 and "Replace everything" in declined.output
        assert fingerprints(other) == before
        accepted = _invoke(other, "restore", str(backup), input="y\n")
        assert accepted.exit_code == 0, accepted.output
        assert_same_rows(fingerprints(other), expected)


def test_backup_into_a_folder_writes_a_dated_file_and_never_overwrites(demo_sqlite, tmp_path):
    source, _expected = demo_sqlite
    result = _invoke(source, "backup", str(tmp_path))
    assert result.exit_code == 0, result.output
    [made] = list(tmp_path.glob("residentvoice-*.sqlite3"))
    size = made.stat().st_size
    again = _invoke(source, "backup", str(made))
    assert again.exit_code != 0 and "already exists" in again.output
    assert made.stat().st_size == size


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with private_app(f"sqlite:///{tmp_path / 'live.sqlite3'}") as live:
        before = fingerprints(live)
        result = _invoke(live, "restore", str(junk), "--yes")
        assert result.exit_code != 0 and "not a readable SQLite database" in result.output
        assert fingerprints(live) == before


def test_in_memory_database_cannot_be_backed_up(tmp_path):
    with private_app("sqlite://") as app:
        result = _invoke(app, "backup", str(tmp_path / "x.sqlite3"))
        assert result.exit_code != 0 and "in memory" in result.output


@pytest.mark.postgres_only
def test_postgresql_backup_and_restore_with_pg_dump(tmp_path):
    import shutil
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    dump = tmp_path / "rv.dump"
    with private_pg_database() as (_name, url), private_app(url) as source:
        assert _invoke(source, "demo").exit_code == 0
        expected = fingerprints(source)
        result = _invoke(source, "backup", str(dump))
        assert result.exit_code == 0, result.output
        assert _invoke(source, "backup", str(dump)).exit_code != 0  # never overwritten
        folder = tmp_path / "nightly"
        folder.mkdir()
        assert _invoke(source, "backup", str(folder)).exit_code == 0
        assert len(list(folder.glob("residentvoice-*.dump"))) == 1
    with private_pg_database() as (_name, url), private_app(url, create=False) as restored:
        result = _invoke(restored, "restore", str(dump), "--yes")
        assert result.exit_code == 0, result.output
        assert_same_rows(fingerprints(restored), expected)


def test_postgresql_without_pg_dump_says_what_to_run(tmp_path, monkeypatch):
    from sqlalchemy.engine import make_url

    from residentvoice.ops import backup
    monkeypatch.setattr(backup.shutil, "which", lambda name: None)
    with pytest.raises(backup.BackupError, match="pg_dump --format=custom"):
        backup.backup_postgresql(make_url(databases.PG_ADMIN_URL), tmp_path / "x.dump")

"""Nothing reveals a running count, and a closed secret ballot keeps no link
from a voter to a choice (DESIGN §4, §8; issue 14.8)."""
import csv
import io

import pytest
from openpyxl import load_workbook

from residentvoice.audit.models import AuditEntry
from residentvoice.extensions import db as _db
from residentvoice.voting import services, verification
from residentvoice.directory.letters import format_code
from residentvoice.voting.casting import cast_phone_vote
from residentvoice.voting.counting import tally
from residentvoice.voting.models import Ballot, Cast, PaperBallot, Vote
from residentvoice.voting.paper_entry import enter_paper_vote

from .. import databases
from ..factories import Factory
from ..ops.apps import private_app
from .helpers import make_ballot, option, paper_serial

LABELS = {"同意", "反对", "弃权", "Agree", "Against", "Abstain"}


@pytest.fixture
def world(factory):
    return factory.world()


def text(response):
    return response.get_data(as_text=True)


def voted(world, **extra):
    ballot = make_ballot(world.secretary, world.compound_a, **extra)
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
    enter_paper_vote(world.secretary, ballot,
                     serial=paper_serial(world.secretary, ballot, world.household_a2),
                     option_id=option(ballot, "反对").id, witness="监票员")
    return ballot


def csv_rows(response):
    return list(csv.reader(io.StringIO(text(response).lstrip("\ufeff"))))


@pytest.mark.parametrize("who", ["secretary", "street_admin"])
@pytest.mark.parametrize("secret", [False, True])
def test_while_open_the_voter_list_shows_who_voted_never_what_or_how_many(
        client, auth, world, db, who, secret):
    ballot = voted(world, secret=secret)
    auth.login(getattr(world, who))
    rows = csv_rows(client.get(f"/ballots/{ballot.id}/export/voters.csv"))
    assert rows[0] == ["住户", "户号", "方式", "时间（北京时间）"]
    assert sorted((r[1], r[2]) for r in rows[1:]) == sorted([
        (world.household_a.code, "手机"), (world.household_a2.code, "纸质票")])
    assert not LABELS & {cell for row in rows for cell in row}
    book = load_workbook(io.BytesIO(client.get(
        f"/ballots/{ballot.id}/export/voters.xlsx").data)).active
    cells = {str(c.value) for row in book.iter_rows() for c in row}
    assert not LABELS & cells and world.household_a2.code in cells
    for url in (f"/ballots/{ballot.id}", f"/ballots/{ballot.id}/result"):
        page = text(client.get(url))
        assert "<svg" not in page and "手机投票" not in page
    assert client.get(f"/ballots/{ballot.id}/export/results.csv").status_code == 302


def test_the_paper_entry_page_lists_ballots_entered_without_their_choice(client, auth, world,
                                                                          db):
    ballot = voted(world)
    auth.login(world.secretary)
    serial = db.session.scalar(db.select(PaperBallot.serial).where(
        PaperBallot.ballot_id == ballot.id))
    page = text(client.get(f"/ballots/{ballot.id}/paper"))
    recent = page[page.index("最近录入"):] if "最近录入" in page else page
    assert format_code(serial) in recent and "反对" not in recent


def test_after_closing_an_open_ballot_the_voter_list_shows_each_choice(client, auth, world,
                                                                        db):
    ballot = voted(world)
    services.close_ballot(world.secretary, ballot)
    auth.login(world.secretary)
    rows = csv_rows(client.get(f"/ballots/{ballot.id}/export/voters.csv"))
    assert rows[0][:5] == ["住户", "户号", "方式", "时间（北京时间）", "选项"]
    assert {r[1]: r[4] for r in rows[1:]} == {world.household_a.code: "同意",
                                             world.household_a2.code: "反对"}


def linking_columns():
    """(table, voter columns, choice columns) of every table that could join a
    voter (a household, a person, a proxy) to a choice (an option, a link)."""
    voter = {"household", "user", "ballot_proxy"}
    choice = {"ballot_option", "ballot_cast"}
    found = []
    for table in _db.metadata.sorted_tables:
        if "ballot_id" not in table.c:
            continue
        fks = [(c, {fk.column.table.name for fk in c.foreign_keys}) for c in table.c]
        voters = [c for c, targets in fks if targets & voter]
        choices = [c for c, targets in fks if targets & choice]
        if table.name == "ballot_cast":      # a link is a choice; its own columns name voters
            voters += [table.c.households, table.c.commit_salt, table.c.serial]
            choices = [table.c.id]
        if voters and choices:
            found.append((table, voters, choices))
    return found


def assert_no_row_links_a_voter_to_a_choice(db, ballot_id):
    tables = {t.name for t, _v, _c in linking_columns()}
    assert {"ballot_vote", "ballot_cast"} <= tables
    for table, voters, choices in linking_columns():
        rows = db.session.execute(db.select(*voters, *choices)
                                  .where(table.c.ballot_id == ballot_id)).all()
        for row in rows:
            named = [v for v in row[:len(voters)] if v is not None]
            chose = [c for c in row[len(voters):] if c is not None]
            assert not (named and chose), (table.name, row)


def test_after_closing_a_secret_ballot_no_row_joins_a_voter_to_a_choice(db, world, factory):
    ballot = voted(world, secret=True)
    before = tally(ballot)
    services.close_ballot(world.secretary, ballot)
    db.session.flush()
    db.session.expire_all()
    assert_no_row_links_a_voter_to_a_choice(db, ballot.id)
    votes = db.session.execute(db.select(Vote.id, Vote.household_id, Vote.option_id,
                                         Vote.cast_id).where(Vote.ballot_id == ballot.id)
                               .order_by(Vote.id)).all()
    # Who took part stays; the rows are written in household order, not the chain's.
    assert [v.household_id for v in votes] == sorted([world.household_a.id,
                                                      world.household_a2.id])
    assert all(v.option_id is None and v.cast_id is None for v in votes)
    links = db.session.scalars(db.select(Cast).where(Cast.ballot_id == ballot.id)).all()
    assert len({c.created_at for c in links}) == 1 and all(c.channel is None for c in links)
    ballot = db.session.get(Ballot, ballot.id)
    after = tally(ballot)
    assert [o.totals for o in after.options] == [o.totals for o in before.options]
    assert after.participation == before.participation and after.passed == before.passed
    assert verification.verify(ballot) == ([], ballot.chain_head)


def test_a_secret_per_person_ballot_with_a_changed_vote_forgets_too(db, world, runner):
    ballot = make_ballot(world.secretary, world.compound_a, basis="residents",
                         matter="consultative", count_per="person", secret=True,
                         allow_change=True)
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "反对").id)
    assert verification.verify(ballot)[0] == []
    services.close_ballot(world.secretary, ballot)
    db.session.flush()
    assert_no_row_links_a_voter_to_a_choice(db, ballot.id)
    assert db.session.scalar(db.select(Vote.one_per_person).where(
        Vote.ballot_id == ballot.id)) == world.resident.id      # who took part
    assert tally(ballot).options[1].totals.headcount == 1
    result = runner.invoke(args=["ballots", "verify", str(ballot.id)])
    assert result.exit_code == 0, result.output


def test_the_audit_log_holds_no_choice_of_a_secret_vote(db, world):
    """Neither the choice nor the record number (which names the choice in the
    chain), nor one entry per voter in the order of the votes."""
    ballot = voted(world, secret=True, allow_change=True)
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "弃权").id)
    services.close_ballot(world.secretary, ballot)
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.object_type == "Ballot", AuditEntry.object_id == ballot.id)).all()
    option_ids = {str(o.id) for o in ballot.options}
    for entry in entries:
        written = entry.summary + " " + str(entry.changes)
        assert "#" not in written and not LABELS & set(written.split()), entry.summary
        assert not option_ids & set(str(entry.changes).replace("'", " ").split())
    assert world.resident.id not in {e.actor_id for e in entries}
    paper = [e for e in entries if e.action == "ballot.paper_vote"]
    serial = db.session.scalar(db.select(PaperBallot.serial).where(
        PaperBallot.ballot_id == ballot.id))
    assert [e.summary for e in paper] == [f"{serial} {world.household_a2.code}"]


@pytest.mark.skipif(databases.wanted() != "sqlite", reason="the SQLite pass runs it")
def test_a_copy_of_the_sqlite_file_after_closing_holds_no_link(tmp_path):
    """The erased commitment salts (each would open its link's units) are
    overwritten, not left in the file's free space for a later copy — also
    where SQLite was built without SECURE_DELETE (as here, by the test)."""
    path = tmp_path / "secret.sqlite3"
    with private_app(f"sqlite:///{path}") as app, app.app_context():
        world = Factory(_db).world()
        ballot = voted(world, secret=True)
        _db.session.commit()
        salts = _db.session.scalars(db_select_salts(ballot.id)).all()
        assert len(salts) == 2 and all(salts)
        _db.session.commit()
        checkpoint(path)
        assert all(s.encode() in path.read_bytes() for s in salts)
        _db.session.execute(_db.text("PRAGMA secure_delete = OFF"))   # this connection's
        services.close_ballot(world.secretary, _db.session.get(Ballot, ballot.id))
        _db.session.commit()
        assert verification.verify(_db.session.get(Ballot, ballot.id))[0] == []
        _db.session.remove()
        checkpoint(path)
    assert not [s for s in salts if s.encode() in path.read_bytes()]


def checkpoint(path):
    """Everything in the write-ahead log into the file, the log emptied."""
    import sqlite3
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        assert raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        raw.close()


def db_select_salts(ballot_id):
    return _db.select(Cast.commit_salt).where(Cast.ballot_id == ballot_id)

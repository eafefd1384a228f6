"""50 simultaneous votes for one household: exactly one counts — on PostgreSQL
(the ballot's row lock) and on a SQLite file (write requests begin ``BEGIN
IMMEDIATE``, so they run one at a time).

The per-test transaction cannot show a race, so these tests build their own
database, app and sessions (one per thread, as in production) and drop the
database afterwards."""
import threading

import pytest

from residentvoice import create_app
from residentvoice.extensions import db as _db

from .. import databases
from ..factories import Factory
from ..ops.apps import private_app
from .helpers import fifty_concurrent_votes_for_one_household, make_ballot


@pytest.fixture
def race_app(tmp_path):
    name, url = databases.create_pg_database()
    app = create_app({"TESTING": True, "SECRET_KEY": "race", "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "SERVER_NAME": "localhost",
                      "LOGIN_LIMIT_IP": "10000 per minute",
                      "LOGIN_LIMIT_PHONE": "10000 per minute",
                      "UPLOAD_FOLDER": str(tmp_path),
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 60, "max_overflow": 0}})
    with app.app_context():
        _db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        databases.drop_pg_database(name)


@pytest.mark.postgres_only
def test_fifty_concurrent_votes_for_one_household(race_app):
    fifty_concurrent_votes_for_one_household(race_app)


@pytest.mark.skipif(databases.wanted() != "sqlite", reason="the SQLite pass runs it")
def test_fifty_concurrent_votes_for_one_household_on_a_sqlite_file(tmp_path):
    """Through HTTP, as in production: each POST's transaction begins
    ``BEGIN IMMEDIATE`` and waits (busy timeout) for the one before to commit."""
    with private_app(f"sqlite:///{tmp_path / 'race.sqlite3'}", UPLOAD_FOLDER=str(tmp_path),
                     SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 60, "max_overflow": 0}) as app:
        fifty_concurrent_votes_for_one_household(app)


@pytest.mark.postgres_only
def test_entries_referring_to_the_ballot_do_not_deadlock_on_the_chain_lock(race_app):
    """A proxy entry inserts a row that refers to the ballot (a key-share lock on
    the ballot's row) before it takes the chain lock.  The chain lock must be
    the one an UPDATE takes (FOR NO KEY UPDATE): with FOR UPDATE two such
    entries wait for each other and PostgreSQL aborts one as a deadlock."""
    from residentvoice.voting.casting import _store
    from residentvoice.voting.verification import verify
    from residentvoice.voting.models import Ballot, Channel, Proxy
    with race_app.app_context():
        world = Factory(_db).world()
        ballot = make_ballot(world.secretary, world.compound_a)
        plan = [(world.household_a.id, "代理人甲"), (world.household_a2.id, "代理人乙")]
        ballot_id, option_id, secretary_id = ballot.id, ballot.options[0].id, world.secretary.id
        _db.session.commit()
    barrier = threading.Barrier(len(plan))
    errors = []

    def enter(household_id, name):
        with race_app.app_context():
            try:
                ballot = _db.session.get(Ballot, ballot_id)
                proxy = Proxy(ballot_id=ballot_id, proxy_name=name, entered_by_id=secretary_id)
                _db.session.add(proxy)
                _db.session.flush()
                barrier.wait(10)
                option = next(o for o in ballot.options if o.id == option_id)
                _store(ballot, household_id, option, Channel.proxy,
                       entered_by_id=secretary_id, proxy_id=proxy.id)
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=enter, args=entry) for entry in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with race_app.app_context():
        ballot = _db.session.get(Ballot, ballot_id)
        assert ballot.chain_length == 2 and verify(ballot)[0] == []

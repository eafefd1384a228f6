"""A ballot whose time is up is closed by the first page that shows it
(``voting.guards``): a reading request that turns out to write.

On SQLite a reading request begins a deferred transaction; a write after
another connection has committed cannot extend that snapshot and fails at
once ("database is locked", a 503 to a resident opening the ballot).  On
PostgreSQL two residents opening the ballot at the same instant both found
it open, both tried to close it, and the second was refused (a 409 on a
page they only wanted to read).  Both must show the closed ballot."""
import sqlite3
import threading
from datetime import timedelta

import pytest

from residentvoice.audit.models import AuditEntry
from residentvoice.extensions import db
from residentvoice.models import utcnow
from residentvoice.voting import guards
from residentvoice.voting.models import Ballot, BallotStatus

from ..factories import Factory, sign_in
from ..ops.apps import private_app
from ..races import racing_app
from .helpers import make_ballot

READERS = 4


def _ballot_past_its_time():
    """A world with an open ballot whose closing time passed an hour ago
    (committed); the ballot's id and the residents' ids."""
    world = Factory(db).world()
    ballot = make_ballot(world.secretary, world.compound_a)
    ballot.closes_at = utcnow() - timedelta(hours=1)
    residents = [world.resident] + [Factory(db).resident(world.household_a2, name=f"住户{n}")
                                    for n in range(READERS - 1)]
    db.session.commit()
    return ballot.id, [r.id for r in residents]


def _signed_in_client(app, user_id):
    from residentvoice.auth.models import User
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, user_id))
        db.session.commit()
    return client


def _closed_once(app, ballot_id):
    with app.app_context():
        ballot = db.session.get(Ballot, ballot_id)
        closings = db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(
            AuditEntry.action == "ballot.closed", AuditEntry.object_id == ballot_id))
        return ballot.status, closings


def test_a_ballot_past_its_time_is_closed_on_sight_while_others_write(tmp_path, monkeypatch):
    """SQLite: another request commits between the page's first read and the
    close.  The page still shows the closed ballot (it answered 503)."""
    path = tmp_path / "own.sqlite3"
    with private_app(f"sqlite:///{path}", UPLOAD_FOLDER=str(tmp_path)) as app:
        with app.app_context():
            ballot_id, (resident_id, *_others) = _ballot_past_its_time()
        client = _signed_in_client(app, resident_id)
        close_if_due = guards.services.close_if_due

        def someone_writes_first(ballot, now=None):
            other = sqlite3.connect(path, isolation_level=None)
            other.execute("UPDATE \"user\" SET name = ? WHERE id = ?", ("改名", resident_id))
            other.close()
            return close_if_due(ballot, now)
        monkeypatch.setattr(guards.services, "close_if_due", someone_writes_first)
        page = client.get(f"/ballots/{ballot_id}")
        assert page.status_code == 200, page.status_code
        assert _closed_once(app, ballot_id) == (BallotStatus.closed, 1)


@pytest.mark.postgres_only
def test_residents_opening_a_ballot_past_its_time_at_once_all_see_it_closed():
    with racing_app() as app:
        with app.app_context():
            ballot_id, resident_ids = _ballot_past_its_time()
        clients = [_signed_in_client(app, rid) for rid in resident_ids]
        barrier = threading.Barrier(len(clients))
        statuses = [None] * len(clients)

        def read(index, client):
            barrier.wait(30)
            statuses[index] = client.get(f"/ballots/{ballot_id}").status_code
        threads = [threading.Thread(target=read, args=pair) for pair in enumerate(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert statuses == [200] * READERS
        assert _closed_once(app, ballot_id) == (BallotStatus.closed, 1)

"""Two secretaries open (or close) the same ballot at the same instant: the
status changes once, under the ballot's row lock, and the other is told the
ballot has moved on (TransitionNotAllowed, a 409 in the API) — it used to
freeze the electorate twice and end in a 500."""
import threading

import pytest

from residentvoice.errors_domain import DomainError
from residentvoice.extensions import db

from ..factories import Factory
from ..ops.apps import private_app, private_pg_database
from .helpers import make_ballot

pytestmark = pytest.mark.postgres_only
RACERS = 4


@pytest.mark.parametrize("action", ["open", "close"])
def test_concurrent_transitions_apply_once(tmp_path, action):
    from residentvoice.auth.models import User
    from residentvoice.voting import chain, services
    from residentvoice.voting.models import Ballot
    with private_pg_database() as (_name, url), private_app(
            url, TESTING=True, UPLOAD_FOLDER=str(tmp_path),
            SQLALCHEMY_ENGINE_OPTIONS={"pool_size": RACERS + 2, "max_overflow": 0}) as app:
        with app.app_context():
            world = Factory(db).world()
            ballot = make_ballot(world.secretary, world.compound_a,
                                 state="announced" if action == "open" else "open")
            ballot_id, secretary_id = ballot.id, world.secretary.id
            db.session.commit()
        barrier = threading.Barrier(RACERS)
        outcomes = [None] * RACERS

        def act(index):
            with app.app_context(), app.test_request_context(method="POST"):
                try:
                    ballot = db.session.get(Ballot, ballot_id)
                    secretary = db.session.get(User, secretary_id)
                    assert ballot.status is not None    # read before the start, as a view does
                    barrier.wait(30)
                    getattr(services, f"{action}_ballot")(secretary, ballot)
                    db.session.commit()
                    outcomes[index] = "ok"
                except DomainError as error:
                    db.session.rollback()
                    outcomes[index] = type(error).__name__
                except Exception as error:  # noqa: BLE001 - reported below
                    db.session.rollback()
                    outcomes[index] = repr(error)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=act, args=(i,)) for i in range(RACERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert sorted(outcomes) == ["TransitionNotAllowed"] * (RACERS - 1) + ["ok"], outcomes
        with app.app_context():
            ballot = db.session.get(Ballot, ballot_id)
            problems, _head = chain.verify(ballot)
            assert problems == []

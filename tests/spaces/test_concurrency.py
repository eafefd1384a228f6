"""One support per household holds when two requests race (PostgreSQL)."""
import threading

import pytest
from sqlalchemy.orm import Session

from residentvoice.errors_domain import Conflict
from residentvoice.extensions import db as _db
from residentvoice.spaces import discussion
from residentvoice.spaces.discussion_models import Support
from residentvoice.spaces.models import Proposal

from ..factories import Factory
from .helpers import make_proposal, make_space


class _CommittedDb:
    """Just enough of the ``db`` object for the factories, on a real session."""

    def __init__(self, session):
        self.session = session
        self.select = _db.select


@pytest.mark.postgres_only
def test_two_residents_of_one_household_support_at_once(app):
    with app.app_context():
        original = _db.session
        setup = Session(_db.engine)
        _db.session = setup
        try:
            factory = Factory(_CommittedDb(setup))
            w = factory.world()
            housemate = factory.resident(w.household_a, owner_of=False)
            proposal = make_proposal(w, make_space(w))
            setup.commit()
            ids = (proposal.id, [w.resident.id, housemate.id])
        finally:
            _db.session = original
            setup.close()
        try:
            outcomes = _race(app, *ids)
            assert sorted(outcomes) == ["conflict", "ok"]
            with Session(_db.engine) as check:
                assert check.query(Support).filter_by(proposal_id=ids[0]).count() == 1
        finally:
            _drop_everything()


def _race(app, proposal_id, user_ids):
    from residentvoice.auth.models import User
    barrier = threading.Barrier(len(user_ids))
    outcomes = []

    def run(user_id):
        with app.app_context():
            session = _db.session
            user = session.get(User, user_id)
            proposal = session.get(Proposal, proposal_id)
            barrier.wait()
            try:
                discussion.support(user, proposal)
                session.commit()
                outcomes.append("ok")
            except Conflict:
                session.rollback()
                outcomes.append("conflict")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(uid,)) for uid in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def _drop_everything():
    """This test committed real rows: empty every table for the tests after it."""
    names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
    with _db.engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")

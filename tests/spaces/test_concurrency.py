"""Caps of proposals that must hold when requests race (PostgreSQL): one
support per household, one flag per person, a draft submitted once, a review
recorded once, one accepted proposal per space."""
import threading

import pytest
from sqlalchemy.orm import Session

from residentvoice.errors_domain import Conflict
from residentvoice.extensions import db as _db
from residentvoice.spaces import discussion, proposals
from residentvoice.spaces.discussion_models import Support
from residentvoice.spaces.models import Proposal

from ..factories import Factory
from ..races import at_once, count, racing_app, requests_at_once
from .helpers import CHECKLIST_OK, make_proposal, make_space


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


# -- more races, each request with its own session (tests/races.py) -----------

@pytest.fixture
def race_app():
    with racing_app() as app:
        yield app


def _proposal_job(fn, user_id, proposal_id, *args, **kwargs):
    from residentvoice.auth.models import User

    def job():
        user = _db.session.get(User, user_id)
        proposal = _db.session.get(Proposal, proposal_id)
        return lambda: fn(user, proposal, *args, **kwargs)
    return job


@pytest.mark.postgres_only
def test_eight_supports_from_one_household_through_the_api_count_once(race_app):
    from residentvoice.auth.models import ApiToken
    with race_app.app_context():
        factory = Factory(_db)
        w = factory.world()
        proposal = make_proposal(w, make_space(w))
        people = [w.resident] + [factory.resident(w.household_a, owner_of=False,
                                                  name=f"家人{n}") for n in range(7)]
        tokens = [ApiToken.issue(p, 1)[0] for p in people]
        proposal_id = proposal.id
        _db.session.commit()
    statuses = requests_at_once(race_app, [
        ("POST", f"/api/v1/proposals/{proposal_id}/support",
         {"json": {}, "headers": {"Authorization": f"Bearer {raw}"}}) for raw in tokens])
    assert sorted(statuses, key=str) == [201] + [409] * 7, statuses
    with race_app.app_context():
        assert count(Support, proposal_id=proposal_id) == 1


@pytest.mark.postgres_only
def test_a_comment_flagged_eight_times_at_once_by_one_person_is_flagged_once(race_app):
    from residentvoice.spaces.discussion_models import Comment, CommentFlag
    with race_app.app_context():
        w = Factory(_db).world()
        proposal = make_proposal(w, make_space(w))
        comment = discussion.add_comment(w.resident, proposal, "广告")
        comment_id, flagger = comment.id, w.secretary.id
        _db.session.commit()

    def job():
        from residentvoice.auth.models import User
        user, comment = _db.session.get(User, flagger), _db.session.get(Comment, comment_id)
        return lambda: discussion.flag_comment(user, comment, "广告")
    assert sorted(at_once(race_app, [job] * 8)) == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(CommentFlag, comment_id=comment_id) == 1


@pytest.mark.postgres_only
def test_a_draft_submitted_eight_times_at_once_is_submitted_once(race_app):
    from residentvoice.spaces.models import ProposalRevision
    with race_app.app_context():
        w = Factory(_db).world()
        proposal = make_proposal(w, make_space(w), status="draft")
        proposal_id, author = proposal.id, w.resident.id
        _db.session.commit()
    jobs = [_proposal_job(proposals.submit_proposal, author, proposal_id) for _ in range(8)]
    assert sorted(at_once(race_app, jobs)) == ["TransitionNotAllowed"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(ProposalRevision, proposal_id=proposal_id) == 1


@pytest.mark.postgres_only
def test_one_review_when_a_proposal_is_reviewed_eight_times_at_once(race_app):
    from residentvoice.spaces.models import ProposalReview
    with race_app.app_context():
        w = Factory(_db).world()
        proposal = make_proposal(w, make_space(w), status="submitted")
        proposal_id, secretary = proposal.id, w.secretary.id
        _db.session.commit()
    jobs = [_proposal_job(proposals.review_proposal, secretary, proposal_id,
                          "open" if n % 2 else "return", dict(CHECKLIST_OK, reason="再改改"))
            for n in range(8)]
    assert sorted(at_once(race_app, jobs)) == ["TransitionNotAllowed"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(ProposalReview, proposal_id=proposal_id) == 1


@pytest.mark.postgres_only
def test_one_proposal_is_accepted_when_the_council_accepts_several_at_once(race_app):
    """A space gets one use: three proposals on the agenda, each accepted
    twice at once by secretaries, and exactly one is accepted."""
    from residentvoice.spaces.models import ProposalStatus, SpaceStatusChange
    with race_app.app_context():
        w = Factory(_db).world()
        space = make_space(w)
        candidates = [make_proposal(w, space, title=f"方案{n}") for n in range(3)]
        for proposal in candidates:
            proposal.status = ProposalStatus.on_agenda
        ids, space_id, secretary = [p.id for p in candidates], space.id, w.secretary.id
        _db.session.commit()
    jobs = [_proposal_job(proposals.record_council_decision, secretary, pid, "accept",
                          "议事会通过") for pid in ids * 2]
    outcomes = at_once(race_app, jobs)
    assert sorted(outcomes) == ["TransitionNotAllowed"] * 5 + ["ok"], outcomes
    with race_app.app_context():
        statuses = {pid: _db.session.get(Proposal, pid).status for pid in ids}
        winner = (ids * 2)[outcomes.index("ok")]
        assert statuses == {pid: ProposalStatus.accepted if pid == winner
                            else ProposalStatus.rejected for pid in ids}
        assert count(SpaceStatusChange, space_id=space_id, action="decide") == 1

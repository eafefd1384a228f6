"""Building ballots for the voting tests."""
from datetime import timedelta

from residentvoice.models import utcnow
from residentvoice.voting import services


def make_ballot(actor, compound, *, basis="owners", matter="common_parts_use", options=(),
                state="open", **extra):
    """A ballot announced 30 days ago, open 10 days ago, closing in 5 days,
    moved to ``state`` (draft, announced, open, closed)."""
    now = utcnow()
    values = dict(title="充电桩建设", description="", basis=basis, matter=matter,
                  announced_at=now - timedelta(days=30), opens_at=now - timedelta(days=10),
                  closes_at=now + timedelta(days=5))
    values.update(extra)
    ballot = services.create_ballot(actor, compound, options=list(options), **values)
    if state == "draft":
        return ballot
    services.announce(actor, ballot, now=ballot.announced_at)
    if state == "announced":
        return ballot
    services.open_ballot(actor, ballot)
    if state == "closed":
        services.close_ballot(actor, ballot)
    return ballot


def option(ballot, label):
    return next(o for o in ballot.options if o.label == label)


def fifty_concurrent_votes_for_one_household(app):
    """50 threads, each its own client and database session as in production,
    post the same household's vote at once on ``app`` (its own database, rows
    committed).  Exactly one counts: one 201, 49 × 409, one vote and one cast,
    and the chain verifies."""
    import threading

    from residentvoice.auth.models import ApiToken
    from residentvoice.extensions import db
    from residentvoice.voting.verification import verify
    from residentvoice.voting.models import Ballot, Cast, Vote

    from ..factories import Factory
    with app.app_context():
        world = Factory(db).world()
        ballot = make_ballot(world.secretary, world.compound_a)
        raw, _token = ApiToken.issue(world.resident, 1)
        url = f"/api/v1/ballots/{ballot.id}/votes"
        payload = {"household_id": world.household_a.id, "option_id": ballot.options[0].id}
        ballot_id = ballot.id
        db.session.commit()
    barrier = threading.Barrier(50)
    statuses = []

    def vote():
        client = app.test_client()
        barrier.wait()
        response = client.post(url, json=payload, headers={"Authorization": f"Bearer {raw}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=vote) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [201] + [409] * 49
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Vote.id))
                                 .where(Vote.ballot_id == ballot_id)) == 1
        assert db.session.scalar(db.select(db.func.count(Cast.id))
                                 .where(Cast.ballot_id == ballot_id)) == 1
        assert verify(db.session.get(Ballot, ballot_id))[0] == []


def paper_serial(secretary, ballot, household, person=None):
    """The serial of ``household``'s paper ballot (per-person ballots: of
    ``person``'s), issued as printing issues it."""
    from residentvoice.voting.paper import issue_paper_ballots
    papers, _issued = issue_paper_ballots(secretary, ballot, household.id)
    return next(p.serial for p in papers if person is None or p.person_id == person.id)

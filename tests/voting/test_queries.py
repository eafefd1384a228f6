"""A vote POST runs a fixed, small number of SQL statements, however many units
the ballot has and however many have voted (DESIGN §8: query counts do not
grow with the data)."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from residentvoice.auth.models import ApiToken
from residentvoice.voting.casting import cast_phone_vote
from residentvoice.voting.models import Vote

from .helpers import make_ballot

# token → user and roles; the ballot with compound, community and options;
# whether the voter acts for the unit's registered owner (the owner register,
# issue 14.5); the chain lock; the covered units with their votes and links;
# the link; the chain's new tip; the votes (one INSERT for all of an owner's
# units); the audit entry.  Written through the ORM (issue 15: no Core
# shortcuts in the vote path) it is the same number as before, plus the
# owner register's check.
VOTE_STATEMENTS = 9


def counted(statement):
    """Not the vote's: the savepoints of the test's own transaction."""
    return not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))


@contextmanager
def statements(db):
    """The statements a request sends, except those not ``counted``."""
    seen = []
    engine = db.session.get_bind()

    def listener(conn, cursor, statement, *args):
        if counted(statement):
            seen.append(" ".join(statement.split())[:160])

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def vote(client, db, token, ballot_id, household_id, option_id):
    db.session.commit()
    db.session.expunge_all()     # every request starts from an empty session, as in production
    with statements(db) as seen:
        response = client.post(f"/api/v1/ballots/{ballot_id}/votes",
                               json={"household_id": household_id, "option_id": option_id},
                               headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.json
    return seen


def residents(factory, world, n):
    """``n`` more households of compound A, each with its owner living there."""
    homes = [factory.household(world.building_a, floor=1 + i % 6, unit=f"9{i:03d}")
             for i in range(n)]
    return [(home, factory.resident(home)) for home in homes]


def token(user):
    return ApiToken.issue(user, 1)[0]


@pytest.mark.parametrize("basis, matter", [("owners", "common_parts_use"),
                                           ("residents", "consultative")])
def test_vote_post_statements_do_not_grow_with_units_or_votes(factory, client, db, basis,
                                                              matter):
    world = factory.world()
    small = make_ballot(world.secretary, world.compound_a, basis=basis, matter=matter)
    voters = residents(factory, world, 30)
    home, user = voters[0]
    factory.household(world.building_a, owner=home.owner, unit="9901")   # one vote, two units
    large = make_ballot(world.secretary, world.compound_a, basis=basis, matter=matter)
    for home, user in voters[1:]:
        cast_phone_vote(user, large, home.id, large.options[1].id)
    home, user = voters[0]
    first = (token(world.resident), small.id, world.household_a.id, small.options[0].id)
    later = (token(user), large.id, home.id, large.options[0].id)
    few = vote(client, db, *first)
    many = vote(client, db, *later)
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= VOTE_STATEMENTS, "\n".join(many)


def test_changing_a_vote_takes_one_statement_more(factory, client, db):
    """Where changes are allowed a second POST changes the vote (here of an
    owner's two units): it also marks the old cast superseded."""
    world = factory.world()
    voters = residents(factory, world, 20)
    home, user = voters[0]
    factory.household(world.building_a, owner=home.owner, unit="9901")
    ballot = make_ballot(world.secretary, world.compound_a, allow_change=True)
    for home, user in voters:
        cast_phone_vote(user, ballot, home.id, ballot.options[1].id)
    home, user = voters[0]
    ballot_id, agree = ballot.id, ballot.options[0].id
    changed = vote(client, db, token(user), ballot_id, home.id, agree)
    assert len(changed) <= VOTE_STATEMENTS + 1, "\n".join(changed)
    assert db.session.scalar(db.select(db.func.count(Vote.id)).where(
        Vote.ballot_id == ballot_id, Vote.option_id == agree)) == 2

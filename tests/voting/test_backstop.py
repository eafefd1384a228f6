"""The unique constraints stand behind the check made under the ballot's lock.

Should a second vote for a household ever get past that check (a bug, or a
race the lock does not cover), the answer is still a clear refusal — 409 in
the API, a message on the page — and nothing of the refused vote is stored:
no vote, no cast, no link of the chain."""
import pytest

from residentvoice.voting import casting
from residentvoice.voting.casting import AlreadyVoted, cast_phone_vote
from residentvoice.voting.verification import verify
from residentvoice.voting.models import Ballot, Cast, Vote
from residentvoice.voting.paper_entry import enter_paper_vote

from .helpers import make_ballot, paper_serial


@pytest.fixture
def world(factory):
    return factory.world()


@pytest.fixture
def blind(monkeypatch):
    """The check under the lock no longer sees the votes already recorded."""
    covered_votes = casting.covered_votes
    monkeypatch.setattr(casting, "covered_votes",
                        lambda *args, **kwargs: (covered_votes(*args, **kwargs)[0], []))


def stored(db, ballot_id):
    count = lambda model: db.session.scalar(  # noqa: E731
        db.select(db.func.count(model.id)).where(model.ballot_id == ballot_id))
    return count(Vote), count(Cast)


def voted_once(world):
    ballot = make_ballot(world.secretary, world.compound_a)
    cast_phone_vote(world.resident, ballot, world.household_a.id, ballot.options[0].id)
    return ballot


def test_api_answers_409_and_keeps_nothing(api, world, db, blind):
    ballot = voted_once(world)
    ballot_id = ballot.id
    api.login(world.resident)
    response = api.post(f"/api/v1/ballots/{ballot_id}/votes", json={
        "household_id": world.household_a.id, "option_id": ballot.options[1].id})
    assert response.status_code == 409 and response.json["error"]["code"] == "already_voted"
    assert stored(db, ballot_id) == (1, 1)
    ballot = db.session.get(Ballot, ballot_id)
    assert ballot.chain_length == 1 and verify(ballot)[0] == []


def test_page_shows_the_refusal(client, auth, world, db, blind):
    ballot = voted_once(world)
    ballot_id = ballot.id
    auth.login(world.resident)
    page = client.post(f"/ballots/{ballot_id}/vote", data={
        "household": world.household_a.id, "option": ballot.options[1].id},
        follow_redirects=True)
    assert page.status_code == 200 and "该户已经投过票" in page.get_data(as_text=True)
    assert stored(db, ballot_id) == (1, 1)


def test_paper_entry_rolls_back_only_its_savepoint(world, db, blind):
    ballot = voted_once(world)
    with pytest.raises(AlreadyVoted):
        enter_paper_vote(world.secretary, ballot,
                         serial=paper_serial(world.secretary, ballot, world.household_a),
                         option_id=ballot.options[1].id, witness="监票员")
    assert stored(db, ballot.id) == (1, 1)       # the phone vote of this transaction stands
    assert ballot.chain_length == 1 and verify(ballot)[0] == []

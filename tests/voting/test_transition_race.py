"""Two secretaries open (or close) the same ballot at the same instant: the
status changes once, under the ballot's row lock, and the others are told the
ballot has moved on (TransitionNotAllowed, a 409 in the API) — it used to
freeze the electorate twice and end in a 500."""
import pytest

from residentvoice.extensions import db

from ..factories import Factory
from ..races import at_once, racing_app
from .helpers import make_ballot

pytestmark = pytest.mark.postgres_only
RACERS = 4


@pytest.fixture
def race_app():
    with racing_app() as app:
        yield app


@pytest.mark.parametrize("action", ["open", "close"])
def test_concurrent_transitions_apply_once(race_app, action):
    from residentvoice.auth.models import User
    from residentvoice.voting import services, verification
    from residentvoice.voting.models import Ballot
    with race_app.app_context():
        world = Factory(db).world()
        ballot = make_ballot(world.secretary, world.compound_a,
                             state="announced" if action == "open" else "open")
        ballot_id, secretary_id = ballot.id, world.secretary.id
        db.session.commit()

    def job():
        ballot = db.session.get(Ballot, ballot_id)
        secretary = db.session.get(User, secretary_id)
        assert ballot.status is not None    # read before the start, as a view does
        return lambda: getattr(services, f"{action}_ballot")(secretary, ballot)

    outcomes = at_once(race_app, [job] * RACERS)
    assert sorted(outcomes) == ["TransitionNotAllowed"] * (RACERS - 1) + ["ok"], outcomes
    with race_app.app_context():
        problems, _head = verification.verify(db.session.get(Ballot, ballot_id))
        assert problems == []

"""Printing paper ballots when secretaries race (PostgreSQL, DESIGN §8): two
secretaries printing the whole stack four times at once issue one serial per
household, and every run prints those same serials."""
import pytest

from residentvoice.auth.models import User
from residentvoice.extensions import db
from residentvoice.voting.models import Ballot, PaperBallot
from residentvoice.voting.paper import issue_paper_ballots

from ..factories import Factory
from ..races import at_once, racing_app
from .helpers import make_ballot

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def race_app():
    with racing_app() as app:
        yield app


def test_printing_the_stack_at_once_issues_one_serial_per_household(race_app):
    with race_app.app_context():
        factory = Factory(db)
        world = factory.world()
        for n in range(8):
            factory.household(world.building_a, unit=f"05{n:02d}")
        colleague = factory.secretary(world.community_a)
        ballot = make_ballot(world.secretary, world.compound_a)
        ballot_id, secretaries = ballot.id, [world.secretary.id, colleague.id]
        db.session.commit()
    printed = []

    def job(user_id):
        def load():
            secretary = db.session.get(User, user_id)
            ballot = db.session.get(Ballot, ballot_id)
            assert ballot.compound.community        # loaded before the start, as a view does

            def print_all():
                papers, _issued = issue_paper_ballots(secretary, ballot)
                printed.append(sorted(p.serial for p in papers))
            return print_all
        return load
    assert at_once(race_app, [job(secretaries[n % 2]) for n in range(4)]) == ["ok"] * 4
    with race_app.app_context():
        serials = db.session.execute(db.select(PaperBallot.household_id, PaperBallot.serial)
                                     .where(PaperBallot.ballot_id == ballot_id)).all()
    assert len(serials) == 10 and len({h for h, _s in serials}) == 10
    assert printed == [sorted(s for _h, s in serials)] * 4

"""Directory codes stay unique when the same record is added by several
requests at once — a double click on "add" (PostgreSQL): one is stored, the
others get the check's own Conflict, never a 500."""
import pytest

from residentvoice.auth.models import User
from residentvoice.directory import services
from residentvoice.directory.models import Building, Compound, Household
from residentvoice.extensions import db

from ..factories import Factory
from ..races import at_once, count, racing_app

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def race_app():
    with racing_app() as app:
        yield app


def _race(app, load_place, fn, data):
    with app.app_context():
        w = Factory(db).world()
        secretary, place, model = w.secretary.id, load_place(w).id, type(load_place(w))
        db.session.commit()

    def job():
        user, target = db.session.get(User, secretary), db.session.get(model, place)
        return lambda: fn(user, target, dict(data))
    return sorted(at_once(app, [job] * 8))


def test_a_compound_added_eight_times_at_once_is_added_once(race_app):
    outcomes = _race(race_app, lambda w: w.community_a, services.create_compound,
                     {"code": "NEW1", "name": "新院"})
    assert outcomes == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(Compound, code="NEW1") == 1


def test_a_building_added_eight_times_at_once_is_added_once(race_app):
    outcomes = _race(race_app, lambda w: w.compound_a, services.create_building,
                     {"number": "9", "floors": 6})
    assert outcomes == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(Building, number="9") == 1


def test_a_household_added_eight_times_at_once_is_added_once(race_app):
    outcomes = _race(race_app, lambda w: w.building_a, services.create_household,
                     {"unit": "0601", "floor": 6, "area_m2": "60.00", "code": "X-1-0601"})
    assert outcomes == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(Household, code="X-1-0601") == 1

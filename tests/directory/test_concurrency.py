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


def test_households_added_while_the_building_loses_floors_stay_within_its_floors(race_app):
    """Four households added on floor 5 while the building is cut to 2
    floors, at once: whichever comes first, no household ends above the top."""
    with race_app.app_context():
        w = Factory(db).world()
        building = services.create_building(w.secretary, w.compound_a,
                                            {"number": "8", "floors": 6})
        secretary, building_id = w.secretary.id, building.id
        db.session.commit()

    def job(n):
        def load():
            user, target = db.session.get(User, secretary), db.session.get(Building, building_id)
            if n % 2:
                return lambda: services.update_building(
                    user, target, {"number": "8", "floors": 2, "kind": "walkup"})
            return lambda: services.create_household(
                user, target, {"unit": f"05{n:02d}", "floor": 5, "area_m2": "60.00"})
        return load
    outcomes = at_once(race_app, [job(n) for n in range(8)])
    assert set(outcomes) <= {"ok", "InvalidInput"}, outcomes
    with race_app.app_context():
        floors = db.session.get(Building, building_id).floors
        highest = db.session.scalar(db.select(db.func.max(Household.floor))
                                    .where(Household.building_id == building_id))
        assert highest is None or highest <= floors, (highest, floors, outcomes)

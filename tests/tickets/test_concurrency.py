"""Ticket caps that must hold when requests race (PostgreSQL, DESIGN §5 and
§8): each affected household counted once and none lost, a resolution
confirmed (and rated) once, one routing rule per compound and category, one
stored service level per key."""
from datetime import timedelta

import pytest

from residentvoice.auth.models import User
from residentvoice.extensions import db
from residentvoice.models import utcnow
from residentvoice.tickets import actions, services, sla
from residentvoice.tickets.models import Affected, Category, RoutingRule, SlaPolicy, Ticket

from ..factories import Factory
from ..races import at_once, count, racing_app

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def race_app():
    with racing_app() as app:
        yield app


def _world():
    factory = Factory(db)
    w = factory.world()
    services.set_rule(w.secretary, w.compound_a, "facade_ac", w.organisation.id)
    w.factory = factory
    return w


def _file(reporter, household, public=True):
    return services.create_ticket(reporter, compound_id=household.compound_id,
                                  category="facade_ac", description="空调外机震动",
                                  household_id=household.id, public=public,
                                  now=utcnow() - timedelta(minutes=5))


def _neighbours(w, n):
    """``n`` households of building A with a resident each."""
    people = []
    for k in range(n):
        household = w.factory.household(w.building_a, floor=5, unit=f"05{k:02d}")
        people.append((w.factory.resident(household, name=f"邻居{k}"), household))
    return people


def _ticket_job(fn, user_id, ticket_id, *args, **kwargs):
    def job():
        user, ticket = db.session.get(User, user_id), db.session.get(Ticket, ticket_id)
        return lambda: fn(user, ticket, *args, **kwargs)
    return job


def test_eight_households_saying_me_too_at_once_are_all_counted(race_app):
    with race_app.app_context():
        w = _world()
        ticket = _file(w.resident, w.household_a)
        jobs = [_ticket_job(services.me_too, person.id, ticket.id, household.id)
                for person, household in _neighbours(w, 8)]
        ticket_id = ticket.id
        db.session.commit()
    assert at_once(race_app, jobs) == ["ok"] * 8
    with race_app.app_context():
        assert count(Affected, ticket_id=ticket_id) == 8
        assert db.session.get(Ticket, ticket_id).affected_count == 9


def test_one_household_saying_me_too_eight_times_at_once_is_counted_once(race_app):
    with race_app.app_context():
        w = _world()
        ticket = _file(w.resident, w.household_a)
        (first, household), = _neighbours(w, 1)
        family = [first] + [w.factory.resident(household, name=f"家人{k}") for k in range(7)]
        jobs = [_ticket_job(services.me_too, p.id, ticket.id, household.id) for p in family]
        ticket_id = ticket.id
        db.session.commit()
    assert sorted(at_once(race_app, jobs)) == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(Affected, ticket_id=ticket_id) == 1
        assert db.session.get(Ticket, ticket_id).affected_count == 2


def test_merges_and_me_toos_into_one_ticket_at_once_count_each_household_once(race_app):
    """Three tickets merged into the original while their households also
    say "me too" on it: each household once, and the count agrees."""
    with race_app.app_context():
        w = _world()
        original = _file(w.resident, w.household_a)
        jobs = []
        for person, household in _neighbours(w, 3):
            copy = _file(person, household)
            jobs.append(_ticket_job(actions.mark_duplicate, w.secretary.id, copy.id,
                                    original.id))
            jobs.append(_ticket_job(services.me_too, person.id, original.id, household.id))
        original_id = original.id
        db.session.commit()
    outcomes = at_once(race_app, jobs)
    assert outcomes[0::2] == ["ok"] * 3 and set(outcomes[1::2]) <= {"ok", "Conflict"}, outcomes
    with race_app.app_context():
        assert count(Affected, ticket_id=original_id) == 3
        assert db.session.get(Ticket, original_id).affected_count == 4


def test_a_resolution_confirmed_eight_times_at_once_is_confirmed_and_rated_once(race_app):
    with race_app.app_context():
        w = _world()
        ticket = _file(w.resident, w.household_a)
        actions.acknowledge(w.staff, ticket)
        actions.resolve(w.staff, ticket, "已更换支架")
        jobs = [_ticket_job(actions.confirm, w.resident.id, ticket.id, rating=1 + k % 5)
                for k in range(8)]
        ticket_id = ticket.id
        db.session.commit()
    outcomes = at_once(race_app, jobs)
    assert sorted(outcomes) == ["TransitionNotAllowed"] * 7 + ["ok"]
    with race_app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.status.name == "closed" and ticket.rating == 1 + outcomes.index("ok") % 5


def test_one_routing_rule_when_eight_secretaries_save_it_at_once(race_app):
    from residentvoice.directory.models import Compound
    with race_app.app_context():
        w = _world()
        secretaries = [w.secretary] + [w.factory.secretary(w.community_a, name=f"书记{k}")
                                       for k in range(7)]
        ids, compound_id, org_id = [s.id for s in secretaries], w.compound_a.id, w.organisation.id
        db.session.commit()

    def job(user_id):
        def load():
            user, compound = db.session.get(User, user_id), db.session.get(Compound, compound_id)
            return lambda: services.set_rule(user, compound, "noise", org_id)
        return load
    assert at_once(race_app, [job(uid) for uid in ids]) == ["ok"] * 8
    with race_app.app_context():
        assert db.session.scalar(db.select(db.func.count(RoutingRule.id)).where(
            RoutingRule.compound_id == compound_id, RoutingRule.category == Category.noise)) == 1


def test_one_service_level_row_when_it_is_first_saved_eight_times_at_once(race_app):
    with race_app.app_context():
        w = _world()
        admin = w.street_admin.id
        db.session.commit()

    def job(hours):
        def load():
            user = db.session.get(User, admin)
            return lambda: sla.set_policy(user, "noise", hours, 48)
        return load
    assert at_once(race_app, [job(k + 1) for k in range(8)]) == ["ok"] * 8
    with race_app.app_context():
        assert count(SlaPolicy, key="noise") == 1

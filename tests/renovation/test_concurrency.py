"""Renovation caps that must hold when requests race (PostgreSQL, DESIGN §8):
one survey answer per household, one sign-up per supervisor and step, one
plan per household and project, a plan step taken once."""
from datetime import timedelta

import pytest

from residentvoice.auth.models import User
from residentvoice.dates import beijing_today
from residentvoice.directory.models import Household
from residentvoice.extensions import db
from residentvoice.renovation import plans, supervision, surveys
from residentvoice.renovation.models import RenovationProject
from residentvoice.renovation.models_household import (
    HouseholdPlan,
    NeedsSurvey,
    PlanStatus,
    SupervisionSignup,
    SupervisionStep,
    SurveyResponse,
)

from ..factories import Factory
from ..races import at_once, count, racing_app
from .helpers import renovation_world

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def race_app():
    with racing_app() as app:
        yield app


def _world():
    factory = Factory(db)
    w = renovation_world(factory.world())
    w.family = [w.resident] + [factory.resident(w.household_a, name=f"家人{k}")
                               for k in range(7)]
    return w


def test_a_household_answering_a_survey_eight_times_at_once_has_one_answer(race_app):
    with race_app.app_context():
        w = _world()
        survey_id, household_id = w.rv_survey.id, w.household_a.id
        option = w.rv_survey.options[0].id
        people = [p.id for p in w.family]
        db.session.commit()

    def job(user_id, n):
        def load():
            user = db.session.get(User, user_id)
            survey = db.session.get(NeedsSurvey, survey_id)
            household = db.session.get(Household, household_id)
            return lambda: surveys.answer(user, survey, household, option_ids=[option],
                                          problems=f"漏水{n}")
        return load
    assert at_once(race_app, [job(uid, n) for n, uid in enumerate(people)]) == ["ok"] * 8
    with race_app.app_context():
        assert count(SurveyResponse, survey_id=survey_id, household_id=household_id) == 1


def test_signing_up_eight_times_at_once_for_one_step_is_one_sign_up(race_app):
    with race_app.app_context():
        w = _world()
        step_id, user_id = w.rv_step.id, w.resident.id
        db.session.commit()

    def load():
        user, step = db.session.get(User, user_id), db.session.get(SupervisionStep, step_id)
        return lambda: supervision.sign_up(user, step)
    assert sorted(at_once(race_app, [load] * 8)) == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(SupervisionSignup, step_id=step_id, user_id=user_id) == 1


def test_plans_created_for_a_building_eight_times_at_once_are_one_per_household(race_app):
    with race_app.app_context():
        w = _world()
        for unit in ("0101", "0102", "0201", "0202"):
            Factory(db).household(w.building_a, floor=int(unit[:2]), unit=unit)
        project_id, building_id, secretary = w.rv_project.id, w.building_a.id, w.secretary.id
        households = count(Household, building_id=building_id)
        db.session.commit()

    def load():
        user = db.session.get(User, secretary)
        project = db.session.get(RenovationProject, project_id)
        homes = db.session.scalars(db.select(Household).where(
            Household.building_id == building_id)).all()
        return lambda: plans.create_plans(user, project, homes)
    assert at_once(race_app, [load] * 8) == ["ok"] * 8
    with race_app.app_context():
        assert count(HouseholdPlan, project_id=project_id) == households


def test_a_plan_scheduled_eight_times_at_once_is_scheduled_once(race_app):
    with race_app.app_context():
        w = _world()
        plan = w.rv_plan
        plan.status = PlanStatus.agreed
        plan.window_start, plan.window_end = beijing_today(), beijing_today() + timedelta(days=5)
        plan_id, secretary = plan.id, w.secretary.id
        db.session.commit()

    def load():
        user, plan = db.session.get(User, secretary), db.session.get(HouseholdPlan, plan_id)
        return lambda: plans.transition_plan(user, plan, "schedule")
    assert sorted(at_once(race_app, [load] * 8)) == ["TransitionNotAllowed"] * 7 + ["ok"]
    with race_app.app_context():
        from residentvoice.audit.models import AuditEntry
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(
            AuditEntry.action == "renovation.plan_schedule")) == 1

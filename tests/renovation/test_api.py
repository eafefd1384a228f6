"""Renovation JSON API: projects with progress, plans (staff only),
warranties (staff and the household's own), every status documented."""
from datetime import date

import pytest

from residentvoice.renovation.models_household import PlanStatus

from .helpers import renovation_world, warranty


@pytest.fixture
def w(factory):
    return renovation_world(factory.world())


def test_projects_with_progress(w, api):
    api.login(w.resident)
    listing = api.get("/api/v1/renovation/projects")
    assert listing.status_code == 200
    item = listing.json["items"][0]
    assert item["id"] == w.rv_project.id
    assert item["progress"] == [{"id": w.rv_project.measures[0].id, "name": "立管", "done": 0,
                                 "total": 49, "as_of": None}]
    assert listing.json["next"] is None
    assert api.get(f"/api/v1/renovation/projects/{w.rv_project.id}").status_code == 200
    assert api.get("/api/v1/renovation/projects/999999").status_code == 404
    api.login(w.other_resident)
    assert api.get("/api/v1/renovation/projects").json["items"] == []


def test_record_progress_statuses(w, api):
    measure = w.rv_project.measures[0]
    url = f"/api/v1/renovation/projects/{w.rv_project.id}/progress"
    api.login(w.resident)
    assert api.post(url, json={"measure_id": measure.id, "done": 1}).status_code == 403
    api.login(w.staff)
    assert api.post(url, data="x").status_code == 400
    assert api.post(url, json={"measure_id": measure.id}).status_code == 422
    assert api.post(url, json={"measure_id": measure.id, "done": 50}).status_code == 422
    assert api.post(url, json={"measure_id": 999999, "done": 1}).status_code == 422
    assert api.post(url, json={"measure_id": measure.id, "done": 1,
                               "recorded_on": "soon"}).status_code == 422
    ok = api.post(url, json={"measure_id": measure.id, "done": 39, "recorded_on": "2025-01-01"})
    assert ok.status_code == 201
    assert ok.json["progress"][0]["done"] == 39 and ok.json["progress"][0]["as_of"] == \
        "2025-01-01"


def test_plans_are_for_staff(w, api):
    api.login(w.resident)
    assert api.get(f"/api/v1/renovation/projects/{w.rv_project.id}/plans").status_code == 403
    assert api.get(f"/api/v1/renovation/plans/{w.rv_plan.id}").status_code == 403
    assert api.get(f"/api/v1/renovation/plans/{w.rv_plan2.id}").status_code == 404
    api.login(w.staff)
    plans = api.get(f"/api/v1/renovation/projects/{w.rv_project.id}/plans").json["items"]
    assert [p["household"] for p in plans] == sorted([w.household_a.code, w.household_a2.code])
    assert api.get(f"/api/v1/renovation/plans/{w.rv_plan.id}").json["status"] == "to_visit"


def test_plan_transition_statuses(w, api):
    url = f"/api/v1/renovation/plans/{w.rv_plan.id}/transition"
    api.login(w.staff)
    assert api.post(url, json={"action": "visit"}).status_code == 403
    api.login(w.secretary)
    assert api.post(url, json={}).status_code == 422
    assert api.post(url, json={"action": "agree"}).status_code == 409
    ok = api.post(url, json={"action": "visit"})
    assert ok.status_code == 200 and ok.json["status"] == "visited"
    assert w.rv_plan.status is PlanStatus.visited


def test_warranties_staff_and_own_household(w, api, factory):
    other = warranty(w.rv_project, household=w.household_a2, starts_on=date(2024, 1, 1))
    api.login(w.resident)
    ids = [x["id"] for x in api.get("/api/v1/renovation/warranties").json["items"]]
    assert ids == [w.rv_warranty.id]
    assert api.get(f"/api/v1/renovation/warranties/{other.id}").status_code == 404
    body = api.get(f"/api/v1/renovation/warranties/{w.rv_warranty.id}").json
    assert body["organisation"]["id"] == w.organisation.id
    assert body["parts"][0]["kind"] == "water_drainage"
    api.login(w.staff)
    ids = [x["id"] for x in api.get("/api/v1/renovation/warranties").json["items"]]
    assert ids == [w.rv_warranty.id, other.id]
    api.login(w.other_secretary)
    assert api.get("/api/v1/renovation/warranties").json["items"] == []

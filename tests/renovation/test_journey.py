"""The issue's "done means" walk-through, page by page: visit, plan with
relocation for an elderly ground-floor household, schedule, supervision with
an observation that becomes a ticket, restoration, warranty, and what the
building view and the public page then show."""
from types import SimpleNamespace

from residentvoice.dates import beijing_today
from residentvoice.notifications.models import Notification
from residentvoice.renovation.models_household import (
    HouseholdPlan,
    PlanStatus,
    SupervisionStep,
)
from residentvoice.renovation.warranties import active_warranty_for
from residentvoice.tickets import providers as tickets_providers

from .helpers import project


def test_one_household_from_visit_to_warranty(factory, client, auth, db, monkeypatch):
    w = factory.world()
    ground = factory.household(w.building_a, floor=1, unit="0101")
    resident = factory.resident(ground, birth_year=1938)
    p = project(w.compound_a, w.organisation)
    plan = HouseholdPlan(project_id=p.id, household_id=ground.id)
    db.session.add(plan)
    db.session.flush()
    tickets = []
    monkeypatch.setattr(tickets_providers, "create_ticket",
                        lambda actor, **kw: tickets.append(kw) or SimpleNamespace(id=901))
    today = beijing_today().isoformat()

    auth.login(w.secretary)
    assert client.post(f"/renovation/plans/{plan.id}/visits",
                       data={"visited_on": today, "note": "老人独居"}).status_code == 302
    assert client.post(f"/renovation/plans/{plan.id}/edit", data={
        "needs": "客厅地面下有主管道", "concern_category": "water_drainage", "elderly": "y",
        "mobility": "y", "enters_home": "y", "relocates": "y", "relocation_place": "周转房",
        "relocation_from": "2025-03-01", "relocation_to": "2025-03-25",
        "window_start": "2025-03-02", "window_end": "2025-03-20",
        "restoration": "basic", "owner_pays": ""}).status_code == 302
    for action in ("agree", "schedule"):
        assert client.post(f"/renovation/plans/{plan.id}/status",
                           data={"action": action}).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == resident.id)) == 1
    auth.logout()

    auth.login(w.staff)
    assert client.post(f"/renovation/projects/{p.id}/steps/new", data={
        "title": "1-0101 地面开挖", "scheduled_on": today,
        "household_id": ground.id}).status_code == 302
    step = db.session.scalar(db.select(SupervisionStep).where(SupervisionStep.project_id == p.id))
    auth.logout()

    auth.login(w.resident)  # a neighbour supervises the excavation
    assert client.post(f"/renovation/steps/{step.id}/signup").status_code == 302
    assert client.post(f"/renovation/steps/{step.id}/observations", data={
        "text": "开挖后发现旧管接口渗水", "is_problem": "y",
        "category": "water_drainage"}).status_code == 302
    assert tickets and tickets[0]["building_id"] == w.building_a.id
    assert "T000901" in client.get(f"/renovation/steps/{step.id}").get_data(as_text=True)
    auth.logout()

    auth.login(w.secretary)
    for action in ("start_work", "restore"):
        assert client.post(f"/renovation/plans/{plan.id}/status",
                           data={"action": action}).status_code == 302
    auth.logout()
    auth.login(w.staff)
    assert client.post(f"/renovation/projects/{p.id}/warranties/new", data={
        "place": "household", "household_id": ground.id, "building_id": 0,
        "signed_on": today, "kind_1": "water_drainage", "starts_on_1": today,
        "period_months_1": "60"}).status_code == 302
    auth.logout()
    auth.login(w.secretary)
    assert client.post(f"/renovation/plans/{plan.id}/status",
                       data={"action": "sign_warranty"}).status_code == 302
    db.session.refresh(plan)
    assert plan.status is PlanStatus.warranty_signed
    building = client.get(f"/renovation/projects/{p.id}/buildings/{w.building_a.id}")
    assert "rv-p-warranty_signed" in building.get_data(as_text=True)
    found = active_warranty_for(w.compound_a.id, "water_drainage", household_id=ground.id)
    assert found.organisation_id == w.organisation.id
    auth.logout()
    auth.login(resident)
    page = client.get("/").get_data(as_text=True)
    assert f"/renovation/plans/{plan.id}" in page
    assert client.get(f"/renovation/plans/{plan.id}").status_code == 200

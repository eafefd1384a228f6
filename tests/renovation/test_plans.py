"""Household plans (一户一策): rules, the status table per role, the building
view, the demand-analysis report and who may see or edit a plan."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from residentvoice import dates, signals
from residentvoice.dates import beijing_today
from residentvoice.errors_domain import (
    Conflict,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from residentvoice.notifications.models import Notification
from residentvoice.renovation import plans
from residentvoice.renovation.models_household import (
    HouseholdPlan,
    PlanStatus,
    Restoration,
)
from residentvoice.renovation.report import demand_report

from .helpers import renovation_world, warranty

ORDER = ["visit", "agree", "schedule", "start_work", "restore", "sign_warranty"]
WINDOW = {"window_start": date(2025, 3, 1), "window_end": date(2025, 3, 20)}


@pytest.fixture
def w(factory):
    return renovation_world(factory.world())


def _walk_to(actor, plan, status):
    for action in ORDER:
        if plan.status is status:
            return plan
        if action == "schedule" and not plan.window_start:
            plans.update_plan(actor, plan, dict(WINDOW))
        if action == "sign_warranty":
            warranty(plan.project, household=plan.household)
        plans.transition_plan(actor, plan, action)
    assert plan.status is status
    return plan


def test_every_transition_in_order_for_a_secretary(w):
    plan = w.rv_plan
    _walk_to(w.secretary, plan, PlanStatus.warranty_signed)
    assert plan.status is PlanStatus.warranty_signed


def test_street_admin_may_transition(w):
    plans.transition_plan(w.street_admin, w.rv_plan, "visit")
    assert w.rv_plan.status is PlanStatus.visited


@pytest.mark.parametrize("role", ["resident", "staff", "other_secretary", "other_resident"])
@pytest.mark.parametrize("action", ORDER)
def test_transitions_refused_for_other_roles(w, role, action):
    plan = w.rv_plan
    before = {PlanStatus.to_visit: None}
    target = [PlanStatus.to_visit, PlanStatus.visited, PlanStatus.agreed, PlanStatus.scheduled,
              PlanStatus.in_work, PlanStatus.restored][ORDER.index(action)]
    _walk_to(w.secretary, plan, target)
    with pytest.raises(NotAllowed):
        plans.transition_plan(getattr(w, role), plan, action)
    assert plan.status is target and before


@pytest.mark.parametrize("status,action", [
    (PlanStatus.to_visit, "agree"), (PlanStatus.to_visit, "schedule"),
    (PlanStatus.visited, "start_work"), (PlanStatus.agreed, "restore"),
    (PlanStatus.scheduled, "sign_warranty"), (PlanStatus.in_work, "visit"),
    (PlanStatus.to_visit, "fly")])
def test_transitions_out_of_order_are_refused(w, status, action):
    plan = _walk_to(w.secretary, w.rv_plan, status)
    with pytest.raises(TransitionNotAllowed):
        plans.transition_plan(w.secretary, plan, action)
    assert plan.status is status


def test_reschedule_goes_back_to_agreed(w):
    plan = _walk_to(w.secretary, w.rv_plan, PlanStatus.scheduled)
    plans.transition_plan(w.secretary, plan, "reschedule")
    assert plan.status is PlanStatus.agreed


def test_schedule_needs_a_window(w):
    plan = _walk_to(w.secretary, w.rv_plan, PlanStatus.agreed)
    with pytest.raises(Conflict):
        plans.transition_plan(w.secretary, plan, "schedule")
    assert plan.status is PlanStatus.agreed


def test_warranty_signed_refused_without_a_warranty(w, factory):
    plan = _walk_to(w.secretary, w.rv_plan2, PlanStatus.restored)
    # household A's warranty (from the world) does not count for household A2
    with pytest.raises(Conflict):
        plans.transition_plan(w.secretary, plan, "sign_warranty")
    assert plan.status is PlanStatus.restored
    warranty(plan.project, household=w.household_a2)
    plans.transition_plan(w.secretary, plan, "sign_warranty")
    assert plan.status is PlanStatus.warranty_signed


def test_window_end_before_start_refused(w):
    with pytest.raises(InvalidInput) as error:
        plans.update_plan(w.secretary, w.rv_plan, {"window_start": date(2025, 3, 10),
                                                   "window_end": date(2025, 3, 9)})
    assert error.value.field == "window_end"
    assert w.rv_plan.window_start is None
    plans.update_plan(w.secretary, w.rv_plan, {"window_start": date(2025, 3, 10),
                                               "window_end": date(2025, 3, 10)})
    assert w.rv_plan.window_end == date(2025, 3, 10)


def test_relocation_needs_place_and_dates(w):
    base = {"relocates": True, "relocation_place": "周转房"}
    with pytest.raises(InvalidInput) as error:
        plans.update_plan(w.secretary, w.rv_plan, dict(base))
    assert error.value.field == "relocation_from"
    with pytest.raises(InvalidInput) as error:
        plans.update_plan(w.secretary, w.rv_plan, {**base, "relocation_from": date(2025, 3, 1)})
    assert error.value.field == "relocation_to"
    with pytest.raises(InvalidInput) as error:
        plans.update_plan(w.secretary, w.rv_plan, {"relocates": True,
                                                   "relocation_from": date(2025, 3, 1),
                                                   "relocation_to": date(2025, 3, 9)})
    assert error.value.field == "relocation_place"
    with pytest.raises(InvalidInput):
        plans.update_plan(w.secretary, w.rv_plan, {**base, "relocation_from": date(2025, 3, 9),
                                                   "relocation_to": date(2025, 3, 1)})
    assert w.rv_plan.relocates is False
    plans.update_plan(w.secretary, w.rv_plan, {**base, "relocation_from": date(2025, 3, 1),
                                               "relocation_to": date(2025, 3, 9)})
    assert w.rv_plan.relocates and w.rv_plan.relocation_to == date(2025, 3, 9)


def test_restoration_above_basic_needs_the_owners_amount(w):
    with pytest.raises(InvalidInput) as error:
        plans.update_plan(w.secretary, w.rv_plan, {"restoration": Restoration.above_basic})
    assert error.value.field == "owner_pays"
    with pytest.raises(InvalidInput):
        plans.update_plan(w.secretary, w.rv_plan, {"restoration": Restoration.basic,
                                                   "owner_pays": Decimal("10.00")})
    plans.update_plan(w.secretary, w.rv_plan, {"restoration": Restoration.above_basic,
                                               "owner_pays": Decimal("3500.50")})
    assert w.rv_plan.owner_pays == Decimal("3500.50")
    for bad in ("abc", "-1", "1.005", "NaN"):
        with pytest.raises(InvalidInput):
            plans.parse_amount(bad)
    assert plans.parse_amount("3,500.5") == Decimal("3500.5")


def test_contractor_cannot_edit_a_plan(w):
    with pytest.raises(NotAllowed):
        plans.update_plan(w.staff, w.rv_plan, {"needs": "x"})
    with pytest.raises(NotAllowed):
        plans.record_visit(w.staff, w.rv_plan, visited_on=beijing_today())


def test_visit_moves_to_visited_and_is_listed(w):
    plans.record_visit(w.secretary, w.rv_plan, visited_on=beijing_today(), note="老人在家")
    assert w.rv_plan.status is PlanStatus.visited
    assert w.rv_plan.visits[0].visited_by_id == w.secretary.id
    with pytest.raises(InvalidInput):
        plans.record_visit(w.secretary, w.rv_plan, visited_on=beijing_today() + timedelta(days=1))


def test_a_visit_at_dawn_in_beijing_is_today_not_tomorrow(w, monkeypatch):
    """The server keeps UTC: 07:30 on 2 June in Beijing is still 1 June there."""
    early = datetime(2030, 6, 1, 23, 30, tzinfo=timezone.utc)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return early.astimezone(tz) if tz else early.replace(tzinfo=None)
    monkeypatch.setattr(dates, "datetime", Clock)
    plans.record_visit(w.secretary, w.rv_plan, visited_on=date(2030, 6, 2))
    assert w.rv_plan.visits[0].visited_on == date(2030, 6, 2)
    with pytest.raises(InvalidInput):
        plans.record_visit(w.secretary, w.rv_plan, visited_on=date(2030, 6, 3))


def test_scheduling_notifies_the_household(w, db):
    plan = _walk_to(w.secretary, w.rv_plan, PlanStatus.agreed)
    plans.update_plan(w.secretary, plan, dict(WINDOW))
    plans.transition_plan(w.secretary, plan, "schedule")
    notes = db.session.scalars(db.select(Notification).where(
        Notification.kind == "renovation.plan_scheduled")).all()
    assert [n.user_id for n in notes] == [w.resident.id]
    assert notes[0].params["start"] == "2025-03-01"


def test_building_view_lists_every_household_with_status(w, factory):
    extra = factory.household(w.building_a, floor=1, unit="0101")
    floors, counts = plans.building_view(w.rv_project, w.building_a)
    assert [f for f, _row in floors] == [4, 3, 1]
    flat = {h.id: plan for _f, row in floors for h, plan in row}
    assert flat[extra.id] is None and flat[w.household_a.id].id == w.rv_plan.id
    assert counts[PlanStatus.to_visit] == 2


def test_create_plans_for_a_building_once(w, factory):
    extra = factory.household(w.building_a, floor=1, unit="0102")
    created = plans.create_plans(w.secretary, w.rv_project, w.building_a.households)
    assert [p.household_id for p in created] == [extra.id]
    assert plans.create_plans(w.secretary, w.rv_project, w.building_a.households) == []
    with pytest.raises(InvalidInput):
        plans.create_plans(w.secretary, w.rv_project, [w.household_b])
    with pytest.raises(NotAllowed):
        plans.create_plans(w.staff, w.rv_project, w.building_a.households)


def test_demand_report_counts_concerns_and_the_open_tickets_tickets_answers(w):
    plans.update_plan(w.secretary, w.rv_plan, {"concerns": "担心地面恢复", "concern_category":
                                               "water_drainage"})
    plans.update_plan(w.secretary, w.rv_plan2, {"concerns": "已解决", "concerns_resolved": True})
    rows = demand_report(w.rv_project)
    assert [(r["building"], r["category"], [p.id for p in r["concerns"]], r["tickets"])
            for r in rows] == [("1", "water_drainage", [w.rv_plan.id], 0)]

    def open_tickets(_sender, *, compound_id):
        assert compound_id == w.rv_project.compound_id
        return [{"building_id": w.building_a.id, "building": "1",
                 "category": "water_drainage", "count": 2},
                {"building_id": None, "building": "", "category": "roads", "count": 1}]

    with signals.open_tickets_wanted.connected_to(open_tickets):
        rows = demand_report(w.rv_project)
    assert [(r["building"], r["category"], len(r["concerns"]), r["tickets"]) for r in rows] == \
        [("1", "water_drainage", 1, 2), ("", "roads", 0, 1)]


# --- through the pages -------------------------------------------------------

def test_resident_sees_own_plan_not_anothers(w, client, auth):
    auth.login(w.resident)
    assert client.get(f"/renovation/plans/{w.rv_plan.id}").status_code == 200
    assert client.get(f"/renovation/plans/{w.rv_plan2.id}").status_code == 404
    assert client.get(f"/renovation/plans/{w.rv_plan.id}/edit").status_code == 403


def test_contractor_reads_plans_but_editing_is_403(w, client, auth):
    auth.login(w.staff)
    assert client.get(f"/renovation/plans/{w.rv_plan.id}").status_code == 200
    assert client.get(f"/renovation/projects/{w.rv_project.id}/buildings/"
                      f"{w.building_a.id}").status_code == 200
    response = client.post(f"/renovation/plans/{w.rv_plan.id}/edit", data={"needs": "改"})
    assert response.status_code == 403
    assert client.post(f"/renovation/plans/{w.rv_plan.id}/status",
                       data={"action": "visit"}).status_code == 403
    assert w.rv_plan.needs == "" and w.rv_plan.status is PlanStatus.to_visit


def test_bad_plan_input_keeps_what_was_typed(w, client, auth, db):
    auth.login(w.secretary)
    response = client.post(f"/renovation/plans/{w.rv_plan.id}/edit", data={
        "needs": "需要周转房", "concern_category": "other", "relocates": "y",
        "relocation_place": "女儿家", "relocation_from": "2025-03-01", "relocation_to": "",
        "window_start": "2025-03-10", "window_end": "2025-03-05", "restoration": "basic"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "需要周转房" in page and "女儿家" in page and "2025-03-05" in page
    assert 'class="error"' in page
    db.session.refresh(w.rv_plan)
    assert w.rv_plan.needs == "" and not w.rv_plan.relocates


def test_staff_journey_visit_agree_schedule(w, client, auth, db):
    auth.login(w.secretary)
    today = beijing_today().isoformat()
    assert client.post(f"/renovation/plans/{w.rv_plan.id}/visits",
                       data={"visited_on": today, "note": "上门"}).status_code == 302
    response = client.post(f"/renovation/plans/{w.rv_plan.id}/edit", data={
        "needs": "老人需周转", "concern_category": "water_drainage", "elderly": "y",
        "relocates": "y", "relocation_place": "周转房", "relocation_from": "2025-03-01",
        "relocation_to": "2025-03-25", "window_start": "2025-03-02", "window_end": "2025-03-20",
        "restoration": "above_basic", "owner_pays": "2800.00", "enters_home": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    for action in ("agree", "schedule"):
        assert client.post(f"/renovation/plans/{w.rv_plan.id}/status",
                           data={"action": action}).status_code == 302
    db.session.refresh(w.rv_plan)
    assert w.rv_plan.status is PlanStatus.scheduled and w.rv_plan.owner_pays == Decimal("2800")
    page = client.get(f"/renovation/projects/{w.rv_project.id}/buildings/{w.building_a.id}")
    assert "rv-p-scheduled" in page.get_data(as_text=True)
    report = client.get(f"/renovation/projects/{w.rv_project.id}/report")
    assert report.status_code == 200


def test_home_section_for_resident_and_secretary(w, client, auth):
    plans.update_plan(w.secretary, w.rv_plan, dict(WINDOW))
    auth.login(w.resident)
    page = client.get("/").get_data(as_text=True)
    assert f"/renovation/plans/{w.rv_plan.id}" in page
    auth.logout()
    auth.login(w.secretary)
    page = client.get("/").get_data(as_text=True)
    assert w.household_a2.label in page


def test_plan_rows_are_unique_per_project_and_household(w, db):
    from sqlalchemy.exc import IntegrityError
    db.session.add(HouseholdPlan(project_id=w.rv_project.id, household_id=w.household_a.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_unknown_concern_category_refused(w):
    for bad in (None, "moon"):
        with pytest.raises(InvalidInput) as error:
            plans.update_plan(w.secretary, w.rv_plan, {"concern_category": bad})
        assert error.value.field == "concern_category"
    assert w.rv_plan.concern_category == "other"


def test_empty_plan_form_changes_nothing(w, client, auth, db):
    auth.login(w.secretary)
    response = client.post(f"/renovation/plans/{w.rv_plan.id}/edit", data={})
    assert response.status_code in (302, 422)
    db.session.refresh(w.rv_plan)
    assert w.rv_plan.concern_category == "other" and w.rv_plan.needs == ""

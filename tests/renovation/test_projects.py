"""Projects: status table per role, progress in the project's own units,
scope, notices and the public pages."""
from datetime import date

import pytest

from residentvoice.audit.models import AuditEntry
from residentvoice.errors_domain import InvalidInput, NotAllowed, TransitionNotAllowed
from residentvoice.renovation import projects
from residentvoice.renovation.models import ProjectStatus

from .helpers import renovation_world

PATH = [("start", ProjectStatus.in_progress), ("suspend", ProjectStatus.suspended),
        ("resume", ProjectStatus.in_progress), ("complete", ProjectStatus.completed)]


@pytest.fixture
def w(factory):
    return renovation_world(factory.world())


def test_status_path_records_actual_dates(w):
    p = w.rv_project
    for action, status in PATH:
        projects.transition_project(w.secretary, p, action, today=date(2025, 4, 1))
        assert p.status is status
    assert p.actual_start == date(2025, 4, 1) and p.actual_end == date(2025, 4, 1)


def test_cancel_only_before_start(w):
    p = w.rv_project
    projects.transition_project(w.street_admin, p, "start")
    with pytest.raises(TransitionNotAllowed):
        projects.transition_project(w.secretary, p, "cancel")
    with pytest.raises(TransitionNotAllowed):
        projects.transition_project(w.secretary, p, "start")


@pytest.mark.parametrize("role", ["resident", "staff", "other_secretary", "other_resident"])
def test_only_managers_change_status(w, role):
    with pytest.raises(NotAllowed):
        projects.transition_project(getattr(w, role), w.rv_project, "start")
    assert w.rv_project.status is ProjectStatus.planned


def test_progress_above_total_or_negative_refused(w):
    measure = w.rv_project.measures[0]
    with pytest.raises(InvalidInput) as error:
        projects.record_progress(w.secretary, measure, done=50, recorded_on=date(2025, 1, 1))
    assert error.value.field == "done"
    with pytest.raises(InvalidInput):
        projects.record_progress(w.secretary, measure, done=-1, recorded_on=date(2025, 1, 1))
    assert measure.entries == []
    projects.record_progress(w.staff, measure, done=39, recorded_on=date(2025, 1, 1))
    projects.record_progress(w.secretary, measure, done=49, recorded_on=date(2025, 2, 1))
    assert (measure.done, measure.total, measure.percent) == (49, 49, 100)


def test_progress_by_residents_refused(w):
    with pytest.raises(NotAllowed):
        projects.record_progress(w.resident, w.rv_project.measures[0], done=1,
                                 recorded_on=date(2025, 1, 1))


def test_several_measures_and_latest_reading_by_date(w):
    households = projects.add_measure(w.secretary, w.rv_project, name="户", total=273)
    projects.record_progress(w.secretary, households, done=228, recorded_on=date(2025, 5, 1))
    projects.record_progress(w.secretary, households, done=200, recorded_on=date(2025, 4, 1))
    assert [m.name for m in w.rv_project.measures] == ["立管", "户"]
    assert households.done == 228
    with pytest.raises(InvalidInput):
        projects.add_measure(w.secretary, w.rv_project, name="x", total=0)


def test_dates_and_parties_checked(w):
    with pytest.raises(InvalidInput) as error:
        projects.create_project(w.secretary, w.compound_a, {
            "name": "改造", "planned_start": date(2025, 5, 1), "planned_end": date(2025, 4, 1)})
    assert error.value.field == "planned_end"
    with pytest.raises(InvalidInput):
        projects.create_project(w.secretary, w.compound_a, {"name": "改造",
                                                             "construction_party_id": 999999})
    with pytest.raises(NotAllowed):
        projects.create_project(w.other_secretary, w.compound_a, {"name": "改造"})
    with pytest.raises(InvalidInput):
        projects.add_scope_item(w.secretary, w.rv_project, scope_class="basic", kind="moon",
                                title="")
    item = projects.add_scope_item(w.secretary, w.rv_project, scope_class="upgrade",
                                   kind="elevator", title="")
    assert item.title == "" and item.display_title == item.kind_label


def test_changes_are_audited(w, db):
    projects.transition_project(w.secretary, w.rv_project, "start")
    projects.record_progress(w.staff, w.rv_project.measures[0], done=3,
                             recorded_on=date(2025, 1, 1))
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"renovation.project_start", "renovation.progress_recorded"} <= actions


def test_public_page_shows_chart_and_notices_without_login(w, client):
    projects.record_progress(w.secretary, w.rv_project.measures[0], done=39,
                             recorded_on=date(2025, 1, 1))
    projects.post_notice(w.secretary, w.rv_project, title="停水通知", body="周三停水")
    for url in (f"/renovation/projects/{w.rv_project.id}",
                f"/renovation/compounds/{w.compound_a.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<svg" in page and "39 / 49 (79%)" in page
        assert "停水通知" in page and 'style="' not in page and "<script>" not in page


def test_progress_form_refuses_above_total_and_keeps_value(w, client, auth):
    auth.login(w.staff)
    measure = w.rv_project.measures[0]
    response = client.post(f"/renovation/projects/{w.rv_project.id}/progress", data={
        "measure_id": measure.id, "done": "60", "recorded_on": "2025-01-02", "note": "第二批"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="60"' in page and "第二批" in page and 'class="error"' in page
    response = client.post(f"/renovation/projects/{w.rv_project.id}/progress", data={
        "measure_id": measure.id, "done": "39", "recorded_on": "2025-01-02"})
    assert response.status_code == 302
    assert measure.done == 39


def test_manage_pages_create_edit_scope_notice(w, client, auth, factory):
    auth.login(w.secretary)
    response = client.post("/renovation/projects/new", data={
        "compound_id": w.compound_a.id, "name": "雨污分流", "implementing_body_id": 0,
        "construction_party_id": w.organisation.id, "planned_start": "2025-05-01",
        "planned_end": "2025-04-01"})
    assert response.status_code == 422 and "雨污分流" in response.get_data(as_text=True)
    response = client.post("/renovation/projects/new", data={
        "compound_id": w.compound_b.id, "name": "别人的", "implementing_body_id": 0,
        "construction_party_id": 0})
    assert "别人的" in response.get_data(as_text=True)  # refused, value kept
    base = f"/renovation/projects/{w.rv_project.id}"
    assert client.post(base + "/scope", data={"scope_class": "basic", "kind": "roads",
                                              "title": "路面"}).status_code == 302
    assert client.post(base + "/measures", data={"name": "户", "total": "0"}).status_code == 422
    assert client.post(base + "/notices", data={"title": "", "body": "x"}).status_code == 422
    assert client.post(base + "/manage", data={
        "name": "上下水改造（一期）", "implementing_body_id": 0,
        "construction_party_id": w.organisation.id}).status_code == 302
    assert w.rv_project.name == "上下水改造（一期）"
    assert client.post(base + "/status", data={"action": "start"}).status_code == 302
    assert w.rv_project.status is ProjectStatus.in_progress


def test_projects_by_id_for_tickets_routing_rules(w):
    from residentvoice.renovation.services import projects_by_id
    found = projects_by_id([w.rv_project.id, 999999])
    assert set(found) == {w.rv_project.id} and found[w.rv_project.id].name == "上下水改造"

"""Warranty lookup (active_warranty provider), signing rules and the expiry list."""
from datetime import date, datetime, timedelta
from io import BytesIO

import pytest

from residentvoice.dates import beijing_today
from residentvoice.errors_domain import InvalidInput, NotAllowed
from residentvoice.renovation import warranties
from residentvoice.renovation.warranties import active_warranty_for, period_end

from .helpers import project, warranty


@pytest.fixture
def w(factory):
    world = factory.world()
    world.project = project(world.compound_a, world.organisation)
    return world


def test_period_end_is_the_last_day_covered():
    assert period_end(date(2024, 3, 1), 24) == date(2026, 2, 28)
    assert period_end(date(2024, 1, 31), 1) == date(2024, 2, 28)
    assert period_end(date(2023, 8, 1), 60) == date(2028, 7, 31)


def test_lookup_inside_on_the_last_day_and_after_expiry(w):
    start = date(2024, 3, 1)
    agreement = warranty(w.project, household=w.household_a, starts_on=start, months=24)
    last = date(2026, 2, 28)
    find = lambda at: active_warranty_for(w.compound_a.id, "water_drainage",  # noqa: E731
                                          household_id=w.household_a.id, at=at)
    inside = find(date(2025, 1, 1))
    assert inside.id == agreement.id and inside.organisation_id == w.organisation.id
    assert inside.organisation.name == w.organisation.name and inside.ends_on == last
    assert inside.title == "保修协议"
    assert find(last) is not None
    assert find(datetime(2026, 2, 28, 23, 30)) is not None
    assert find(last + timedelta(days=1)) is None
    assert find(start - timedelta(days=1)) is None
    assert find(start).id == agreement.id


def test_lookup_is_per_part_and_per_compound(w):
    warranty(w.project, household=w.household_a, starts_on=date(2024, 1, 1))
    at = date(2024, 6, 1)
    assert active_warranty_for(w.compound_a.id, "facade_ac", household_id=w.household_a.id,
                               at=at) is None
    assert active_warranty_for(w.compound_b.id, "water_drainage",
                               household_id=w.household_a.id, at=at) is None
    assert active_warranty_for(w.compound_a.id, "water_drainage",
                               household_id=w.household_a2.id, at=at) is None
    assert active_warranty_for(w.compound_a.id, "water_drainage", at=at) is None


def test_building_warranty_covers_its_households_and_household_one_wins(w, factory):
    other_party = factory.organisation([w.compound_a])
    building_level = warranty(w.project, building=w.building_a, kind="facade_ac",
                              starts_on=date(2024, 1, 1), months=36, organisation=other_party)
    at = date(2025, 1, 1)
    by_building = active_warranty_for(w.compound_a.id, "facade_ac", building_id=w.building_a.id,
                                      at=at)
    assert by_building.id == building_level.id
    via_household = active_warranty_for(w.compound_a.id, "facade_ac",
                                        household_id=w.household_a2.id, at=at)
    assert via_household.id == building_level.id
    assert via_household.organisation_id == other_party.id
    own = warranty(w.project, household=w.household_a, kind="facade_ac",
                   starts_on=date(2024, 6, 1), months=12)
    found = active_warranty_for(w.compound_a.id, "facade_ac", household_id=w.household_a.id,
                                building_id=w.building_a.id, at=at)
    assert found.id == own.id
    assert active_warranty_for(w.compound_a.id, "facade_ac", building_id=w.building_b.id,
                               at=at) is None


def test_sign_warranty_checks_period_parts_and_place(w):
    sign = lambda **kw: warranties.sign_warranty(  # noqa: E731
        w.secretary, w.project, signed_on=date(2024, 1, 1), **kw)
    for months in (0, -3):
        with pytest.raises(InvalidInput) as error:
            sign(household_id=w.household_a.id,
                 parts=[("water_drainage", date(2024, 1, 1), months)])
        assert error.value.field == "parts"
    with pytest.raises(InvalidInput):
        sign(household_id=w.household_a.id, parts=[])
    with pytest.raises(InvalidInput):
        sign(household_id=w.household_a.id, parts=[("spaceship", date(2024, 1, 1), 12)])
    with pytest.raises(InvalidInput):
        sign(household_id=w.household_b.id, parts=[("water_drainage", date(2024, 1, 1), 12)])
    with pytest.raises(InvalidInput):
        sign(household_id=w.household_a.id, building_id=w.building_a.id,
             parts=[("water_drainage", date(2024, 1, 1), 12)])
    assert warranties.warranties_of_project(w.project) == []
    agreement = sign(household_id=w.household_a.id,
                     parts=[("water_drainage", date(2024, 1, 1), 12),
                            ("other", date(2024, 1, 1), 6)])
    assert [p.ends_on for p in agreement.parts] == [date(2024, 12, 31), date(2024, 6, 30)]
    assert agreement.organisation_id == w.organisation.id


def test_contractor_signs_residents_may_not(w):
    parts = [("water_drainage", date(2024, 1, 1), 12)]
    done = warranties.sign_warranty(w.staff, w.project, household_id=w.household_a.id,
                                    signed_on=date(2024, 1, 1), parts=parts)
    assert done.recorded_by_id == w.staff.id
    for user in (w.resident, w.other_secretary):
        with pytest.raises(NotAllowed):
            warranties.sign_warranty(user, w.project, household_id=w.household_a.id,
                                     signed_on=date(2024, 1, 1), parts=parts)


def test_expiring_within_30_days_listed(w):
    today = date(2025, 6, 1)
    soon = warranty(w.project, household=w.household_a, starts_on=date(2024, 6, 20), months=12)
    warranty(w.project, household=w.household_a2, starts_on=date(2024, 8, 1), months=12)
    warranty(w.project, building=w.building_a, starts_on=date(2023, 1, 1), months=12)
    parts = warranties.expiring_parts({w.compound_a.id}, today=today)
    assert [p.warranty_id for p in parts] == [soon.id]
    assert warranties.expiring_parts({w.compound_b.id}, today=today) == []


def test_warranty_form_keeps_values_and_says_why(w, client, auth):
    auth.login(w.secretary)
    url = f"/renovation/projects/{w.project.id}/warranties/new"
    response = client.post(url, data={"place": "household", "household_id": w.household_a.id,
                                      "building_id": 0, "title": "一层保修", "signed_on": "2024-05-01",
                                      "kind_1": "water_drainage", "starts_on_1": "2024-05-01",
                                      "period_months_1": "0"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "一层保修" in page and "2024-05-01" in page
    assert "A warranty period must be at least one month." in page or "保修期" in page
    assert warranties.warranties_of_project(w.project) == []


def test_warranty_with_signed_copy_and_who_sees_it(w, client, auth):
    auth.login(w.staff)
    pdf = BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    response = client.post(f"/renovation/projects/{w.project.id}/warranties/new", data={
        "place": "building", "household_id": 0, "building_id": w.building_a.id,
        "signed_on": "2024-05-01", "kind_1": "facade_ac", "starts_on_1": "2024-05-01",
        "period_months_1": "24", "signed_copy": (pdf, "signed.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    agreement = warranties.warranties_of_project(w.project)[0]
    assert agreement.building_id == w.building_a.id
    page = client.get(f"/renovation/warranties/{agreement.id}").get_data(as_text=True)
    assert "/uploads/" in page
    upload_url = page.split('href="/uploads/')[1].split('"')[0]
    assert client.get("/uploads/" + upload_url).status_code == 200
    auth.logout()
    auth.login(w.other_resident)
    assert client.get("/uploads/" + upload_url).status_code == 404
    auth.logout()
    auth.login(w.resident)  # lives in building A: its common-parts warranty is theirs to see
    assert client.get(f"/renovation/warranties/{agreement.id}").status_code == 200


def test_expiring_list_on_the_secretarys_page(w, client, auth):
    soon = beijing_today() + timedelta(days=5)
    starts = warranties.add_months(soon + timedelta(days=1), -12)
    warranty(w.project, household=w.household_a, starts_on=starts, months=12)
    auth.login(w.secretary)
    page = client.get("/renovation/warranties").get_data(as_text=True)
    assert "rv-alert" in page and w.household_a.label in page
    home = client.get("/").get_data(as_text=True)
    assert "/renovation/warranties" in home and "30" in home


def test_warranty_list_is_paged(w, client, auth):
    for _n in range(31):
        warranty(w.project, household=w.household_a2, starts_on=date(2024, 1, 1))
    auth.login(w.secretary)
    first = client.get("/renovation/warranties").get_data(as_text=True)
    assert "page=2" in first
    second = client.get("/renovation/warranties?page=2")
    assert second.status_code == 200 and "/renovation/warranties/" in second.get_data(as_text=True)
    assert client.get("/renovation/warranties?page=99").status_code == 200

"""Needs surveys (改造意愿征集): answers, door-to-door visits, results per
item with area, and visit coverage."""
from datetime import timedelta
from decimal import Decimal

import pytest

from residentvoice.dates import beijing_today
from residentvoice.errors_domain import Conflict, InvalidInput, NotAllowed
from residentvoice.renovation import surveys
from residentvoice.renovation.models_household import ResponseStatus


@pytest.fixture
def w(factory):
    world = factory.world()
    world.survey = surveys.open_survey(world.secretary, world.compound_a, title="意愿征集",
                                       kinds=["water_drainage", "roads", "elevator"])
    world.water, world.roads, world.elevator = world.survey.options
    return world


def test_open_survey_rules(w):
    with pytest.raises(InvalidInput):
        surveys.open_survey(w.secretary, w.compound_a, title="x", kinds=[])
    with pytest.raises(InvalidInput):
        surveys.open_survey(w.secretary, w.compound_a, title="", kinds=["roads"])
    with pytest.raises(NotAllowed):
        surveys.open_survey(w.resident, w.compound_a, title="x", kinds=["roads"])


def test_results_per_item_count_households_and_area(w, factory):
    third = factory.household(w.building_a, area="44.10", floor=5, unit="0501")
    surveys.answer(w.resident, w.survey, w.household_a, option_ids=[w.water.id, w.roads.id],
                   problems="水管锈蚀")
    surveys.answer(w.secretary, w.survey, w.household_a2, option_ids=[w.water.id],
                   visited_on=beijing_today())
    surveys.answer(w.secretary, w.survey, third, absent=True, visited_on=beijing_today())
    results = {o.kind: (count, area) for o, count, area in surveys.results(w.survey)}
    assert results == {"water_drainage": (2, Decimal("135.75")),
                       "roads": (1, Decimal("80.50")), "elevator": (0, Decimal("0.00"))}


def test_coverage_by_building_and_floor(w, factory):
    unreached = factory.household(w.building_a, floor=5, unit="0502")
    surveys.answer(w.resident, w.survey, w.household_a, option_ids=[w.water.id])
    surveys.answer(w.secretary, w.survey, w.household_a2, absent=True, visited_on=beijing_today())
    grid, totals = surveys.coverage(w.survey)
    assert totals == {"answered": 1, "absent": 1, "unreached": 1}
    building, floors = grid[0]
    assert building.id == w.building_a.id
    assert [f for f, _row in floors] == [5, 4, 3]
    states = {h.id: (r.status if r else None) for _f, row in floors for h, r in row}
    assert states == {unreached.id: None, w.household_a2.id: ResponseStatus.absent,
                      w.household_a.id: ResponseStatus.answered}


def test_visit_records_who_and_when_and_answer_replaces_absent(w):
    day = beijing_today() - timedelta(days=1)
    first = surveys.answer(w.secretary, w.survey, w.household_a2, absent=True, visited_on=day)
    assert (first.visited_by_id, first.visited_on, first.status) == \
        (w.secretary.id, day, ResponseStatus.absent)
    again = surveys.answer(w.secretary, w.survey, w.household_a2, option_ids=[w.roads.id],
                           visited_on=beijing_today())
    assert again.id == first.id and again.status is ResponseStatus.answered
    with pytest.raises(Conflict):
        surveys.answer(w.secretary, w.survey, w.household_a2, absent=True,
                       visited_on=beijing_today())


def test_answer_rules(w):
    with pytest.raises(NotAllowed):
        surveys.answer(w.resident, w.survey, w.household_a2, option_ids=[w.water.id])
    with pytest.raises(NotAllowed):
        surveys.answer(w.other_resident, w.survey, w.household_b, option_ids=[w.water.id])
    with pytest.raises(InvalidInput):
        surveys.answer(w.resident, w.survey, w.household_a)
    with pytest.raises(InvalidInput):
        surveys.answer(w.secretary, w.survey, w.household_a, option_ids=[w.water.id])
    with pytest.raises(InvalidInput):
        surveys.answer(w.resident, w.survey, w.household_a, option_ids=[999999])
    surveys.close_survey(w.secretary, w.survey)
    with pytest.raises(Conflict):
        surveys.answer(w.resident, w.survey, w.household_a, option_ids=[w.water.id])


def test_resident_answers_on_the_phone(w, client, auth):
    auth.login(w.resident)
    url = f"/renovation/surveys/{w.survey.id}/households/{w.household_a.id}"
    response = client.post(url, data={"problems": "下水返味"})
    assert response.status_code == 302
    assert surveys.response_of(w.survey, w.household_a).problems == "下水返味"
    bad = client.post(url, data={"option_ids": "999999", "problems": "保留这段"})
    assert bad.status_code == 422 and "保留这段" in bad.get_data(as_text=True)


def test_results_page_with_coverage_grid(w, client, auth):
    surveys.answer(w.resident, w.survey, w.household_a, option_ids=[w.water.id])
    auth.login(w.secretary)
    page = client.get(f"/renovation/surveys/{w.survey.id}").get_data(as_text=True)
    assert "rv-unreached" in page and "rv-answered" in page and "80.50" in page


def test_residents_find_the_open_survey_and_managers_the_tools(w, client, auth):
    auth.login(w.resident)
    assert f"/renovation/surveys/{w.survey.id}" in client.get("/").get_data(as_text=True)
    page = client.get(f"/renovation/surveys/{w.survey.id}").get_data(as_text=True)
    assert f"/households/{w.household_a.id}" in page and "rv-unreached" not in page
    auth.logout()
    auth.login(w.secretary)
    page = client.get("/renovation/").get_data(as_text=True)
    assert f"/renovation/compounds/{w.compound_a.id}/surveys/new" in page
    assert f"/renovation/surveys/{w.survey.id}" in page

"""Query counts per page do not grow with the data (DESIGN §8)."""
from contextlib import contextmanager

from sqlalchemy import event

from residentvoice.dates import beijing_today
from residentvoice.renovation import plans, surveys

from .helpers import renovation_world, warranty


@contextmanager
def count_queries(db):
    seen = []
    engine = db.session.get_bind()
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _pages(w):
    return [f"/renovation/projects/{w.rv_project.id}/buildings/{w.building_a.id}",
            "/renovation/warranties", f"/renovation/surveys/{w.rv_survey.id}",
            f"/renovation/projects/{w.rv_project.id}/report",
            f"/renovation/projects/{w.rv_project.id}"]


def _measure(client, db, w, url):
    db.session.commit()  # the test's own pending setup is not the page's work
    with count_queries(db) as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(seen)


def test_pages_do_not_grow_with_households(factory, client, auth, db):
    w = renovation_world(factory.world())
    auth.login(w.secretary)
    surveys.answer(w.secretary, w.rv_survey, w.household_a,
                   option_ids=[w.rv_survey.options[0].id], visited_on=beijing_today())
    plans.update_plan(w.secretary, w.rv_plan, {"concerns": "担心地面", "concern_category": "noise"})
    urls = _pages(w)
    before = {u: _measure(client, db, w, u) for u in urls}
    more = [factory.household(w.building_a, floor=f, unit=f"{f:02d}9{n}")
            for f in (1, 2, 5) for n in range(4)]
    for plan in plans.create_plans(w.secretary, w.rv_project, more):
        plans.update_plan(w.secretary, plan, {"concerns": "担心噪音", "concern_category": "noise"})
    for household in more:
        warranty(w.rv_project, household=household)
        surveys.answer(w.secretary, w.rv_survey, household,
                       option_ids=[w.rv_survey.options[0].id], visited_on=beijing_today())
    after = {u: _measure(client, db, w, u) for u in urls}
    assert after == before


def test_a_buildings_timeline_does_not_grow_with_its_entries(factory, client, auth, db):
    """More posted steps (with photos), readings, observations and notices:
    the same number of queries for the building's timeline."""
    from datetime import timedelta

    from residentvoice.renovation import projects, supervision, timeline

    from .test_timeline import photo

    w = renovation_world(factory.world())
    auth.login(w.resident)
    supervision.sign_up(w.resident, w.rv_step)
    url = f"/renovation/projects/{w.rv_project.id}/buildings/{w.building_a.id}/timeline"

    def add_round(n):
        day = beijing_today() - timedelta(days=30 - n)
        timeline.add_milestone(w.staff if n % 2 else w.secretary, w.rv_project, w.building_a,
                               happened_on=day, stage="during", title=f"第{n}步",
                               photos=[photo()])
        projects.record_progress(w.staff, w.rv_project.measures[0], done=n, recorded_on=day)
        supervision.record_observation(w.resident, w.rv_step, text=f"观察{n}", photos=[photo()])
        projects.post_notice(w.secretary, w.rv_project, title=f"通知{n}", body="")
    add_round(1)
    add_round(2)
    before = _measure(client, db, w, url)
    for n in range(3, 9):
        add_round(n)
    assert _measure(client, db, w, url) == before

"""Query counts per page do not grow with the data (DESIGN §8)."""
from contextlib import contextmanager
from datetime import date

from sqlalchemy import event

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
                   option_ids=[w.rv_survey.options[0].id], visited_on=date.today())
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
                       option_ids=[w.rv_survey.options[0].id], visited_on=date.today())
    after = {u: _measure(client, db, w, u) for u in urls}
    assert after == before

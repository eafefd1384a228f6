"""A resident on the project page sees their household plan — or, with none
yet, why and what happens before work enters their flat (issue 17 §5)."""
import pytest

from .helpers import project, renovation_world


@pytest.fixture
def w(factory):
    return renovation_world(factory.world())


def test_the_resident_sees_their_plan(w, client, auth):
    auth.login(w.resident)
    page = client.get(f"/renovation/projects/{w.rv_project.id}").get_data(as_text=True)
    assert "您家的一户一策" in page and f"/renovation/plans/{w.rv_plan.id}" in page


def test_without_a_plan_the_page_says_why_and_leads_on(w, client, auth):
    other = project(w.compound_a, w.organisation, name="外立面改造")
    auth.login(w.resident)
    page = client.get(f"/renovation/projects/{other.id}").get_data(as_text=True)
    assert "这个项目还没有为您家制定一户一策" in page and "/tickets/new" in page


def test_staff_see_no_such_section(w, client, auth):
    auth.login(w.staff)
    page = client.get(f"/renovation/projects/{w.rv_project.id}").get_data(as_text=True)
    assert "您家的一户一策" not in page

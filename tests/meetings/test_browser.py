"""Two screens at once: the chair's (tablet) and a resident's (phone).  The
resident asks for the floor on her phone; the chair calls the next speaker;
the resident's page shows her speaking without being reloaded."""

import pytest

from tests.meetings.live_meeting import meeting_in_session
from tests.e2e.conftest import (a11y, axe, browser, layout_problems, live, login,  # noqa: F401
                               new_page, shoot)

pytestmark = pytest.mark.browser


def _meeting_in_debate(live):
    """A council meeting in 东四十条甲34号院, in session, with a motion in debate."""
    meeting_id, wang_name, _mover = meeting_in_session(
        live, title="浏览器测试议事会", item="花箱摆放", motion="沿主路摆放12个花箱")
    return meeting_id, wang_name


def test_the_resident_page_updates_when_the_chair_calls_the_next_speaker(
        live, new_page, login, shoot, layout_problems, a11y):
    meeting_id, name = _meeting_in_debate(live)
    resident = new_page()
    chair = new_page(width=1024, height=768)
    login(resident, "13800000001")
    login(chair, "13900000001")
    resident.goto(f"/meetings/{meeting_id}/live")
    resident.get_by_role("button", name="发言支持").click()
    resident.wait_for_load_state()
    assert name in resident.locator(".queue-list").inner_text()

    chair.goto(f"/meetings/{meeting_id}/chair")
    assert name in chair.locator(".queue-list").inner_text()
    resident.evaluate("window.__stillTheSamePage = true")
    chair.get_by_role("button", name="请下一位发言").click()
    chair.wait_for_load_state()

    speaking = resident.locator(".speaking")
    speaking.wait_for(timeout=10_000)
    assert name in speaking.inner_text()
    assert resident.evaluate("window.__stillTheSamePage === true")   # no reload
    countdown = resident.locator("[data-countdown-from]")
    first = countdown.inner_text()
    resident.wait_for_timeout(1500)
    assert countdown.inner_text() != first                         # the timer counts down
    shoot(resident, "meetings-live-resident")
    shoot(chair, "meetings-chair")
    assert layout_problems(resident) + a11y(resident) == []
    assert layout_problems(chair) + a11y(chair) == []


def test_meeting_pages_fit_a_360_px_phone(live, new_page, login, layout_problems, a11y):
    """The demo meetings' pages: no sideways scrolling, 44 px tap targets, no serious
    accessibility violations."""
    from residentvoice.meetings.demo import NEXT_TITLE, PAST_TITLE
    from residentvoice.meetings.models import Meeting
    with live.session() as s:
        ids = {m.title: m.id for m in s.scalars(s.query(Meeting).statement)}
    past, upcoming = ids[PAST_TITLE], ids[NEXT_TITLE]
    resident = new_page(width=360)
    secretary = new_page(width=360)
    login(resident, "13800000001")
    login(secretary, "13900000001")
    problems = {}
    for page, path in [(resident, "/meetings/"), (resident, f"/meetings/{past}"),
                       (resident, f"/meetings/{past}/minutes"),
                       (resident, f"/meetings/{upcoming}"),
                       (resident, f"/meetings/{upcoming}/notice"),
                       (resident, f"/meetings/{upcoming}/live"),
                       (secretary, f"/meetings/{upcoming}"),
                       (secretary, f"/meetings/{upcoming}/attendance"),
                       (secretary, f"/meetings/{upcoming}/items/new")]:
        page.goto(path)
        found = layout_problems(page) + a11y(page)
        if found:
            problems[path] = found
    assert problems == {}

"""Votes on phones, in Chromium at 390×844 in Chinese (issue 19 §7): a
resident votes from the live screen on her phone, changes her mind, a
neighbour in elder mode votes too, and the chair's screen — open beside
them, never reloaded — counts them live; the chair adds the hand of the one
without a phone and both screens show the result."""

import pytest

from tests.meetings.live_meeting import meeting_in_session
from tests.e2e.conftest import (a11y, axe, browser, layout_problems, live, login,  # noqa: F401
                               new_page, shoot)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def _meeting_voting(live):
    """A council meeting in 东四十条甲34号院, in session, its motion put to the
    vote; 王 (13800000001) and two neighbours checked in; the secretary chairs."""
    meeting_id, _wang, mover_phone = meeting_in_session(
        live, title="手机表决议事会", item="车棚选址", motion="在3号楼东侧建非机动车棚",
        call_vote=True)
    return meeting_id, mover_phone


def _tally(page):
    return page.locator(".tally dd").all_inner_texts()


def test_a_resident_votes_on_her_phone_and_the_chair_screen_counts_it(
        live, new_page, login, shoot, layout_problems, a11y):
    meeting_id, mover_phone = _meeting_voting(live)
    resident = new_page()
    chair = new_page()
    login(resident, "13800000001")
    login(chair, "13900000001")
    chair.goto(f"/meetings/{meeting_id}/chair")
    assert _tally(chair) == ["0", "0", "0"]
    assert "到会可投票 3 人，已有 0 人在手机上投票" in chair.inner_text(".phone-count")
    chair.evaluate("window.__stillTheSamePage = true")

    resident.goto(f"/meetings/{meeting_id}/live")
    assert "请在手机上投票" in resident.inner_text(".phone-vote")
    resident.get_by_role("button", name="赞成").click()
    resident.wait_for_load_state()
    assert "您的投票：赞成" in resident.inner_text(".my-vote")
    assert resident.get_by_role("button", name="赞成").get_attribute("aria-pressed") == "true"
    shoot(resident, "meetings-phone-vote-resident")

    expect(chair.locator(".tally dd")).to_have_text(["1", "0", "0"], timeout=10_000)
    assert chair.evaluate("window.__stillTheSamePage === true")     # counted without a reload
    assert "已有 1 人在手机上投票" in chair.inner_text(".phone-count")

    resident.get_by_role("button", name="弃权").click()              # she changes her mind
    resident.wait_for_load_state()
    assert "您的投票：弃权" in resident.inner_text(".my-vote")
    expect(chair.locator(".tally dd")).to_have_text(["0", "0", "1"], timeout=10_000)
    # The mover, in elder mode (长辈版), votes against.
    elder = new_page()
    elder.context.add_cookies([{"name": "rv_large", "value": "1", "url": live.base}])
    login(elder, mover_phone)
    elder.goto(f"/meetings/{meeting_id}/live")
    assert "elder" in (elder.get_attribute("html", "class") or "")
    elder.get_by_role("button", name="反对").click()
    elder.wait_for_load_state()
    assert "您的投票：反对" in elder.inner_text(".my-vote")
    shoot(elder, "meetings-phone-vote-elder")
    expect(chair.locator(".tally dd")).to_have_text(["0", "1", "1"], timeout=10_000)
    shoot(chair, "meetings-phone-vote-chair")
    assert layout_problems(resident) + a11y(resident) == []
    assert layout_problems(elder) + a11y(elder) == []
    assert layout_problems(chair) + a11y(chair) == []

    # The third neighbour has no phone with her and raises her hand for it.
    chair.fill("#votes_for", "1")
    chair.get_by_role("button", name="记录表决结果").click()
    chair.wait_for_load_state()
    assert "未通过" in chair.inner_text("main")                      # a tie fails
    expect(resident.locator("#live")).to_contain_text("赞成 1，反对 1，弃权 1", timeout=10_000)
    assert resident.locator(".phone-vote").count() == 0             # the vote is closed
    shoot(resident, "meetings-phone-vote-result")

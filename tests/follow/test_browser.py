"""Follow on a phone, in Chinese (issue 19 §4): a resident of 东四十条甲34号院
follows a meeting from its page, finds it under 我的关注, and stops following."""
import pytest

from tests.e2e.conftest import (browser, layout_problems, live, login, new_page,  # noqa: F401
                                shoot, submit)

pytestmark = pytest.mark.browser

RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601


def test_a_resident_follows_a_meeting_and_stops(new_page, login, shoot, submit, layout_problems):
    page = new_page()
    login(page, RESIDENT)
    page.goto("/meetings/")
    submit(page, "ul.meeting-list li a")
    title = page.inner_text("h1")
    meeting_url = page.url
    submit(page, "form.follow-form button")
    assert "已关注" in page.inner_text("form.follow-form")
    assert page.url == meeting_url
    assert layout_problems(page) == []
    shoot(page, "follow-zh-meeting")

    page.locator("details.menu summary").click()
    submit(page, "nav a[href='/follow/']")
    assert title in page.inner_text("main")
    assert layout_problems(page) == []
    shoot(page, "follow-zh-list")
    submit(page, "ul.follow-list form.follow-form button")
    assert title not in page.inner_text("main ul.follow-list")

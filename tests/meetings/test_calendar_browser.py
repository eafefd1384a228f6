"""Calendar on a phone (issue 19 §6), in Chinese: a resident of 东四十条甲34号院
downloads a meeting's .ics from its page, then makes her calendar address,
fetches the feed with it (no session, as a phone calendar does) and turns it
off again."""
import urllib.request

import pytest
from icalendar import Calendar

from tests.e2e.conftest import (browser, layout_problems, live, login, new_page,  # noqa: F401
                                shoot, submit)

pytestmark = pytest.mark.browser

RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601


def test_a_resident_puts_meetings_in_her_phone_calendar(new_page, live, login, shoot, submit,
                                                         layout_problems):
    page = new_page()
    login(page, RESIDENT)
    page.goto("/meetings/")
    assert layout_problems(page) == []
    submit(page, "ul.meeting-list li a")
    with page.expect_download() as download:
        page.locator("a[href^='/calendar/meetings/']").click()
    body = open(download.value.path(), "rb").read()
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["UID"]).startswith("meeting-")
    assert str(events[0]["SUMMARY"]) in page.inner_text("h1")
    shoot(page, "calendar-zh-meeting")

    page.goto("/calendar/")
    submit(page, "main form[action='/calendar/feed'] button")
    address = page.input_value("#feed-url")
    assert "/calendar/feed/" in address
    assert layout_problems(page) == []
    shoot(page, "calendar-zh-address")
    with urllib.request.urlopen(address) as response:           # no cookies: a phone calendar
        feed = Calendar.from_ical(response.read())
    assert any(str(e["UID"]).startswith("meeting-") for e in feed.walk("VEVENT"))

    page.goto("/calendar/")
    submit(page, "main form[action='/calendar/feed/revoke'] button")
    assert "还没有日历地址" in page.inner_text("main")
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(address)
    assert gone.value.code == 404

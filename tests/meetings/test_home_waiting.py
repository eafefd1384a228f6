"""The home page shows what waits for this person (issue 17 §5): minutes open
for comment beside the ballot to vote in and the ticket to confirm — one
query for the minutes, however many meetings there are."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from residentvoice.meetings.models import MeetingStatus
from residentvoice.models import utcnow


def _published(mt, db, title, days_left=3):
    meeting = mt.announced()
    meeting.title = title
    meeting.status = MeetingStatus.minutes_published
    meeting.minutes_text = "纪要"
    meeting.minutes_published_at = utcnow() - timedelta(days=1)
    meeting.comments_until = utcnow() + timedelta(days=days_left)
    db.session.flush()
    return meeting


def _home(client, db):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client.get("/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return page, len(statements)


def test_minutes_open_for_comment_wait_on_the_home_page(mt, db, client, auth):
    meeting = _published(mt, db, "车棚议事会")
    _published(mt, db, "早已结束的议事会", days_left=-1)
    auth.login(mt.resident)
    page, _count = _home(client, db)
    assert "会议纪要征求意见" in page
    assert f"/meetings/{meeting.id}/minutes" in page and "车棚议事会" in page
    assert "早已结束的议事会" not in page


def test_the_minutes_section_costs_one_query_however_many(mt, db, client, auth):
    _published(mt, db, "议事会一")
    auth.login(mt.resident)
    client.get("/")
    _page, one = _home(client, db)
    for n in range(4):
        _published(mt, db, f"议事会{n + 2}")
    client.get("/")     # the test's session flushes what it made
    _page, many = _home(client, db)
    assert many == one


@pytest.mark.parametrize("path, words", [
    ("/meetings/", "当社区居委会召集居民议事会时"),
    ("/spaces/", "拆除违建腾出空间时"),
])
def test_empty_pages_say_why_and_lead_on(client, auth, factory, path, words):
    world = factory.world()
    auth.login(world.resident)
    page = client.get(path).get_data(as_text=True)
    assert words in page

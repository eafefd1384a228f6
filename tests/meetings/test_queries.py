"""Meeting pages run a fixed number of queries however many people are
invited, present, waiting to speak or commenting (DESIGN §8)."""
import pytest

from residentvoice.meetings import attendance, minutes, moderation, services
from residentvoice.meetings.models import Side
from tests.querycount import page_statements


def _queries(_db, client, url):
    return page_statements(client, url, commit=True)


def _grow(mt, meeting, n):
    """n more resident households, each checked in and waiting to speak."""
    for i in range(n):
        household = mt.factory.household(mt.world.building_a, floor=7, unit=f"07{i:02d}")
        person = mt.factory.resident(household)
        attendance.check_in_other(mt.secretary, meeting, person.id)
        moderation.request_floor(person, meeting, Side.pro if i % 2 else Side.con)


@pytest.mark.parametrize("who, path", [
    ("resident", "/meetings/{id}/live"), ("resident", "/meetings/{id}/live/state"),
    ("chair", "/meetings/{id}/chair"), ("chair", "/meetings/{id}/chair/state"),
    ("secretary", "/meetings/{id}/attendance"), ("secretary", "/meetings/{id}"),
    ("resident", "/api/v1/meetings/{id}/attendance"),
])
def test_live_pages_do_not_grow_with_the_room(mt, client, auth, db, who, path):
    meeting, motion = mt.debating()
    moderation.request_floor(mt.third, meeting, Side.con)
    user = getattr(mt, who)
    if path.startswith("/api/"):
        from residentvoice.auth.models import ApiToken
        raw, _token = ApiToken.issue(user, 1)
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    else:
        auth.login(user)
    url = path.format(id=meeting.id)
    small = _queries(db, client, url)
    _grow(mt, meeting, 10)
    assert _queries(db, client, url) <= small


def test_the_minutes_page_does_not_grow_with_motions_and_comments(mt, client, auth, db):
    meeting = mt.in_session()
    services.transition(mt.chair, meeting, "adjourn")
    services.transition(mt.secretary, meeting, "draft_minutes")
    minutes.approve(mt.chair, meeting)
    services.transition(mt.secretary, meeting, "publish")
    auth.login(mt.resident)
    url = f"/meetings/{meeting.id}/minutes"
    minutes.comment(mt.neighbour, meeting, "一")
    small = _queries(db, client, url)
    for i in range(8):
        household = mt.factory.household(mt.world.building_a, floor=8, unit=f"08{i:02d}")
        minutes.comment(mt.factory.resident(household), meeting, f"意见{i}")
    assert _queries(db, client, url) <= small

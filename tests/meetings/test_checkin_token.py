"""A check-in token that is not ASCII is simply a wrong token (issue 14 §11).

``hmac.compare_digest`` refuses str with non-ASCII characters (TypeError): a
token like ``é`` or ``签到`` sent to the API's check-in answered 500.  Tokens
are compared as UTF-8 bytes, in constant time, on the page and in the API."""
import pytest

from residentvoice.meetings.models import Attendance

TOKENS = ["é" * 24, "签到" * 12, "\udcff", "x" * 10_000, "a\u0000b"]


@pytest.mark.parametrize("token", TOKENS, ids=["accents", "chinese", "surrogate", "long", "nul"])
def test_a_non_ascii_token_is_refused_as_not_found_by_the_api(mt, api, db, token):
    meeting = mt.in_session(present=[])
    api.login(mt.resident)
    response = api.post(f"/api/v1/meetings/{meeting.id}/checkin", json={"token": token})
    assert response.status_code == 404, response.json
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 0


def test_a_non_ascii_token_is_not_found_on_the_page_and_the_real_one_works(mt, auth, client,
                                                                           db):
    meeting = mt.in_session(present=[])
    auth.login(mt.resident)
    for token in ("é" * 24, "签到", "%FF", meeting.checkin_token + "é"):
        assert client.get(f"/meetings/{meeting.id}/checkin/{token}").status_code == 404
        assert client.post(f"/meetings/{meeting.id}/checkin/{token}").status_code == 404
    response = client.post(f"/meetings/{meeting.id}/checkin/{meeting.checkin_token}")
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 1


def test_the_token_comparison_takes_any_value(mt, db):
    meeting = mt.create()
    assert meeting.checkin_token_is(meeting.checkin_token)
    for other in (None, "", 12, "é", "\udcff", meeting.checkin_token.upper() + "x"):
        assert not meeting.checkin_token_is(other)

"""Open311 ``media_url`` accepts http(s) URLs only (issue 14 §13): anything
else is a 400 in the spec's error list, and nothing is filed."""
import pytest

from residentvoice.open311 import services as o311
from residentvoice.tickets import services
from residentvoice.tickets.models import Ticket


@pytest.fixture
def key(db):
    return o311.create_key("12345 dispatch")[0]


@pytest.fixture
def world(factory):
    w = factory.world()
    services.set_rule(w.secretary, w.compound_a, "roads", w.organisation.id)
    return w


def _post(client, key, world, media_url):
    return client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "roads", "description": "路面塌陷",
        "address_id": world.household_a.code, "media_url": media_url})


@pytest.mark.parametrize("url", [
    "javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "data:text/html,<script>",
    "file:///etc/passwd", "ftp://example.com/a.jpg", "//example.com/a.jpg", "example.com/a.jpg",
    "http://", "https:///a.jpg", "http://exa mple.com/a.jpg", "http://[::1/a.jpg",
    "https://example.com/" + "a" * 600, "http://example.com/\x00.jpg"])
def test_media_url_other_than_http_or_https_is_refused(client, key, world, db, url):
    response = _post(client, key, world, url)
    assert response.status_code == 400, response.get_data(True)[:300]
    body = response.get_json()
    assert body[0]["code"] == 400 and "media_url" in body[0]["description"]
    assert db.session.scalar(db.select(db.func.count(Ticket.id))) == 0


@pytest.mark.parametrize("url", ["https://img.example.com/p/1.jpg", "http://10.0.0.5/a.png",
                                 "  https://example.com/a.jpg?x=1&y=2  "])
def test_http_and_https_media_urls_are_kept(client, key, world, db, url):
    response = _post(client, key, world, url)
    assert response.status_code == 200, response.get_data(True)[:300]
    ticket = db.session.get(Ticket, int(response.get_json()[0]["service_request_id"]))
    assert ticket.media_url == url.strip()
    detail = client.get(f"/open311/v2/requests/{ticket.id}.json").get_json()
    assert detail[0]["media_url"] == url.strip()

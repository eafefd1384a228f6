"""No 500s from hostile requests (issue 14 §11).

Reserved query arguments: ``?endpoint=x``, ``?_method=POST``, ``?serialize=``,
``?_external=0`` once reached url_for (or a helper's own parameters) when a
list splatted the request's arguments into its pager links.  Every GET route
of the access matrix is asked with them, as each signed-in role and
anonymously, on a page past the first (so "previous" and "next" links are
built); none answers 5xx.

Deeply nested JSON: 100,000 ``[`` made Python's parser raise RecursionError
(a 500).  Every API route that takes a body answers 400 with the JSON error,
documented in its OpenAPI entry.  (The non-ASCII check-in token is in
tests/meetings/test_checkin_token.py.)"""
import pytest

from .test_access import _cases

RESERVED = ("endpoint=x&_method=POST&serialize=&_external=0&_anchor=top&_scheme=javascript"
            "&values=x&query=x&page=2&per_page=1")
HUGE_PAGE = "page=99999999999999999999&per_page=1"
ROLES = ("anonymous", "resident", "secretary", "staff", "street_admin")


def _client(app, world, role):
    client = app.test_client()
    headers = {}
    if role != "anonymous":
        user = getattr(world, role)
        response = client.post("/login", data={"phone": user.phone, "password": world.password})
        assert response.status_code == 302
        token = client.post("/api/v1/auth/token",
                            json={"phone": user.phone, "password": world.password})
        headers["Authorization"] = f"Bearer {token.json['token']}"
    return client, headers


@pytest.mark.parametrize("query", [RESERVED, HUGE_PAGE], ids=["reserved", "huge_page"])
def test_reserved_query_arguments_never_answer_5xx(app, factory, monkeypatch, query):
    monkeypatch.setitem(app.config, "PROPAGATE_UNEXPECTED", False)
    world = factory.world()
    cases = [(endpoint, url) for endpoint, method, url, _expected in _cases(app, world)
             if method == "GET"]
    failures = []
    for role in ROLES:
        client, headers = _client(app, world, role)
        for endpoint, url in cases:
            response = client.get(url + ("&" if "?" in url else "?") + query, headers=headers)
            if response.status_code >= 500:
                failures.append(f"{role}: GET {url} ({endpoint}) → {response.status_code}")
    assert failures == []


NESTED = ["[" * 100_000, '{"a":' * 50_000, "[" * 5_000 + "]" * 5_000 + "]"]


def test_deeply_nested_json_answers_400_on_every_api_route_that_takes_a_body(
        app, factory, api, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_UNEXPECTED", False)
    world = factory.world()
    cases = sorted({(method, url) for endpoint, method, url, _expected in _cases(app, world)
                    if url.startswith("/api/") and method in ("POST", "PUT", "PATCH", "DELETE")
                    and getattr(app.view_functions[endpoint], "openapi", {}).get("body")})
    assert len(cases) > 20
    api.login(world.secretary)
    failures = []
    for method, url in cases:
        for body in NESTED:
            response = api.request(method, url, data=body, content_type="application/json")
            error = (response.get_json(silent=True) or {}).get("error") or {}
            if response.status_code != 400 or error.get("code") != "bad_json":
                failures.append(f"{method} {url}: {response.status_code} {error}")
    assert failures == []


def test_the_token_endpoint_refuses_nested_json_without_a_server_error(client, db):
    response = client.post("/api/v1/auth/token", data="[" * 100_000,
                           content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_json"

"""Request bodies are held to the schema the OpenAPI document publishes (issue
16 §5): a missing, unknown or mistyped field answers 422 naming the field, in
the reader's language (Chinese by default, the token user's language, or the
language cookie's); one validator for every route (``api.validation``)."""
from datetime import datetime, timedelta

import pytest

from residentvoice.api import spec, validation
from residentvoice.i18n import LOCALE_COOKIE
from residentvoice.models import utcnow

from .voting.helpers import make_ballot

NEXT_YEAR = datetime.now().year + 1


def _meeting(w):
    return {"compound_id": w.compound_a.id, "title": "议事会", "kind": "council",
            "starts_at": f"{NEXT_YEAR}-12-05T19:00:00+08:00", "chair_id": w.secretary.id,
            "recorder_id": w.secretary.id}


def _ticket(w):
    from residentvoice.tickets import services
    services.set_rule(w.secretary, w.compound_a, "roads", w.organisation.id)
    return services.create_ticket(w.resident, compound_id=w.compound_a.id, category="roads",
                                  description="路面塌陷", household_id=w.household_a.id)


def _ballot_body(w):
    now = utcnow()
    return {"compound_id": w.compound_a.id, "title": "充电桩", "basis": "residents",
            "matter": "consultative", "announced_at": now.isoformat() + "Z",
            "opens_at": (now + timedelta(days=1)).isoformat() + "Z",
            "closes_at": (now + timedelta(days=9)).isoformat() + "Z"}


# (who, url builder, body builder, status, code, field, part of the Chinese message)
CASES = {
    "token: a number for the phone": (
        None, lambda w: "/api/v1/auth/token", lambda w: {"phone": 13800000001, "password": "x"},
        "invalid", "phone", "须为文本"),
    "token: no password": (
        None, lambda w: "/api/v1/auth/token", lambda w: {"phone": "13800000001"},
        "missing_fields", "password", "缺少 password"),
    "meeting: no title": (
        "secretary", lambda w: "/api/v1/meetings",
        lambda w: {k: v for k, v in _meeting(w).items() if k != "title"},
        "missing_fields", "title", "缺少 title"),
    "meeting: a kind that is not one": (
        "secretary", lambda w: "/api/v1/meetings", lambda w: {**_meeting(w), "kind": "party"},
        "invalid", "kind", "须为以下之一"),
    "meeting: a field it does not take": (
        "secretary", lambda w: "/api/v1/meetings", lambda w: {**_meeting(w), "colour": "red"},
        "unknown_field", "colour", "没有 colour"),
    "meeting: a date without its time zone": (
        "secretary", lambda w: "/api/v1/meetings",
        lambda w: {**_meeting(w), "starts_at": f"{NEXT_YEAR}-12-05T19:00"},
        "invalid", "starts_at", "时区"),
    "space: an id that is text": (
        "secretary", lambda w: "/api/v1/spaces",
        lambda w: {"compound_id": str(w.compound_a.id), "name": "空地", "area_m2": "12"},
        "invalid", "compound_id", "须为整数"),
    "space: an id written 1.0": (
        "secretary", lambda w: "/api/v1/spaces",
        lambda w: {"compound_id": float(w.compound_a.id), "name": "空地", "area_m2": "12"},
        "invalid", "compound_id", "须为整数"),
    "ballot: a flag that is text": (
        "secretary", lambda w: "/api/v1/ballots", lambda w: {**_ballot_body(w), "secret": "yes"},
        "invalid", "secret", "true 或 false"),
    "ballot: an id past what the database holds": (
        "secretary", lambda w: "/api/v1/ballots",
        lambda w: {**_ballot_body(w), "compound_id": 2**40},
        "invalid", "compound_id", "须在 1 到 2147483647 之间"),
    "ticket: a blank description": (
        "resident", lambda w: "/api/v1/tickets",
        lambda w: {"compound_id": w.compound_a.id, "category": "roads", "description": ""},
        "invalid", "description", "不能为空"),
    "ticket: a rating out of 1–5": (
        "resident", lambda w: f"/api/v1/tickets/{_ticket(w).id}/confirmation",
        lambda w: {"fixed": True, "rating": 9}, "invalid", "rating", "须在 1 到 5 之间"),
    "ticket: photos cannot be smuggled into a transition": (
        "staff", lambda w: f"/api/v1/tickets/{_ticket(w).id}/transitions",
        lambda w: {"action": "resolve", "note": "修好了", "photos": [1]},
        "unknown_field", "photos", "没有 photos"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_body_its_schema_refuses_answers_422_naming_the_field(api, factory, case):
    who, url, body, code, field, chinese = CASES[case]
    w = factory.world()
    if who:
        api.login(getattr(w, who))
    response = api.post(url(w), json=body(w))
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert chinese in error["message"] and field in error["message"]


def test_the_message_is_in_the_token_users_language(api, factory, db):
    w = factory.world()
    w.secretary.locale = "en"
    api.login(w.secretary)
    response = api.post("/api/v1/meetings", json={**_meeting(w), "kind": "party"})
    assert response.json["error"]["message"] == \
        "kind must be one of: council, demand_analysis, owners."
    api.login(w.resident)  # locale unset: Chinese, the default
    response = api.post("/api/v1/tickets", json={"compound_id": "1", "category": "roads",
                                                  "description": "x"})
    assert response.json["error"]["message"] == "compound_id 须为整数。"


def test_the_language_cookie_chooses_before_a_token(client, api, factory, db):
    factory.world()
    client.set_cookie(LOCALE_COOKIE, "en", domain="localhost")
    response = api.post("/api/v1/auth/token", json={"phone": "13800000001"})
    assert response.json["error"]["message"] == "password is missing."


def test_a_nested_field_is_named_by_its_place(api, factory, db):
    w = factory.world()
    api.login(w.secretary)
    meeting = api.post("/api/v1/meetings", json=_meeting(w)).json
    response = api.post(f"/api/v1/meetings/{meeting['id']}/agenda",
                        json={"title": "车棚", "refs": [{"kind": "proposal", "id": "x"}]})
    assert response.status_code == 422
    assert response.json["error"]["field"] == "refs[0].id"


def test_a_vote_with_a_boolean_household_is_refused_after_the_ballot_is_found(
        api, factory, db):
    w = factory.world()
    ballot = make_ballot(w.secretary, w.compound_a, basis="residents", matter="consultative")
    api.login(w.resident)
    url = f"/api/v1/ballots/{ballot.id}/votes"
    response = api.post(url, json={"household_id": True, "option_id": ballot.options[0].id})
    assert response.status_code == 422 and response.json["error"]["field"] == "household_id"
    api.login(w.other_resident)  # may not see the ballot: 404 whatever the body
    assert api.post(url, json={"household_id": True}).status_code == 404


def test_fields_left_out_keep_their_defaults_and_dates_arrive_parsed(api, factory, db):
    w = factory.world()
    api.login(w.secretary)
    created = api.post("/api/v1/ballots", json=_ballot_body(w))
    assert created.status_code == 201, created.json
    assert (created.json["secret"], created.json["count_per"], created.json["proxy_cap"]) == \
        (False, "household", 3)


def test_every_route_checks_bodies_against_the_schema_the_document_publishes(app, client, db):
    document = client.get("/api/v1/openapi.json").json
    checked = 0
    for rule in app.url_map.iter_rules():
        meta = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if not meta or not meta["body"]:
            continue
        for method in rule.methods & {"POST", "PUT", "PATCH"}:
            operation = document["paths"][spec._path(rule.rule)]
            published = operation[method.lower()]["requestBody"]["content"][
                "application/json"]["schema"]
            assert published == validation.declared(rule.endpoint), rule.rule
            assert published["additionalProperties"] is False, rule.rule
            checked += 1
    assert checked >= 20

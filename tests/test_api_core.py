"""The API skeleton exactly as DESIGN §6 says: token auth, /me, compounds and
households (fields, area as a string decimal, owner person/institution/null,
pagination ``next``), JSON errors, and an OpenAPI 3 document that lists every
/api/v1 route with the statuses it can answer."""
from datetime import datetime, timedelta

import pytest

from residentvoice.api import spec
from residentvoice.auth.models import ApiToken
from residentvoice.directory.models import OwnerKind
from residentvoice.models import utcnow

TOKEN = "/api/v1/auth/token"


# ---- token ------------------------------------------------------------------------

def test_token_for_phone_and_password(api, factory):
    w = factory.world()
    response = api.post(TOKEN, json={"phone": w.resident.phone, "password": w.password})
    assert response.status_code == 201
    assert set(response.json) == {"token", "expires_at"}
    expires = datetime.fromisoformat(response.json["expires_at"])
    assert expires.tzinfo is not None, "W3C date-time with a time zone"
    hours = (expires.replace(tzinfo=None) - utcnow()) / timedelta(hours=1)
    assert 23 < hours <= 24


def test_the_token_is_stored_only_as_a_hash(api, factory, db):
    w = factory.world()
    raw = api.post(TOKEN, json={"phone": w.resident.phone, "password": w.password}).json["token"]
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert raw not in stored and len(stored) == 1


@pytest.mark.parametrize("body", [{"phone": "13311112222", "password": "password-123"},
                                  {"phone": "WHO", "password": "password-123"},
                                  {"phone": "RESIDENT", "password": "wrong"}])
def test_wrong_credentials_answer_401(api, factory, body):
    w = factory.world()
    body = {k: (w.resident.phone if v == "RESIDENT" else v) for k, v in body.items()}
    response = api.post(TOKEN, json=body)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "bad_credentials"


@pytest.mark.parametrize("body", [{}, {"phone": "13800000001"}, {"password": "x"},
                                  {"phone": 13800000001, "password": "x"},
                                  {"phone": "13800000001", "password": ["x"]}])
def test_missing_or_mistyped_fields_answer_422(api, db, body):
    response = api.post(TOKEN, json=body)
    assert response.status_code == 422
    assert response.json["error"]["code"] in ("missing_fields", "invalid")


@pytest.mark.parametrize("kwargs", [{"data": "phone=1&password=2",
                                     "content_type": "application/x-www-form-urlencoded"},
                                    {"data": "{not json", "content_type": "application/json"},
                                    {"data": "[1, 2]", "content_type": "application/json"}])
def test_a_body_that_is_not_a_json_object_answers_400(api, db, kwargs):
    response = api.post(TOKEN, **kwargs)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_json"


def test_a_huge_phone_is_refused_without_error(api, db):
    response = api.post(TOKEN, json={"phone": "1" * 10_000, "password": "x" * 10_000})
    assert response.status_code == 401


# ---- /me --------------------------------------------------------------------------

def test_me_needs_a_token(api, db):
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_an_expired_or_unknown_token_is_refused(api, factory, db):
    w = factory.world()
    api.login(w.resident)
    for token in db.session.scalars(db.select(ApiToken)):
        token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert api.get("/api/v1/me").status_code == 401
    api.token = "made-up"
    assert api.get("/api/v1/me").status_code == 401


def test_a_deactivated_users_token_stops_working(api, factory, db):
    w = factory.world()
    api.login(w.resident)
    w.resident.active = False
    db.session.flush()
    assert api.get("/api/v1/me").status_code == 401


def test_me_lists_the_user_roles_and_households(api, factory):
    w = factory.world()
    api.login(w.resident)
    me = api.get("/api/v1/me").json
    assert me["id"] == w.resident.id and me["name"] == "王秀兰"
    assert me["phone"] == w.resident.phone
    assert me["roles"] == [{"kind": "resident", "household_id": w.household_a.id,
                            "relation": "owner"}]
    [household] = me["households"]
    assert household["code"] == w.household_a.code and household["area_m2"] == "80.50"


def test_me_for_a_secretary_names_the_community(api, factory):
    w = factory.world()
    api.login(w.secretary)
    me = api.get("/api/v1/me").json
    assert me["roles"] == [{"kind": "secretary", "community_id": w.community_a.id}]
    assert me["households"] == []


# ---- compounds --------------------------------------------------------------------

def compound_codes(api, url="/api/v1/compounds"):
    return [c["code"] for c in api.get(url).json["items"]]


def test_each_role_sees_the_compounds_it_belongs_to(api, factory):
    w = factory.world()
    expected = {"resident": [w.compound_a.code], "other_resident": [w.compound_b.code],
                "secretary": [w.compound_a.code], "other_secretary": [w.compound_b.code],
                "staff": [w.compound_a.code], "street_admin": [w.compound_a.code]}
    for role, codes in expected.items():
        api.login(getattr(w, role))
        assert compound_codes(api) == codes, role


def test_compound_fields(api, factory):
    w = factory.world()
    api.login(w.resident)
    [item] = api.get("/api/v1/compounds").json["items"]
    assert item == {"id": w.compound_a.id, "code": w.compound_a.code,
                    "name": w.compound_a.name, "community": w.community_a.name,
                    "address": w.compound_a.address}


def test_compounds_are_paginated_with_next(api, factory):
    w = factory.world()
    extra = [factory.compound(w.community_a) for _ in range(2)]
    api.login(w.secretary)
    first = api.get("/api/v1/compounds?per_page=2").json
    assert len(first["items"]) == 2 and first["next"]
    assert first["next"].startswith("http") and "page=2" in first["next"]
    second = api.get(first["next"].split("localhost", 1)[1]).json
    assert second["next"] is None
    codes = [c["code"] for c in first["items"] + second["items"]]
    assert codes == [w.compound_a.code] + [c.code for c in extra]


@pytest.mark.parametrize("query", ["per_page=0", "per_page=201", "page=0"])
def test_bad_paging_answers_422(api, factory, query):
    w = factory.world()
    api.login(w.secretary)
    response = api.get(f"/api/v1/compounds?{query}")
    assert response.status_code == 422


# ---- households -------------------------------------------------------------------

@pytest.fixture
def owners(factory):
    """Compound A's households with a person owner, an institution and nobody."""
    w = factory.world()
    w.bank = factory.owner(w.community_a, name="某银行支行", kind=OwnerKind.institution)
    w.household_a2.owner_id = w.bank.id
    w.household_a3 = factory.household(w.building_a, area="0.5", floor=5, unit="0501")
    return w


def test_households_exactly_as_design_6(api, owners):
    w = owners
    api.login(w.secretary)
    response = api.get(f"/api/v1/compounds/{w.compound_a.id}/households")
    assert response.status_code == 200
    items = {h["code"]: h for h in response.json["items"]}
    assert list(items) == sorted(items)
    person = items[w.household_a.code]
    assert person == {"id": w.household_a.id, "code": w.household_a.code, "building": "1",
                      "unit": "0301", "floor": 3, "area_m2": "80.50",
                      "owner": {"id": w.household_a.owner_id, "name": "王秀兰",
                                "kind": "person"}}
    assert items[w.household_a2.code]["owner"] == {"id": w.bank.id, "name": "某银行支行",
                                                   "kind": "institution"}
    assert items[w.household_a2.code]["area_m2"] == "55.25"
    assert items[w.household_a3.code]["owner"] is None
    assert items[w.household_a3.code]["area_m2"] == "0.50"
    assert response.json["next"] is None


def test_a_resident_sees_only_their_own_household(api, owners):
    w = owners
    api.login(w.resident)
    items = api.get(f"/api/v1/compounds/{w.compound_a.id}/households").json["items"]
    assert [h["code"] for h in items] == [w.household_a.code]


def test_households_of_a_compound_one_does_not_belong_to_are_hidden(api, owners):
    w = owners
    api.login(w.other_secretary)
    response = api.get(f"/api/v1/compounds/{w.compound_a.id}/households")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert api.get("/api/v1/compounds/999999/households").status_code == 404


def test_households_are_paginated(api, owners):
    w = owners
    api.login(w.street_admin)
    url = f"/api/v1/compounds/{w.compound_a.id}/households?per_page=2"
    first = api.get(url).json
    assert len(first["items"]) == 2 and f"/compounds/{w.compound_a.id}/" in first["next"]
    rest = api.get(first["next"].split("localhost", 1)[1]).json
    assert len(rest["items"]) == 1 and rest["next"] is None


def test_households_for_the_working_organisation(api, owners):
    w = owners
    api.login(w.staff)
    response = api.get(f"/api/v1/compounds/{w.compound_a.id}/households")
    assert response.status_code == 200 and response.json["items"] == []


# ---- the OpenAPI document ---------------------------------------------------------

def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")]


def test_openapi_lists_every_api_route_and_method(app, client, db):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    missing = []
    for rule in api_rules(app):
        path = spec._path(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"].get(path, {}).get(method.lower())
            if operation is None:
                missing.append(f"{method} {rule.rule}")
                continue
            view = app.view_functions[rule.endpoint]
            documented = {int(s) for s in operation["responses"]}
            assert documented == spec.documented_statuses(view), rule.rule
            assert {405, 429} <= documented, rule.rule
    assert missing == [], "routes missing from openapi.json: " + ", ".join(missing)


def test_openapi_statuses_of_the_foundation_routes(client, db):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/api/v1/auth/token"]["post"]["responses"]) >= {"201", "400", "401",
                                                                      "422", "429"}
    assert set(paths["/api/v1/me"]["get"]["responses"]) >= {"200", "401"}
    households = paths["/api/v1/compounds/{compound_id}/households"]["get"]
    assert set(households["responses"]) >= {"200", "401", "404", "422"}
    assert households["parameters"][0] == {"name": "compound_id", "in": "path",
                                           "required": True, "schema": {"type": "integer"}}


def test_openapi_document_is_valid_openapi_3(client, db):
    validator = pytest.importorskip("openapi_spec_validator",
                                    reason="pip install openapi-spec-validator to validate")
    document = client.get("/api/v1/openapi.json").json
    validator.validate(document)


def test_every_error_answer_is_documented(api, factory, db):
    """The ApiClient fails any status the document does not list; walk the
    foundation's error paths through it."""
    w = factory.world()
    api.post(TOKEN, data="x", content_type="text/plain")
    api.post(TOKEN, json={})
    api.post(TOKEN, json={"phone": w.resident.phone, "password": "nope-nope"})
    api.get("/api/v1/me")
    api.login(w.resident)
    api.get("/api/v1/compounds?per_page=0")
    api.get("/api/v1/compounds/999999/households")

"""Open311 GeoReport v2 (DESIGN §6): every endpoint in JSON and XML, filters,
errors in the spec's format, and JSON validated against the GeoReport v2 schemas
(the project's copy in tests/open311/schemas/)."""
import json
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource

from residentvoice.models import utcnow
from residentvoice.open311 import services as o311
from residentvoice.tickets import actions, services
from residentvoice.tickets.models import Status, Ticket

SCHEMAS = Path(__file__).resolve().parent / "schemas"


def _validator(name):
    resources = [(path.name, Resource.opaque(json.loads(path.read_text())))
                 for path in SCHEMAS.glob("*.json") if path.name != "swagger.json"]
    registry = Registry().with_resources(resources)
    return Draft4Validator(json.loads((SCHEMAS / name).read_text()), registry=registry)


def test_the_schemas_really_check():
    with pytest.raises(AssertionError):
        valid("requests.json", [{"service_request_id": 5, "status": "pending"}])


def valid(name, data):
    errors = list(_validator(name).iter_errors(data))
    assert errors == [], [e.message for e in errors]


def _errors(response, status):
    assert response.status_code == status, response.get_data(True)[:500]
    body = response.get_json()
    assert isinstance(body, list) and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status
    return body


@pytest.fixture
def key(db):
    raw, _key = o311.create_key("12345 dispatch")
    return raw


@pytest.fixture
def world(factory):
    w = factory.world()
    services.set_rule(w.secretary, w.compound_a, "roads", w.organisation.id)
    return w


def _post(client, key, **fields):
    data = {"api_key": key, "service_code": "roads", "description": "路面塌陷",
            "address_id": None}
    data.update(fields)
    return client.post("/open311/v2/requests.json",
                       data={k: v for k, v in data.items() if v is not None})


def test_discovery_and_services(client):
    assert client.get("/open311/v2/discovery.json").get_json()["endpoints"]
    root = ET.fromstring(client.get("/open311/v2/discovery.xml").data)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/url") is not None
    services_json = client.get("/open311/v2/services.json").get_json()
    valid("services.json", services_json)
    assert {s["service_code"] for s in services_json} >= {"water_drainage", "facade_ac", "other"}
    assert ET.fromstring(client.get("/open311/v2/services.xml").data).tag == "services"
    definition = client.get("/open311/v2/services/roads.json").get_json()
    valid("service-definition.json", definition)
    assert ET.fromstring(client.get("/open311/v2/services/roads.xml").data).find(
        "attributes/attribute/code").text == "compound"
    _errors(client.get("/open311/v2/services/nope.json"), 404)
    assert client.get("/open311/v2/services.csv").status_code == 404
    _errors(client.get("/open311/v2/nothing/here.json"), 404)
    assert ET.fromstring(client.get("/open311/v2/nothing.xml").data).tag == "errors"


def test_post_files_a_routed_ticket_and_the_client_follows_it(world, client, key, db):
    response = _post(client, key, address_id=world.household_a.code, first_name="秀兰",
                     last_name="王", phone="13800000009", email="a@example.com",
                     media_url="https://example.com/p.jpg")
    assert response.status_code == 200, response.get_data(True)
    created = response.get_json()
    assert list(created[0]) == ["service_request_id", "token"]
    ticket = db.session.get(Ticket, int(created[0]["service_request_id"]))
    assert ticket.source.name == "open311" and ticket.contact_name == "王 秀兰"
    assert ticket.organisation_id == world.organisation.id
    detail = client.get(f"/open311/v2/requests/{ticket.id}.json").get_json()
    valid("requests.json", detail)
    assert detail[0]["status"] == "open"
    assert detail[0]["agency_responsible"] == world.organisation.name
    assert detail[0]["expected_datetime"].endswith("+00:00")
    token = client.get(f"/open311/v2/tokens/{created[0]['token']}.json").get_json()
    assert token[0]["service_request_id"] == str(ticket.id)
    actions.acknowledge(world.staff, ticket)
    actions.resolve(world.staff, ticket, "已修补")
    actions.confirm(world.secretary, ticket, None)
    closed = client.get(f"/open311/v2/requests/{ticket.id}.json").get_json()[0]
    assert closed["status"] == "closed" and closed["status_notes"]
    xml = ET.fromstring(client.get(f"/open311/v2/requests/{ticket.id}.xml").data)
    assert xml.tag == "service_requests" and xml.find("request/status").text == "closed"
    post_xml = client.post("/open311/v2/requests.xml", data={
        "api_key": key, "service_code": "roads", "description": "又坏了",
        "address_id": f"{world.compound_a.code}-{world.building_a.number}"})
    assert ET.fromstring(post_xml.data).find("request/service_request_id") is not None


def test_post_errors(world, client, key, db):
    _errors(_post(client, None, address_id=world.household_a.code), 403)
    _errors(_post(client, "wrong", address_id=world.household_a.code), 403)
    _errors(_post(client, key, service_code="nope", address_id=world.household_a.code), 404)
    _errors(_post(client, key, address_id=world.household_a.code, description="x" * 4001), 400)
    _errors(_post(client, key, address_id=world.household_a.code, description=""), 400)
    _errors(_post(client, key), 400)  # no location
    _errors(_post(client, key, lat="31.23", long="121.47"), 400)  # Shanghai
    _errors(_post(client, key, address_id="NOPE-9"), 400)
    _errors(_post(client, key, lat="NaN", long="116.4", address_string="x"), 400)
    _errors(_post(client, key, lat="39.9"), 400)  # a lone coordinate is no location
    xml = client.post("/open311/v2/requests.xml", data={"service_code": "roads"})
    assert xml.status_code == 403 and ET.fromstring(xml.data).find("error/code").text == "403"
    assert db.session.scalar(db.select(db.func.count(Ticket.id))) == 0
    ok = _post(client, key, lat="39.93", long="116.42",
               **{"attribute[compound]": world.compound_a.code})
    assert ok.status_code == 200
    lone = _post(client, key, lat="39.9", address_id=world.household_a.code,
                 description="有\x00控制字符")
    assert lone.status_code == 200
    filed = db.session.get(Ticket, int(lone.get_json()[0]["service_request_id"]))
    assert filed.description == "有控制字符" and filed.lat is None
    xml = client.get("/open311/v2/requests/%01.xml")
    assert xml.status_code == 404 and ET.fromstring(xml.data).find("error") is not None
    revoked = o311.revoke_key(key[5:13])
    assert revoked.revoked_at is not None
    _errors(_post(client, key, address_id=world.household_a.code), 403)


def test_get_requests_filters(world, client, key, file_public):
    old = file_public(days=120)
    recent = file_public(days=1)
    private = services.create_ticket(world.resident, compound_id=world.compound_a.id,
                                     category="roads", description="私事",
                                     household_id=world.household_a.id, public=False)
    listed = client.get("/open311/v2/requests.json").get_json()
    valid("requests.json", listed)
    ids = {r["service_request_id"] for r in listed}
    assert str(recent.id) in ids and str(old.id) not in ids and str(private.id) not in ids
    by_id = client.get("/open311/v2/requests.json",
                       query_string={"service_request_id": f"{old.id},{recent.id}",
                                     "status": "closed"}).get_json()
    assert {r["service_request_id"] for r in by_id} == {str(old.id), str(recent.id)}
    start = (utcnow() - timedelta(days=130)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    end = (utcnow() - timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ")
    window = client.get("/open311/v2/requests.json",
                        query_string={"start_date": start, "end_date": end}).get_json()
    assert [r["service_request_id"] for r in window] == [str(old.id)]
    assert client.get("/open311/v2/requests.json",
                      query_string={"service_code": "greenery"}).get_json() == []
    assert client.get("/open311/v2/requests.json",
                      query_string={"status": "open"}).get_json()[0]["status"] == "open"
    _errors(client.get("/open311/v2/requests.json", query_string={"start_date": "yesterday"}),
            400)
    far = (utcnow() - timedelta(days=200)).isoformat() + "Z"
    _errors(client.get("/open311/v2/requests.json", query_string={
        "start_date": far, "end_date": utcnow().isoformat() + "Z"}), 400)
    _errors(client.get("/open311/v2/requests.json", query_string={"status": "pending"}), 400)
    _errors(client.get(f"/open311/v2/requests/{private.id}.json"), 404)
    _errors(client.get("/open311/v2/tokens/nope.json"), 404)
    assert ET.fromstring(client.get("/open311/v2/requests.xml").data).tag == "service_requests"


@pytest.fixture
def file_public(world):
    def make(days):
        return services.create_ticket(world.resident, compound_id=world.compound_a.id,
                                      category="roads", description="公开的", public=True,
                                      building_id=world.building_a.id,
                                      now=utcnow() - timedelta(days=days))
    return make


def test_closed_statuses(world, file_public):
    ticket = file_public(days=1)
    assert o311.request_dict(ticket, {})["status"] == "open"
    ticket.status = Status.duplicate
    assert o311.request_dict(ticket, {})["status"] == "closed"


def test_request_list_query_count_does_not_grow(world, client, file_public):
    from sqlalchemy import event

    from residentvoice.extensions import db as _db

    def count():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(_db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/open311/v2/requests.json").status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", listener)
        return len(statements)

    file_public(days=1)
    few = count()
    other = services.set_rule(world.other_secretary, world.compound_b, "roads",
                              world.organisation.id)
    assert other.id
    for n in range(12):
        services.create_ticket(world.other_resident, compound_id=world.compound_b.id,
                               category="roads", description="路面", public=True,
                               household_id=world.household_b.id)
        file_public(days=2)
    assert count() == few


def test_post_statement_count_does_not_grow(world, factory, client, key, db):
    """An Open311 POST reads the key, the household with its compound, the
    SLA, warranty, rule and handlers once each, and writes the ticket, its
    timeline and audit entries (the ORM's INSERTs) and its notifications (one
    statement), however many tickets, rules, households, keys and staff there
    are."""
    from sqlalchemy import event

    from residentvoice.extensions import db as _db

    code = world.household_a.code

    def count():
        db.session.commit()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(_db.engine, "before_cursor_execute", listener)
        try:
            response = _post(client, key, address_id=code, first_name="明", last_name="赵",
                             phone="13811112222")
            assert response.status_code == 200, response.get_data(True)
        finally:
            event.remove(_db.engine, "before_cursor_execute", listener)
        return [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]

    count()  # the first request of a session warms caches
    few = count()
    for n in range(3):
        o311.create_key(f"dispatch {n}")
        compound = factory.compound(world.community_a)
        building = factory.building(compound)
        for _ in range(3):
            factory.household(building)
        services.set_rule(world.secretary, compound, "roads", world.organisation.id)
        services.set_rule(world.secretary, world.compound_a, ("noise", "greenery", "other")[n],
                          world.organisation.id)
        factory.staff(world.organisation)
        factory.household(world.building_a)
        _post(client, key, address_id=code)
        services.create_ticket(world.resident, compound_id=world.compound_a.id,
                               category="roads", description="路面",
                               household_id=world.household_a.id)
    many = count()
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= 16, "\n".join(many)   # one of them the ticket's search document
    assert sum(s.startswith("INSERT INTO notification") for s in many) == 1
    assert sum(s.startswith("INSERT INTO search_document") for s in many) == 1


def test_posts_are_limited_per_client(world, client, key, db, app, monkeypatch):
    """OPEN311_POST_LIMIT per client address; the third POST of two a minute is
    refused in the spec's error format and files nothing."""
    from residentvoice.extensions import limiter
    from residentvoice.tickets.models import Ticket
    limiter.reset()
    monkeypatch.setitem(app.config, "OPEN311_POST_LIMIT", "2 per minute")
    try:
        code = world.household_a.code
        assert _post(client, key, address_id=code).status_code == 200
        assert _post(client, key, address_id=code).status_code == 200
        before = db.session.scalar(db.select(db.func.count(Ticket.id)))
        _errors(_post(client, key, address_id=code), 429)
        assert db.session.scalar(db.select(db.func.count(Ticket.id))) == before
    finally:
        limiter.reset()

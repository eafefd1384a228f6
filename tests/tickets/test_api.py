"""/api/v1/tickets: list, detail, create, transitions, updates, confirmation;
every answer must be documented (the ApiClient checks)."""
import pytest

from residentvoice.errors_domain import InvalidInput
from residentvoice.tickets import services
from residentvoice.tickets.models import Status, Ticket


def test_create_list_detail(world, api):
    api.login(world.resident)
    created = api.post("/api/v1/tickets", json={
        "compound_id": world.compound_a.id, "category": "facade_ac",
        "description": "空调震动", "household_id": world.household_a.id})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["status"] == "routed" and body["organisation"] == world.organisation.name
    listed = api.get("/api/v1/tickets?status=open").json
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    detail = api.get(f"/api/v1/tickets/{body['id']}").json
    assert detail["timeline"][0]["action"] == "submit"
    assert api.post("/api/v1/tickets", json={"compound_id": world.compound_a.id,
                                             "category": "nope", "description": "x"}
                    ).status_code == 422
    assert api.post("/api/v1/tickets", json={"compound_id": world.compound_a.id,
                                             "category": "roads", "description": ""}
                    ).status_code == 422
    assert api.get("/api/v1/tickets?status=nope").status_code == 422


def test_transitions_and_confirmation(world, file_ticket, api, client):
    ticket = file_ticket()
    staff = api.login(world.staff)
    url = f"/api/v1/tickets/{ticket.id}"
    assert staff.post(url + "/transitions", json={"action": "resolve", "note": "x"}
                      ).status_code == 409
    assert staff.post(url + "/transitions", json={"action": "acknowledge"}).status_code == 200
    assert staff.post(url + "/updates", json={"body": "明天上门", "public": False}
                      ).status_code == 201
    assert staff.post(url + "/transitions", json={"action": "resolve"}).status_code == 422
    assert staff.post(url + "/transitions", json={"action": "resolve", "note": "好了"}
                      ).json["status"] == "resolved"
    assert staff.post(url + "/confirmation", json={"fixed": True, "rating": 5}
                      ).status_code == 403
    resident = api.login(world.resident)
    assert resident.post(url + "/confirmation", json={"fixed": False}).status_code == 422
    reopened = resident.post(url + "/confirmation", json={"fixed": False, "comment": "还震"})
    assert reopened.json["status"] == "reopened" and reopened.json["reopen_count"] == 1
    internal = [e for e in resident.get(url).json["timeline"] if e["body"] == "明天上门"]
    assert internal == []  # internal updates are not shown to the resident
    assert ticket.status is Status.reopened


def test_other_household_and_other_org_get_404(world, file_ticket, api):
    ticket = file_ticket()
    for user in (world.other_resident, world.other_staff):
        api.login(user)
        assert api.get(f"/api/v1/tickets/{ticket.id}").status_code == 404
        assert api.get("/api/v1/tickets").json["items"] == []


def test_a_compound_that_is_not_an_id_of_one_is_refused_and_nothing_is_filed(world, db):
    """create_ticket reads the compound by id; text, a negative, a number no
    column holds or an unknown id answers "Choose a compound" and files nothing."""
    before = db.session.scalar(db.select(db.func.count(Ticket.id)))
    for bad in (None, "", "abc", "-1", 10**12, "١٢", 2**31 + 5, 987654):
        with pytest.raises(InvalidInput) as refused:
            services.create_ticket(world.resident, compound_id=bad, category="roads",
                                   description="路面塌陷", household_id=world.household_a.id)
        assert refused.value.field == "compound_id", bad
    assert db.session.scalar(db.select(db.func.count(Ticket.id))) == before
    filed = services.create_ticket(world.resident, compound_id=str(world.compound_a.id),
                                   category="roads", description="路面塌陷",
                                   household_id=world.household_a.id)
    assert filed.compound_id == world.compound_a.id


def test_a_closed_ticket_takes_no_more_updates_through_the_api(world, file_ticket, api):
    from residentvoice.tickets import actions
    ticket = file_ticket(category="greenery")      # no rule: the secretaries handle it
    actions.acknowledge(world.secretary, ticket)
    actions.refuse(world.secretary, ticket, "不属于维修范围")
    api.login(world.resident)
    response = api.post(f"/api/v1/tickets/{ticket.id}/updates", json={"body": "还是漏水"})
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"

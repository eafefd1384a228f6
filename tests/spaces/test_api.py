"""The spaces and proposals API: statuses as documented, errors as JSON."""
import pytest

from .helpers import CHECKLIST_OK, make_proposal, make_space


@pytest.fixture
def w(factory):
    world = factory.world()
    world.space = make_space(world)
    return world


def test_spaces_list_create_detail(w, api, db):
    api.login(w.secretary)
    response = api.post("/api/v1/spaces", json={
        "compound_id": w.compound_a.id, "name": "西侧空地", "area_m2": "18.75",
        "origin": "vacated_room"})
    assert response.status_code == 201, response.json
    created = response.json
    assert created["area_m2"] == "18.75" and created["status"] == "vacated"
    listing = api.get(f"/api/v1/spaces?compound_id={w.compound_a.id}").json
    assert {s["name"] for s in listing["items"]} == {"1号楼北侧腾退空地", "西侧空地"}
    assert api.get(f"/api/v1/spaces/{created['id']}").json["history"] == []
    api.login(w.other_resident)
    assert api.get(f"/api/v1/spaces/{created['id']}").status_code == 404
    assert api.get("/api/v1/spaces").json["items"] == []


@pytest.mark.parametrize("body,status", [
    ({"compound_id": "x", "name": "a", "area_m2": "1"}, 422),
    ({"name": "a"}, 422),
    ({"compound_id": 0, "name": "a", "area_m2": "1"}, 422),  # ids start at 1
    ({"compound_id": None, "name": "a", "area_m2": "1"}, 422)])
def test_space_create_errors(w, api, body, status):
    api.login(w.secretary)
    assert api.post("/api/v1/spaces", json=body).status_code == status


def test_space_create_bad_area_and_permissions(w, api):
    api.login(w.secretary)
    response = api.post("/api/v1/spaces", json={"compound_id": w.compound_a.id, "name": "a",
                                                "area_m2": "-2"})
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid"
    assert api.post("/api/v1/spaces", data="not json").status_code == 400
    api.login(w.resident)
    assert api.post("/api/v1/spaces", json={"compound_id": w.compound_a.id, "name": "a",
                                            "area_m2": "2"}).status_code == 403
    api.login(w.other_secretary)
    assert api.post("/api/v1/spaces", json={"compound_id": w.compound_a.id, "name": "a",
                                            "area_m2": "2"}).status_code == 404


def test_space_transition(w, api):
    api.login(w.secretary)
    url = f"/api/v1/spaces/{w.space.id}/transitions"
    assert api.post(url, json={"action": "deliberate"}).json["status"] == "deliberating"
    assert api.post(url, json={"action": "complete"}).status_code == 409
    assert api.post(url, json={"action": "decide"}).status_code == 422
    api.login(w.resident)
    assert api.post(url, json={"action": "back_to_vacated"}).status_code == 403


def test_proposal_lifecycle_through_the_api(w, api, db):
    api.login(w.resident)
    response = api.post("/api/v1/proposals", json={
        "space_id": w.space.id, "kind": "bike_shed", "title": "车棚", "estimated_cost": "45000",
        "quantity": 60})
    assert response.status_code == 201 and response.json["status"] == "draft"
    pid = response.json["id"]
    assert api.post(f"/api/v1/proposals/{pid}/support").status_code == 422
    assert api.post(f"/api/v1/proposals/{pid}/submit").json["status"] == "submitted"
    assert api.post(f"/api/v1/proposals/{pid}/submit").status_code == 409
    assert api.post(f"/api/v1/proposals/{pid}/review",
                    json=dict(CHECKLIST_OK, outcome="open")).status_code == 403

    api.login(w.secretary)
    bad = api.post(f"/api/v1/proposals/{pid}/review",
                   json=dict(CHECKLIST_OK, outcome="open", fire_lanes="problem"))
    assert bad.status_code == 422
    assert api.post(f"/api/v1/proposals/{pid}/review", json={"outcome": "open"}).status_code \
        == 422
    opened = api.post(f"/api/v1/proposals/{pid}/review", json=dict(CHECKLIST_OK,
                                                                  outcome="open"))
    assert opened.status_code == 200 and opened.json["status"] == "open"
    assert opened.json["review"]["checklist"]["fire_lanes"] == "ok"
    assert api.post(f"/api/v1/proposals/{pid}/review",
                    json=dict(CHECKLIST_OK, outcome="open")).status_code == 409
    assert api.post(f"/api/v1/proposals/{pid}/support").status_code == 403

    api.login(w.resident)
    supported = api.post(f"/api/v1/proposals/{pid}/support")
    assert supported.status_code == 201 and supported.json["support_count"] == 1
    assert supported.json["supported_by_my_households"] == [w.household_a.id]
    assert api.post(f"/api/v1/proposals/{pid}/support").status_code == 409
    assert api.post(f"/api/v1/proposals/{pid}/support",
                    json={"household_id": "one"}).status_code == 422
    assert api.delete(f"/api/v1/proposals/{pid}/support").json["support_count"] == 0
    assert api.delete(f"/api/v1/proposals/{pid}/support").status_code == 409

    comment = api.post(f"/api/v1/proposals/{pid}/comments", json={"body": "好"})
    assert comment.status_code == 201
    reply = api.post(f"/api/v1/proposals/{pid}/comments",
                     json={"body": "同意", "parent_id": comment.json["id"]})
    assert reply.json["parent_id"] == comment.json["id"]
    assert api.post(f"/api/v1/proposals/{pid}/comments", json={"body": ""}).status_code == 422
    assert len(api.get(f"/api/v1/proposals/{pid}/comments").json["items"]) == 2
    assert api.post(f"/api/v1/proposals/{pid}/withdraw", json={}).json["status"] == "withdrawn"
    assert api.post(f"/api/v1/proposals/{pid}/withdraw").status_code == 409


def test_proposal_visibility_in_list_and_detail(w, api, factory):
    draft = make_proposal(w, w.space, status="draft", title="草稿")
    submitted = make_proposal(w, w.space, status="submitted", title="待审")
    opened = make_proposal(w, w.space, title="公开")
    neighbour = factory.resident(w.household_a2)
    api.login(neighbour)
    assert [p["title"] for p in api.get("/api/v1/proposals").json["items"]] == ["公开"]
    assert api.get(f"/api/v1/proposals/{draft.id}").status_code == 404
    api.login(w.secretary)
    titles = [p["title"] for p in api.get(
        f"/api/v1/proposals?space_id={w.space.id}").json["items"]]
    assert titles == ["待审", "公开"]
    assert api.get("/api/v1/proposals?status=open").json["items"][0]["id"] == opened.id
    assert api.get("/api/v1/proposals?status=nonsense").status_code == 422
    assert api.get("/api/v1/proposals?space_id=x").status_code == 422
    api.login(w.resident)
    assert len(api.get("/api/v1/proposals").json["items"]) == 3
    api.login(w.other_resident)
    assert api.get("/api/v1/proposals").json["items"] == []
    assert api.get(f"/api/v1/proposals/{submitted.id}").status_code == 404
    assert api.post(f"/api/v1/proposals/{opened.id}/support").status_code == 404


def test_create_proposal_errors(w, api):
    api.login(w.resident)
    assert api.post("/api/v1/proposals", json={"space_id": w.space.id, "kind": "bike_shed",
                                               "title": "x", "estimated_cost": "-1"}) \
        .status_code == 422
    assert api.post("/api/v1/proposals", json={"space_id": 999999, "kind": "bike_shed",
                                               "title": "x"}).status_code == 404
    assert api.post("/api/v1/proposals", json={"space_id": "1"}).status_code == 422
    api.login(w.staff)
    assert api.post("/api/v1/proposals", json={"space_id": w.space.id, "kind": "bike_shed",
                                               "title": "x"}).status_code == 403


def test_openapi_documents_the_spaces_paths(w, api):
    doc = api.get("/api/v1/openapi.json").json
    for path in ("/api/v1/spaces", "/api/v1/spaces/{space_id}", "/api/v1/proposals",
                 "/api/v1/proposals/{proposal_id}/review",
                 "/api/v1/proposals/{proposal_id}/support"):
        assert path in doc["paths"], path
    support = doc["paths"]["/api/v1/proposals/{proposal_id}/support"]
    assert set(support) == {"post", "delete"} and "409" in support["post"]["responses"]


def test_comment_actions(w, api, db):
    from datetime import timedelta

    from residentvoice.spaces import discussion
    proposal = make_proposal(w, w.space)
    mine = discussion.add_comment(w.resident, proposal, "原话")
    url = f"/api/v1/proposal-comments/{mine.id}"
    api.login(w.resident)
    assert api.patch(url, json={"body": "改了"}).json["body"] == "改了"
    assert api.patch(url, json={"body": ""}).status_code == 422
    assert api.patch(url, data="x").status_code == 400
    api.login(w.secretary)
    assert api.patch(url, json={"body": "x"}).status_code == 403
    assert api.delete(url).status_code == 403
    assert api.post(url + "/flag", json={"reason": "广告"}).status_code == 201
    assert api.post(url + "/flag").status_code == 409
    assert api.post(url + "/hide", json={}).status_code == 422
    hidden = api.post(url + "/hide", json={"reason": "广告"})
    assert hidden.status_code == 200 and hidden.json["body"] is None
    assert hidden.json["hidden_reason"] == "广告"
    assert api.post(url + "/hide", json={"reason": "again"}).status_code == 409
    api.login(w.resident)
    assert api.post(url + "/hide", json={"reason": "x"}).status_code == 403
    old = discussion.add_comment(w.resident, proposal, "旧话")
    old.created_at -= timedelta(minutes=20)
    db.session.flush()
    assert api.delete(f"/api/v1/proposal-comments/{old.id}").status_code == 422
    fresh = discussion.add_comment(w.resident, proposal, "新话")
    assert api.delete(f"/api/v1/proposal-comments/{fresh.id}").json["deleted"] is True
    api.login(w.other_resident)
    assert api.post(url + "/flag").status_code == 404


def test_space_update(w, api):
    url = f"/api/v1/spaces/{w.space.id}"
    api.login(w.secretary)
    updated = api.patch(url, json={"area_m2": "99.90", "location": "北墙边"})
    assert updated.status_code == 200
    assert (updated.json["area_m2"], updated.json["location"], updated.json["name"]) == (
        "99.90", "北墙边", "1号楼北侧腾退空地")
    assert api.patch(url, json={"area_m2": "-1"}).status_code == 422
    assert api.patch(url, data="x").status_code == 400
    api.login(w.resident)
    assert api.patch(url, json={"name": "x"}).status_code == 403

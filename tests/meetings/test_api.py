"""The meetings JSON API: list, detail, agenda, attendance, minutes, check-in.
Every status answered must be in the OpenAPI document (the ApiClient checks)."""

from residentvoice.dates import beijing_today
from residentvoice.meetings import minutes, services

NEXT_YEAR = beijing_today().year + 1   # inside the window dates must lie in (2000 to +5 years)


def test_list_and_detail(mt, api, db):
    meeting = mt.announced()
    mt.create()                                   # a draft the resident may not see
    api.login(mt.resident)
    listing = api.get("/api/v1/meetings")
    assert listing.status_code == 200
    assert [m["id"] for m in listing.json["items"]] == [meeting.id]
    detail = api.get(f"/api/v1/meetings/{meeting.id}").json
    assert detail["status"] == "announced" and detail["kind"] == "council"
    assert [i["title"] for i in detail["agenda"]] == ["车棚选址", "花箱布置"]
    assert detail["chair"] == {"id": mt.chair.id, "name": mt.chair.name}
    assert detail["starts_at"].endswith("+00:00")
    agenda = api.get(f"/api/v1/meetings/{meeting.id}/agenda").json
    assert [i["position"] for i in agenda["items"]] == [1, 2]


def test_outsiders_do_not_see_meetings(mt, api, db):
    meeting = mt.announced()
    api.login(mt.outsider)
    assert api.get(f"/api/v1/meetings/{meeting.id}").status_code == 404
    assert api.get("/api/v1/meetings").json["items"] == []


def test_check_in_with_the_token(mt, api, db):
    meeting = mt.in_session(present=[])
    api.login(mt.resident)
    url = f"/api/v1/meetings/{meeting.id}/checkin"
    response = api.post(url, json={"token": meeting.checkin_token})
    assert response.status_code == 201 and response.json["user_id"] == mt.resident.id
    again = api.post(url, json={"token": meeting.checkin_token})
    assert again.status_code == 409
    assert api.post(url, json={"token": "wrong"}).status_code == 404
    assert api.post(url, json={}).status_code == 422
    assert api.post(url, data="x").status_code == 400


def test_check_in_for_someone_else_needs_the_secretary(mt, api, db):
    meeting = mt.in_session(present=[])
    url = f"/api/v1/meetings/{meeting.id}/checkin"
    api.login(mt.resident)
    assert api.post(url, json={"user_id": mt.third.id}).status_code == 403
    api.login(mt.secretary)
    assert api.post(url, json={"user_id": mt.third.id}).status_code == 201
    assert api.post(url, json={"user_id": mt.outsider.id}).status_code == 403
    assert api.post(url, json={"user_id": "x"}).status_code == 422


def test_check_in_before_the_window_is_a_conflict(mt, api, db):
    meeting = mt.announced(days=3)
    api.login(mt.resident)
    response = api.post(f"/api/v1/meetings/{meeting.id}/checkin",
                        json={"token": meeting.checkin_token})
    assert response.status_code == 409
    assert "one hour before" in response.json["error"]["message"] or \
        response.json["error"]["code"] == "transition_not_allowed"


def test_attendance_and_minutes(mt, api, db):
    meeting = mt.in_session()
    api.login(mt.resident)
    data = api.get(f"/api/v1/meetings/{meeting.id}/attendance").json
    assert (data["present"], data["invited"], data["quorum"]) == (4, 5, True)
    assert data["people"] == []                     # the list is for the secretary
    assert api.get(f"/api/v1/meetings/{meeting.id}/minutes").status_code == 404
    api.login(mt.secretary)
    data = api.get(f"/api/v1/meetings/{meeting.id}/attendance").json
    assert len(data["people"]) == 4
    services.transition(mt.chair, meeting, "adjourn")
    services.transition(mt.secretary, meeting, "draft_minutes")
    minutes.approve(mt.chair, meeting)
    services.transition(mt.secretary, meeting, "publish")
    api.login(mt.resident)
    body = api.get(f"/api/v1/meetings/{meeting.id}/minutes").json
    assert body["status"] == "minutes_published" and "车棚选址" in body["text"]
    assert body["comments_until"] is not None


def test_secretaries_call_meetings_through_the_api(mt, api, db):
    api.login(mt.secretary)
    body = {"compound_id": mt.world.compound_a.id, "title": "API 议事会", "kind": "council",
            "place": "群众接待室", "starts_at": f"{NEXT_YEAR}-12-05T19:00:00+08:00",
            "chair_id": mt.chair.id, "recorder_id": mt.secretary.id}
    created = api.post("/api/v1/meetings", json=body)
    assert created.status_code == 201, created.json
    meeting_id = created.json["id"]
    assert created.json["starts_at"] == f"{NEXT_YEAR}-12-05T11:00:00+00:00"
    assert created.json["status"] == "draft"
    url = f"/api/v1/meetings/{meeting_id}"
    assert api.post(url + "/announce").status_code == 422          # empty agenda
    item = api.post(url + "/agenda", json={"title": "车棚", "time_box_minutes": 20})
    assert item.status_code == 201 and item.json["position"] == 1
    announced = api.post(url + "/announce")
    assert announced.status_code == 200 and announced.json["status"] == "announced"
    assert api.post(url + "/publish").status_code == 409           # out of order
    assert api.post("/api/v1/meetings", json={**body, "starts_at": f"{NEXT_YEAR}-12-05"}
                    ).status_code == 422
    assert api.post("/api/v1/meetings", json={**body, "kind": "party"}).status_code == 422
    assert api.post("/api/v1/meetings", json={**body, "chair_id": mt.outsider.id}
                    ).status_code == 422


def test_residents_cannot_call_or_move_meetings_through_the_api(mt, api, db):
    meeting = mt.announced()
    api.login(mt.resident)
    assert api.post("/api/v1/meetings", json={}).status_code == 403
    assert api.post(f"/api/v1/meetings/{meeting.id}/open").status_code == 403
    assert api.post(f"/api/v1/meetings/{meeting.id}/agenda",
                    json={"title": "x"}).status_code == 403
    api.login(mt.outsider)
    assert api.post(f"/api/v1/meetings/{meeting.id}/open").status_code == 404


def test_api_input_of_the_wrong_type_answers_422(mt, api, db):
    meeting = mt.in_session(present=[])
    api.login(mt.secretary)
    url = f"/api/v1/meetings/{meeting.id}/checkin"
    assert api.post(url, json={"user_id": True}).status_code == 422
    assert api.post(url, json={"user_id": 10**12}).status_code == 422
    body = {"compound_id": mt.world.compound_a.id, "title": "  ", "kind": ["council"],
            "starts_at": f"{NEXT_YEAR}-12-05T19:00:00+08:00", "chair_id": mt.chair.id,
            "recorder_id": mt.secretary.id}
    assert api.post("/api/v1/meetings", json=body).status_code == 422
    body["kind"] = "council"
    assert api.post("/api/v1/meetings", json=body).status_code == 422          # blank title
    assert api.post("/api/v1/meetings", json={**body, "title": "t", "compound_id": 10**15}
                    ).status_code == 422

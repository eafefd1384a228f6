"""The ballot API exactly as DESIGN §6 describes it."""
from datetime import timedelta

import pytest

from residentvoice.models import utcnow
from residentvoice.voting.models import Ballot, Vote

from .helpers import make_ballot, option, paper_serial


@pytest.fixture
def world(factory):
    return factory.world()


def iso(dt):
    return dt.isoformat() + "Z"


def body(world, **extra):
    now = utcnow()
    data = {"compound_id": world.compound_a.id, "title": "建设充电桩", "description": "说明",
            "basis": "owners", "matter": "common_parts_use",
            "announced_at": iso(now - timedelta(days=16)), "opens_at": iso(now - timedelta(days=1)),
            "closes_at": iso(now + timedelta(days=7)), "secret": False, "allow_change": False}
    data.update(extra)
    return data


def test_create_open_vote_close_result(api, world, db):
    api.login(world.secretary)
    created = api.post("/api/v1/ballots", json=body(world))
    assert created.status_code == 201, created.json
    ballot = created.json
    assert ballot["status"] == "announced"   # the paper notice went up 16 days ago
    assert [o["label"] for o in ballot["options"]] == ["同意", "反对", "弃权"]
    assert set(ballot["options"][0]) == {"id", "label"}
    opened = api.post(f"/api/v1/ballots/{ballot['id']}/open")
    assert opened.status_code == 200 and opened.json["status"] == "open"
    assert api.post(f"/api/v1/ballots/{ballot['id']}/open").status_code == 409

    voter = type(api)(api.client).login(world.resident)
    agree = ballot["options"][0]["id"]
    voted = voter.post(f"/api/v1/ballots/{ballot['id']}/votes",
                       json={"household_id": world.household_a.id, "option_id": agree})
    assert voted.status_code == 201 and len(voted.json["receipt"]) == 12
    again = voter.post(f"/api/v1/ballots/{ballot['id']}/votes",
                       json={"household_id": world.household_a.id, "option_id": agree})
    assert again.status_code == 409 and again.json["error"]["code"] == "already_voted"
    from residentvoice.voting.models import Ballot
    serial = paper_serial(world.secretary, db.session.get(Ballot, ballot["id"]),
                          world.household_a2)
    paper = api.post(f"/api/v1/ballots/{ballot['id']}/paper-votes", json={
        "serial": serial, "option_id": agree, "witness": "监票人"})    # the serial names it
    assert paper.status_code == 201
    hidden = voter.get(f"/api/v1/ballots/{ballot['id']}/result").json
    assert hidden["passed"] is None and hidden["options"][0]["units"] is None
    assert hidden["participation"]["units"] == 2          # turnout only
    early = api.post(f"/api/v1/ballots/{ballot['id']}/close")
    assert early.status_code == 422       # before its closing time: a reason is required
    closed = api.post(f"/api/v1/ballots/{ballot['id']}/close",
                      json={"reason": "施工方案调整，本次投票作废重投"})
    assert closed.json["status"] == "closed"
    result = voter.get(f"/api/v1/ballots/{ballot['id']}/result").json
    assert set(result) == {"status", "rule", "electorate", "participation", "options",
                           "passed", "explanation", "chain_head"}
    assert result["rule"] == "owners_three_quarters"
    assert result["electorate"] == {"units": 2, "headcount": 2, "area_m2": "135.75"}
    assert result["participation"] == {"units": 2, "headcount": 2, "area_m2": "135.75",
                                       "met": True}
    assert result["options"][0] == {"id": agree, "label": "同意", "units": 2, "headcount": 2,
                                    "area_m2": "135.75"}
    assert result["passed"] is True and len(result["chain_head"]) == 64
    detail = voter.get(f"/api/v1/ballots/{ballot['id']}").json
    assert detail["status"] == "closed" and detail["basis"] == "owners"
    assert voter.get("/api/v1/ballots").json["items"][0]["id"] == ballot["id"]


@pytest.mark.parametrize("change, status, field", [
    ({"opens_at": None}, 422, None),
    ({"basis": "everyone"}, 422, None),
    ({"matter": "consultative"}, 422, None),
    ({"options": ["甲", "甲"]}, 422, None),
    ({"options": ["甲"]}, 422, None),
    ({"options": "甲"}, 422, None),
    ({"secret": "yes"}, 422, None),
    ({"opens_at": "tomorrow"}, 422, None),
])
def test_create_refuses_bad_input(api, world, db, change, status, field):
    api.login(world.secretary)
    data = body(world, **{k: v for k, v in change.items() if v is not None})
    for k, v in change.items():
        if v is None:
            data.pop(k)
    response = api.post("/api/v1/ballots", json=data)
    assert response.status_code == status
    assert db.session.scalar(db.select(db.func.count(Ballot.id))) == 0


def test_owners_ballot_needs_fifteen_days_between_notice_and_opening(api, world, db):
    api.login(world.secretary)
    now = utcnow()
    short = api.post("/api/v1/ballots", json=body(
        world, announced_at=iso(now - timedelta(days=14)), opens_at=iso(now)))
    assert short.status_code == 422 and "15日" in short.json["error"]["message"]
    residents = api.post("/api/v1/ballots", json=body(
        world, basis="residents", matter="consultative", announced_at=iso(now),
        opens_at=iso(now + timedelta(days=1))))
    assert residents.status_code == 201


def test_other_secretary_cannot_create_for_a_compound_not_theirs(api, world, db):
    api.login(world.other_secretary)
    assert api.post("/api/v1/ballots", json=body(world)).status_code == 404


def test_vote_errors(api, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    other = make_ballot(world.secretary, world.compound_a)
    api.login(world.resident)
    url = f"/api/v1/ballots/{ballot.id}/votes"
    wrong_option = api.post(url, json={"household_id": world.household_a.id,
                                       "option_id": other.options[0].id})
    assert wrong_option.status_code == 422
    not_mine = api.post(url, json={"household_id": world.household_a2.id,
                                   "option_id": ballot.options[0].id})
    assert not_mine.status_code == 403
    assert api.post(url, json={"household_id": "x", "option_id": 1}).status_code == 422
    assert api.post(url, data="x").status_code == 400
    closed = make_ballot(world.secretary, world.compound_a, state="closed")
    late = api.post(f"/api/v1/ballots/{closed.id}/votes", json={
        "household_id": world.household_a.id, "option_id": closed.options[0].id})
    assert late.status_code == 409 and late.json["error"]["code"] == "ballot_not_open"
    assert db.session.scalar(db.select(db.func.count(Vote.id))) == 0


def test_vote_change_only_where_allowed(api, world, db):
    ballot = make_ballot(world.secretary, world.compound_a, allow_change=True)
    api.login(world.resident)
    url = f"/api/v1/ballots/{ballot.id}/votes"
    first = api.post(url, json={"household_id": world.household_a.id,
                                "option_id": option(ballot, "同意").id})
    second = api.post(url, json={"household_id": world.household_a.id,
                                 "option_id": option(ballot, "反对").id})
    assert first.status_code == second.status_code == 201
    assert first.json["receipt"] != second.json["receipt"]
    [vote] = db.session.scalars(db.select(Vote).where(Vote.ballot_id == ballot.id)).all()
    assert vote.option_id == option(ballot, "反对").id


def test_paper_vote_errors(api, world, db):
    """The serial is checked against the serials issued: another household's,
    another ballot's, an unknown, a voided or an entered one is refused;
    without a serial the household and a reason are needed."""
    from residentvoice.voting.paper import replace_paper_ballot
    from residentvoice.voting.models import PaperBallot
    ballot = make_ballot(world.secretary, world.compound_a)
    other = make_ballot(world.secretary, world.compound_a)
    api.login(world.secretary)
    url = f"/api/v1/ballots/{ballot.id}/paper-votes"
    data = {"serial": paper_serial(world.secretary, ballot, world.household_a),
            "option_id": ballot.options[0].id, "witness": "w"}

    def refused(body, status):
        response = api.post(url, json=body)
        assert response.status_code == status, response.json
        return response.json["error"]["code"]
    refused({**data, "household_id": world.household_a2.id}, 422)       # not its household
    refused({**data, "serial": "ABCD2345"}, 422)                           # never issued
    refused({**data, "serial": paper_serial(world.secretary, other, world.household_a)}, 422)
    refused({**data, "witness": ""}, 422)
    assert api.post(url, json=data).status_code == 201
    assert refused(data, 409) == "already_voted"
    spoilt = db.session.scalar(db.select(PaperBallot).where(
        PaperBallot.serial == paper_serial(world.secretary, ballot, world.household_a2)))
    replace_paper_ballot(world.secretary, ballot, spoilt, "打印错误")
    assert refused({**data, "serial": spoilt.serial}, 409) == "paper_ballot_voided"
    lost = {"household_id": world.household_a2.id, "option_id": ballot.options[1].id,
            "witness": "w"}
    refused(lost, 422)                                                      # no reason
    refused({**lost, "household_id": world.household_b.id, "reason": "遗失"}, 422)
    assert api.post(url, json={**lost, "reason": "选票遗失，当面重填"}).status_code == 201


def test_secret_ballot_api_never_links_voters_to_options(api, world, db):
    ballot = make_ballot(world.secretary, world.compound_a, secret=True)
    api.login(world.resident)
    api.post(f"/api/v1/ballots/{ballot.id}/votes", json={
        "household_id": world.household_a.id, "option_id": ballot.options[0].id})
    sec = type(api)(api.client).login(world.secretary)
    sec.post(f"/api/v1/ballots/{ballot.id}/close", json={"reason": "提前完成"})
    result = sec.get(f"/api/v1/ballots/{ballot.id}/result").json
    text = str(result)
    assert result["options"][0]["units"] == 1
    assert world.household_a.code not in text and "王秀兰" not in text

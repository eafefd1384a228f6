"""Words on the screen (issue 17 §1–§3): Chinese where a resident reads
Chinese, words where a person expects words, one voice.

Each test guards a class of problem across the pages and exports that had
it: English headers and raw values in exports, UTC times, two roundings of
one percentage, flat codes, coordinates, seconds, 你 in the catalogue, a
number typed to link a record, an English not-found message."""
import csv
import io
import re
from datetime import timedelta

from babel.messages.pofile import read_po
from openpyxl import load_workbook

from residentvoice.config import ROOT
from residentvoice.extensions import db as _db
from residentvoice.meetings.models import InviteeScope, Meeting, MeetingKind, MeetingStatus
from residentvoice.models import utcnow
from residentvoice.spaces.models import Space, SpaceOrigin
from residentvoice.tickets import services as tickets
from residentvoice.tickets.models import Category
from residentvoice.voting import services as voting
from residentvoice.voting.casting import cast_phone_vote
from residentvoice.voting.models import Cast

from .voting.helpers import make_ballot, option

# A cell that is a word or two of ASCII letters only: an English header or a
# raw code ("routed", "yes", "facade_ac", "owners_three_quarters").
ASCII_WORDS = re.compile(r"^[A-Za-z][A-Za-z_ ()/.-]*$")
PERCENT = re.compile(r"\d+\.\d\d%")


def _text(response):
    return response.get_data(as_text=True)


def _csv(response):
    return list(csv.reader(io.StringIO(_text(response).lstrip("\ufeff"))))


def _xlsx(response):
    book = load_workbook(io.BytesIO(response.data))
    return {sheet.title: [[c for c in row] for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}


def _english_cells(rows):
    return [c for row in rows for c in row if isinstance(c, str) and ASCII_WORDS.match(c)]


def _voted_ballot(factory, w, matter="owners_other", close=True):
    """Owners' ballot in compound A: 1号楼301 (80.50 m²) agrees, 1号楼401
    (55.25 m²) is against — 59.300…% of the area agrees, more than half: met."""
    second = factory.resident(w.household_a2, name="赵大妈")
    ballot = make_ballot(w.secretary, w.compound_a, matter=matter)
    cast_phone_vote(w.resident, ballot, w.household_a.id, option(ballot, "同意").id)
    cast_phone_vote(second, ballot, w.household_a2.id, option(ballot, "反对").id)
    if close:
        voting.close_ballot(w.secretary, ballot)
    return ballot


def _ticket(w):
    tickets.set_rule(w.secretary, w.compound_a, "facade_ac", w.organisation.id)
    return tickets.create_ticket(w.resident, compound_id=w.compound_a.id,
                                 category=Category.facade_ac.name, description="空调外机震动",
                                 household_id=w.household_a.id)


EXPORTS = ("/ballots/{id}/export/results.csv", "/ballots/{id}/export/voters.csv",
           "/ballots/{id}/export/results.xlsx", "/ballots/{id}/export/voters.xlsx",
           "/tickets/dashboard.csv", "/tickets/dashboard.xlsx")


def _export_sheets(client, ballot):
    """{url: {sheet title or "csv": rows}} for every export."""
    found = {}
    for url in EXPORTS:
        response = client.get(url.format(id=ballot.id))
        assert response.status_code == 200, url
        found[url] = _xlsx(response) if url.endswith(".xlsx") else {"csv": _csv(response)}
    return found


def test_every_export_is_in_chinese_by_default(factory, client, auth, db):
    w = factory.world()
    ballot = _voted_ballot(factory, w, close=False)
    voting.close_ballot(w.secretary, ballot)
    _ticket(w)
    db.session.commit()
    auth.login(w.secretary)
    for url, sheets in _export_sheets(client, ballot).items():
        for title, rows in sheets.items():
            assert title == "csv" or not ASCII_WORDS.match(title), (url, title)
            assert rows and not _english_cells(rows[:1]), (url, rows[:1])
            assert _english_cells(rows) == [], (url, _english_cells(rows))
    results = _text(client.get(f"/ballots/{ballot.id}/export/results.csv"))
    assert "owners_" not in results and "四分之三" not in results and "过半数" in results
    assert "是" in results and "否" in results
    dashboard = _text(client.get("/tickets/dashboard.csv"))
    assert "外立面/空调" in dashboard and "已派单" in dashboard
    assert "facade_ac" not in dashboard and "routed" not in dashboard


def test_exports_are_in_english_for_an_english_reader(factory, client, auth, db):
    w = factory.world()
    ballot = _voted_ballot(factory, w)
    _ticket(w)
    w.secretary.locale = "en"
    db.session.commit()
    auth.login(w.secretary)
    voters = _csv(client.get(f"/ballots/{ballot.id}/export/voters.csv"))
    assert voters[0][:2] == ["Household", "Household code"]
    assert voters[1][0].startswith("Building ")
    tickets_csv = _csv(client.get("/tickets/dashboard.csv"))
    assert tickets_csv[0][0] == "Ticket number" and "Facade / AC brackets" in tickets_csv[1]
    assert "Tickets" in _xlsx(client.get("/tickets/dashboard.xlsx"))


def test_exports_give_beijing_time_to_the_minute(factory, client, auth, db):
    w = factory.world()
    ballot = _voted_ballot(factory, w, close=False)
    db.session.commit()
    auth.login(w.secretary)
    first = db.session.scalar(db.select(Cast.created_at).where(
        Cast.ballot_id == ballot.id).order_by(Cast.seq).limit(1))
    voters = _csv(client.get(f"/ballots/{ballot.id}/export/voters.csv"))
    assert voters[0][-1] == "时间（北京时间）"
    beijing = (first + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    assert beijing in [row[-1] for row in voters[1:]]
    assert first.strftime("%Y-%m-%d %H:%M") != beijing
    for row in voters[1:]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[-1])       # no seconds


def test_a_percentage_reads_the_same_on_the_page_and_in_the_export(factory, client, auth, db):
    w = factory.world()
    ballot = _voted_ballot(factory, w)
    db.session.commit()
    auth.login(w.secretary)
    page = _text(client.get(f"/ballots/{ballot.id}/result"))
    exported = _text(client.get(f"/ballots/{ballot.id}/export/results.csv"))
    sheet = _xlsx(client.get(f"/ballots/{ballot.id}/export/results.xlsx"))
    in_sheet = {c for rows in sheet.values() for row in rows for c in row
                if isinstance(c, str) and PERCENT.fullmatch(c)}
    # 8050/13575 = 59.3001…%: met (more than half), so rounded towards its verdict.
    assert "59.31%" in page and "59.31%" in exported and "59.31%" in in_sheet
    assert set(PERCENT.findall(exported)) <= set(PERCENT.findall(page))
    assert in_sheet <= set(PERCENT.findall(page))


def test_flats_read_as_building_and_flat_not_as_the_register_code(factory, client, auth, db):
    w = factory.world()
    ballot = make_ballot(w.secretary, w.compound_a)
    db.session.commit()
    auth.login(w.resident)
    label = f"{w.building_a.number}号楼301"
    assert w.household_a.label == label
    home = _text(client.get("/"))
    confirm = _text(client.get(f"/ballots/{ballot.id}/vote?household={w.household_a.id}"
                               f"&option={option(ballot, '同意').id}"))
    for page in (home, confirm):
        assert label in page and w.household_a.code not in page


def test_no_coordinates_on_a_space_page(factory, client, auth, db):
    w = factory.world()
    space = Space(compound_id=w.compound_a.id, name="3号楼北侧空地",
                  location="3号楼北侧", area_m2="120.00", origin=SpaceOrigin.illegal_structure,
                  latitude="39.938620", longitude="116.428150")
    db.session.add(space)
    db.session.commit()
    auth.login(w.resident)
    page = _text(client.get(space.path))
    assert "3号楼北侧" in page and "在地图上查看" in page
    assert "39.938620" not in page.split("href=")[0] and ">39.9" not in page


def _meeting(w):
    meeting = Meeting(community_id=w.community_a.id, compound_id=w.compound_a.id,
                      title="议事会", kind=MeetingKind.council, place="群众接待室",
                      starts_at=utcnow().replace(second=45) + timedelta(days=3),
                      chair_id=w.secretary.id, recorder_id=w.secretary.id,
                      invitees=InviteeScope.all_residents, status=MeetingStatus.draft)
    _db.session.add(meeting)
    _db.session.flush()
    return meeting


def test_an_agenda_item_links_a_ballot_picked_from_a_list(factory, client, auth, db):
    w = factory.world()
    ballot = make_ballot(w.secretary, w.compound_a, state="announced")
    elsewhere = make_ballot(w.other_secretary, w.compound_b, state="announced")
    meeting = _meeting(w)
    db.session.commit()
    auth.login(w.secretary)
    form = _text(client.get(f"/meetings/{meeting.id}/items/new"))
    assert re.search(rf'<option value="ballot:{ballot.id}">[^<]*：{ballot.title}（', form)
    assert f"ballot:{elsewhere.id}" not in form
    assert 'type="number"' not in form.split('id="ref"')[0].rsplit("<label", 1)[-1]
    client.post(f"/meetings/{meeting.id}/items/new", data={
        "title": "充电桩", "time_box_minutes": 15, "ref": f"ballot:{ballot.id}"})
    db.session.refresh(meeting)
    assert [i.ref_pairs for i in meeting.items] == [[("ballot", ballot.id)]]
    refused = _text(client.post(f"/meetings/{meeting.id}/items/new", data={
        "title": "别的", "time_box_minutes": 15, "ref": f"ballot:{elsewhere.id}"}))
    assert "ballot" not in re.sub(r"<[^>]+>|ballot:\d+", "", refused.split("<main", 1)[1])


def test_an_unseen_record_is_named_in_words(factory, db):
    from flask_babel import force_locale

    from residentvoice.errors_domain import InvalidInput
    from residentvoice.meetings import agenda
    w = factory.world()
    try:
        agenda.check_refs(w.secretary, [("ballot", 999)])
    except InvalidInput as error:
        with force_locale("zh_Hans"):
            assert str(error.message) == "没有您能查看的表决（999 号）。"
    else:
        raise AssertionError("a ballot nobody can see was linked")


def test_meeting_times_are_shown_without_seconds(factory, client, auth, db):
    w = factory.world()
    meeting = _meeting(w)
    db.session.commit()
    auth.login(w.secretary)
    page = _text(client.get(f"/meetings/{meeting.id}"))
    assert not re.search(r"\d:\d\d:\d\d", page)
    audit = _text(client.get("/audit/"))
    assert not re.search(r"\d:\d\d:\d\d", audit)


def test_signing_in_is_asked_in_chinese(factory, client, db):
    w = factory.world()
    meeting = _meeting(w)
    db.session.commit()
    response = client.get(f"/meetings/{meeting.id}/checkin/{meeting.checkin_token}",
                          follow_redirects=True)
    page = _text(response)
    assert "请先登录" in page and "Please log in" not in page


def test_the_chinese_catalogue_says_nin_not_ni():
    po = ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as fh:
        catalog = read_po(fh, locale="zh_Hans")
    found = [m.id for m in catalog if m.id and any(
        "你" in text for text in (m.string if isinstance(m.string, tuple) else (m.string,))
        if text)]
    assert found == []


def test_the_api_names_a_missing_record_in_words(factory, api, db):
    w = factory.world()
    db.session.commit()
    api.login(w.secretary)
    response = api.get("/api/v1/ballots/999999")
    message = response.get_json()["error"]["message"]
    assert response.status_code == 404 and message == "找不到 999999 号表决。"


def test_the_attendance_list_names_flats_and_finds_them_by_room(factory, client, auth, db):
    w = factory.world()
    meeting = _meeting(w)
    db.session.commit()
    auth.login(w.secretary)
    page = _text(client.get(f"/meetings/{meeting.id}/attendance?q=301"))
    assert "王秀兰" in page and w.household_a.label in page
    assert w.household_a.code not in page.split('id="q"')[1]

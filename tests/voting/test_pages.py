"""The voting pages through the test client: a resident votes from the phone,
a secretary creates, opens and closes ballots and enters paper and proxy votes."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from residentvoice.models import utcnow
from residentvoice.voting import services
from residentvoice.voting.casting import cast_phone_vote
from residentvoice.voting.models import Ballot, BallotStatus, Cast, Proxy, Vote
from residentvoice.voting.paper_entry import enter_paper_vote

from .helpers import make_ballot, option, paper_serial

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(factory):
    return factory.world()


def text(response):
    return response.get_data(as_text=True)


def count_votes(db, ballot):
    return db.session.scalar(db.select(db.func.count(Vote.id)).where(Vote.ballot_id == ballot.id))


def test_resident_votes_in_one_tap_plus_confirmation(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    auth.login(world.resident)
    home = text(client.get("/"))
    assert ballot.title in home and "投票中：请投票" in home
    page = text(client.get(f"/ballots/{ballot.id}"))
    assert f'name="option" value="{agree.id}"' in page
    confirm = client.get(f"/ballots/{ballot.id}/vote?household={world.household_a.id}"
                         f"&option={agree.id}")
    assert confirm.status_code == 200 and world.household_a.label in text(confirm)
    assert count_votes(db, ballot) == 0        # the GET only asks for confirmation
    done = client.post(f"/ballots/{ballot.id}/vote", data={
        "household": world.household_a.id, "option": agree.id}, follow_redirects=True)
    receipt = db.session.scalar(db.select(Cast.receipt).where(Cast.ballot_id == ballot.id))
    assert receipt in text(done)
    assert count_votes(db, ballot) == 1
    again = client.post(f"/ballots/{ballot.id}/vote", data={
        "household": world.household_a.id, "option": option(ballot, "反对").id},
        follow_redirects=True)
    assert "该户已经投过票" in text(again)
    assert count_votes(db, ballot) == 1
    assert "王秀兰" in text(again)              # open ballot: who cast it


def test_household_voted_shows_without_who_in_secret_ballots(client, auth, world, factory, db):
    from residentvoice.auth.models import Relation
    ballot = make_ballot(world.secretary, world.compound_a, secret=True)
    cast_phone_vote(world.resident, ballot, world.household_a.id, ballot.options[0].id)
    co_owner = factory.resident(world.household_a, relation=Relation.co_owner, name="赵春生")
    auth.login(co_owner)
    page = text(client.get(f"/ballots/{ballot.id}"))
    assert "王秀兰" not in page
    assert 'name="option"' not in page       # the household voted: no buttons


def test_vote_with_a_forged_option_or_household(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    other = make_ballot(world.secretary, world.compound_a)
    auth.login(world.resident)
    forged = client.post(f"/ballots/{ballot.id}/vote", data={
        "household": world.household_a.id, "option": other.options[0].id})
    assert forged.status_code == 302
    not_mine = client.post(f"/ballots/{ballot.id}/vote", data={
        "household": world.household_b.id, "option": ballot.options[0].id})
    assert not_mine.status_code == 302
    assert count_votes(db, ballot) == count_votes(db, other) == 0


def form_data(**extra):
    now = utcnow() + timedelta(hours=8)
    data = {"title": "垃圾桶站选址", "description": "", "basis": "owners",
            "matter": "common_parts_use", "count_per": "household", "options": "",
            "announced_at": (now).strftime("%Y-%m-%dT%H:%M"),
            "opens_at": (now + timedelta(days=16)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "proxy_cap": "3"}
    data.update(extra)
    return data


def test_secretary_creates_a_ballot_and_bad_input_keeps_values(client, auth, world, db):
    auth.login(world.secretary)
    url = f"/ballots/new/{world.compound_a.id}"
    assert client.get(url).status_code == 200
    dup = client.post(url, data=form_data(options="方案甲\n方案甲"))
    assert dup.status_code == 422
    page = text(dup)
    assert 'class="error" id="options-error"' in page and "垃圾桶站选址" in page
    early = client.post(url, data=form_data(
        opens_at=(utcnow() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")))
    assert 'id="opens_at-error"' in text(early)
    assert db.session.scalar(db.select(db.func.count(Ballot.id))) == 0
    created = client.post(url, data=form_data(options="3号楼西侧\n东门内\n弃权"))
    assert created.status_code == 302
    ballot = db.session.scalar(db.select(Ballot))
    assert [o.kind.name for o in ballot.options] == ["choice", "choice", "abstain"]
    announce = client.post(f"/ballots/{ballot.id}/do/announce")
    assert announce.status_code == 302 and ballot.status is BallotStatus.announced
    too_early = client.post(f"/ballots/{ballot.id}/do/open", follow_redirects=True)
    assert ballot.status is BallotStatus.announced
    assert "须到公告的开始时间才能开始投票" in text(too_early)
    edit = client.post(f"/ballots/{ballot.id}/edit", data=form_data(title="新标题"))
    assert edit.status_code == 302 and ballot.title == "新标题"


def test_edit_refused_once_open(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    auth.login(world.secretary)
    response = client.post(f"/ballots/{ballot.id}/edit", data=form_data(title="改"))
    assert response.status_code == 302 and ballot.title != "改"


def test_proxy_vote_with_signed_form_and_cap(client, auth, world, factory, db):
    ballot = make_ballot(world.secretary, world.compound_a, proxy_cap=1)
    auth.login(world.secretary)
    url = f"/ballots/{ballot.id}/proxy"
    data = {"proxy_name": "张代理", "proxy_phone": "13912345678",
            "households": world.household_a2.code, "option": ballot.options[0].id}
    missing = client.post(url, data=data)
    assert 'id="authorisation-error"' in text(missing)
    not_a_scan = client.post(url, data={**data, "authorisation": (io.BytesIO(b"hello"), "a.pdf")},
                             content_type="multipart/form-data")
    assert 'id="authorisation-error"' in text(not_a_scan)
    assert 'value="张代理"' in text(not_a_scan)
    assert db.session.scalar(db.select(db.func.count(Proxy.id))) == 0
    ok = client.post(url, data={**data, "authorisation": (io.BytesIO(PDF), "form.pdf")},
                     content_type="multipart/form-data")
    assert ok.status_code == 302
    proxy = db.session.scalar(db.select(Proxy))
    assert proxy.upload_id and count_votes(db, ballot) == 1
    over = client.post(url, data={**data, "households": world.household_a.code,
                                  "authorisation": (io.BytesIO(PDF), "form.pdf")},
                       content_type="multipart/form-data")
    assert "最多代理 1 位委托人" in text(over)
    assert count_votes(db, ballot) == 1
    assert client.get(f"/uploads/{proxy.upload_id}").status_code == 200
    auth.logout()
    auth.login(world.street_admin)
    assert client.get(f"/uploads/{proxy.upload_id}").status_code == 404


def _close_with_votes(world, secret=False):
    ballot = make_ballot(world.secretary, world.compound_a, secret=secret)
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
    enter_paper_vote(world.secretary, ballot,
                     serial=paper_serial(world.secretary, ballot, world.household_a2),
                     option_id=option(ballot, "反对").id, witness="w")
    return ballot


def test_result_page_explains_each_threshold(client, auth, world, db):
    ballot = _close_with_votes(world)
    auth.login(world.resident)
    open_page = text(client.get(f"/ballots/{ballot.id}/result"))
    assert "<svg" not in open_page                   # no live counts chosen
    services.close_ballot(world.secretary, ballot)
    page = text(client.get(f"/ballots/{ballot.id}/result"))
    assert "<svg" in page and 'class="chart-threshold"' in page
    assert page.count('class="badge ok"') >= 2       # participation by area and headcount
    assert "3/4" in page and ballot.chain_head in page
    notice = text(client.get(f"/ballots/{ballot.id}/notice"))
    assert ballot.chain_head in notice


def test_secret_ballot_pages_and_exports_never_link_voter_and_option(client, auth, world, db):
    ballot = _close_with_votes(world, secret=True)
    auth.login(world.secretary)
    while_open = text(client.get(f"/ballots/{ballot.id}/result"))
    assert "<svg" not in while_open and "2" in while_open
    services.close_ballot(world.secretary, ballot)
    pages = [client.get(u) for u in (f"/ballots/{ballot.id}", f"/ballots/{ballot.id}/result",
                                     f"/ballots/{ballot.id}/notice",
                                     f"/ballots/{ballot.id}/export/results.csv")]
    for response in pages:
        body = text(response)
        assert "王秀兰" not in body and world.household_a.code not in body \
            and world.household_a.label not in body
    voters = text(client.get(f"/ballots/{ballot.id}/export/voters.csv"))
    assert world.household_a.label in voters             # who took part, never what
    assert not {"同意", "反对", "Agree", "Against"} & set(voters.replace(",", "\n").split())
    receipt = db.session.scalar(db.select(Cast.receipt).where(Cast.seq == 1,
                                                              Cast.ballot_id == ballot.id))
    check = text(client.get(f"/ballots/verify?receipt={receipt}"))
    assert "同意" not in check and "Agree" not in check


def test_exports_csv_and_xlsx(client, auth, world, db):
    ballot = _close_with_votes(world)
    auth.login(world.secretary)
    voters = client.get(f"/ballots/{ballot.id}/export/voters.csv")
    rows = list(csv.reader(io.StringIO(text(voters).lstrip("\ufeff"))))
    assert sorted(r[0] for r in rows[1:]) == sorted([world.household_a.label,
                                                    world.household_a2.label])
    services.close_ballot(world.secretary, ballot)
    results = client.get(f"/ballots/{ballot.id}/export/results.xlsx")
    sheet = load_workbook(io.BytesIO(results.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["同意", 1, 1, "80.50"] == values[[r[0] for r in values].index("同意")][:4]


def test_receipt_verification_is_public(client, world, db):
    ballot = _close_with_votes(world)
    receipt = db.session.scalar(db.select(Cast.receipt).where(Cast.ballot_id == ballot.id,
                                                              Cast.seq == 1))
    page = text(client.get(f"/ballots/verify?receipt={receipt.lower()}"))
    assert "已计入" in page
    assert "没有与此回执码对应的投票" in text(client.get("/ballots/verify?receipt=XXXX"))


def test_result_page_queries_do_not_grow_with_votes(client, auth, world, factory, db):
    """The count is SQL aggregates: 2 or 200 votes, the same number of queries."""
    def queries_for(ballot):
        statements = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)
        event.listen(db.engine, "before_cursor_execute", before)
        try:
            assert client.get(f"/ballots/{ballot.id}/result").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
        return len(statements)

    small = _close_with_votes(world)
    services.close_ballot(world.secretary, small)
    for n in range(60):
        factory.household(world.building_a, area="50.00")
    big = make_ballot(world.secretary, world.compound_a)
    from residentvoice.voting.paper import issue_paper_ballots
    papers, _issued = issue_paper_ballots(world.secretary, big)
    for n, paper in enumerate(papers):
        enter_paper_vote(world.secretary, big, serial=paper.serial,
                         option_id=big.options[n % 3].id, witness="w")
    services.close_ballot(world.secretary, big)
    auth.login(world.secretary)
    queries_for(small)                       # warm caches
    assert queries_for(big) == queries_for(small)


def test_a_ballot_page_shows_it_closed_once_its_closing_time_passes(client, auth, world, db):
    """Nobody has to run ``ballots close-due`` first: the ballot's page closes a
    ballot whose time is up and offers no vote."""
    ballot = make_ballot(world.secretary, world.compound_a,
                         closes_at=utcnow() + timedelta(seconds=20))
    agree = option(ballot, "同意")
    auth.login(world.resident)
    page = text(client.get(f"/ballots/{ballot.id}"))
    assert '<span class="badge">投票中</span>' in page
    assert f'name="option" value="{agree.id}"' in page
    ballot.closes_at = utcnow() - timedelta(seconds=1)      # the clock passes it
    db.session.commit()
    page = text(client.get(f"/ballots/{ballot.id}"))
    assert '<span class="badge">已截止</span>' in page
    assert f'name="option" value="{agree.id}"' not in page
    db.session.expire_all()
    assert db.session.get(Ballot, ballot.id).status is BallotStatus.closed


def test_a_ballot_counted_per_resident_says_so_on_every_sheet(client, auth, world, factory, db):
    """A residents' ballot counted per adult: the posted notice, each paper,
    the turnout and the close page speak of residents on the list, never of
    "one vote per household" — a second adult of a flat would think their
    household had voted already.  A household ballot keeps its words."""
    from residentvoice.auth.models import Relation
    from residentvoice.voting.paper import issue_paper_ballots
    factory.resident(world.household_a, relation=Relation.family, name="张桂芳")
    per_person = make_ballot(world.secretary, world.compound_a, basis="residents",
                             matter="consultative", count_per="person")
    per_household = make_ballot(world.secretary, world.compound_a, basis="residents",
                                matter="consultative")
    for ballot in (per_person, per_household):
        issue_paper_ballots(world.secretary, ballot, world.household_a.id)
    db.session.commit()
    auth.login(world.secretary)
    pages = {ballot: " ".join(text(client.get(f"/ballots/{ballot.id}{path}")) for path in (
        "/announcement", "/paper-ballots/print", "", "/close")) for ballot in (
        per_person, per_household)}
    assert "名单上的每位成年居民各计一票" in pages[per_person]
    assert "本票只对上面写明的投票人有效" in pages[per_person]
    assert "位居民中有" in pages[per_person] and "位居民中的" in pages[per_person]
    assert "每户只计一票" not in pages[per_person]
    assert "每户只计一票" in pages[per_household] and "名单上" not in pages[per_household]

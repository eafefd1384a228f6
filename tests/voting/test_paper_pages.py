"""Paper ballots through the pages (issue 18 §4): print them all or one,
enter each on one screen by its serial (or, lost, by room or name), replace
a lost one; the printable ballot notice and results notice with their QR."""
import re

import pytest

from residentvoice.directory.letters import format_code
from residentvoice.voting import services
from residentvoice.voting.models import Cast, PaperBallot, Vote

from .helpers import make_ballot, option, paper_serial


@pytest.fixture
def world(factory):
    return factory.world()


def text(response):
    return response.get_data(as_text=True)


def count_votes(db, ballot):
    return db.session.scalar(db.select(db.func.count(Vote.id)).where(Vote.ballot_id == ballot.id))


def test_printing_all_issues_once_one_page_per_household(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    auth.login(world.secretary)
    listing = text(client.get(f"/ballots/{ballot.id}/paper-ballots"))
    assert world.household_a.label in listing and "王秀兰" in listing
    assert "2 户还没有编号" in listing
    issued = client.post(f"/ballots/{ballot.id}/paper-ballots/issue")
    assert issued.status_code == 302 and "/paper-ballots/print" in issued.location
    page = text(client.get(issued.location))
    serials = db.session.scalars(db.select(PaperBallot.serial).where(
        PaperBallot.ballot_id == ballot.id).order_by(PaperBallot.id)).all()
    assert len(serials) == 2 and page.count('class="paper-sheet"') == 2
    for serial in serials:
        assert format_code(serial) in page
    assert page.count("<svg") == 2 and "qr-code" in page
    assert world.household_a.label in page and "王秀兰" in page     # as the register has it
    assert page.count('class="tick-box"') == 2 * len(ballot.options)
    assert ballot.title in page and "业主签字" in page
    client.post(f"/ballots/{ballot.id}/paper-ballots/issue")           # printed again
    assert db.session.scalars(db.select(PaperBallot.serial).where(
        PaperBallot.ballot_id == ballot.id).order_by(PaperBallot.id)).all() == serials


def test_print_one_households_ballot_and_leave_out_those_who_voted(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    auth.login(world.secretary)
    one = client.post(f"/ballots/{ballot.id}/paper-ballots/issue",
                      data={"household": world.household_a2.id})
    page = text(client.get(one.location))
    assert page.count('class="paper-sheet"') == 1 and world.household_a2.label in page
    client.post(f"/ballots/{ballot.id}/paper-ballots/issue")
    from residentvoice.voting.casting import cast_phone_vote
    cast_phone_vote(world.resident, ballot, world.household_a.id, ballot.options[0].id)
    stack = text(client.get(f"/ballots/{ballot.id}/paper-ballots/print"))
    assert stack.count('class="paper-sheet"') == 1 and "1 户已经投票" in stack


def test_paper_ballots_are_printed_once_voting_is_open(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a, state="announced")
    auth.login(world.secretary)
    assert "投票开始后打印" in text(client.get(f"/ballots/{ballot.id}/paper-ballots"))
    refused = client.post(f"/ballots/{ballot.id}/paper-ballots/issue", follow_redirects=True)
    assert "投票开始后打印" in text(refused)
    assert db.session.scalar(db.select(db.func.count(PaperBallot.id))) == 0


def test_one_screen_per_ballot_by_its_serial(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    serial = paper_serial(world.secretary, ballot, world.household_a2)
    against = option(ballot, "反对")
    auth.login(world.secretary)
    url = f"/ballots/{ballot.id}/paper"
    looked_up = text(client.get(url, query_string={"q": serial.lower(), "witness": "李监票"}))
    assert world.household_a2.label in looked_up and format_code(serial) in looked_up
    assert f'value="{against.id}"' in looked_up and 'value="李监票"' in looked_up
    assert 'name="reason"' not in looked_up                  # the serial needs no reason
    scanned = text(client.get(url, query_string={         # a scanner types the QR's address
        "q": f"http://localhost/ballots/paper/{serial}"}))
    assert world.household_a2.label in scanned and f'value="{against.id}"' in scanned
    entered = text(client.post(url, data={"serial": serial, "option": against.id,
                                          "witness": "李监票"}))
    assert "已录入纸质票" in entered and world.household_a2.label in entered
    assert 'name="q"' in entered and 'data-focus="q"' in entered     # ready for the next
    assert 'name="witness" value="李监票"' in entered
    vote = db.session.scalar(db.select(Vote).where(Vote.ballot_id == ballot.id))
    assert vote.household_id == world.household_a2.id and vote.option_id == against.id
    again = text(client.get(url, query_string={"q": serial}))
    assert "已经录入" in again and f'value="{format_code(serial)}"' not in again
    assert 'value="' + serial.lower() + '"' not in again and serial in again


def test_a_refused_serial_loses_nothing(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    serial = paper_serial(world.secretary, ballot, world.household_a2)
    agree = option(ballot, "同意")
    auth.login(world.secretary)
    url = f"/ballots/{ballot.id}/paper"
    unknown = text(client.get(url, query_string={"q": "ABCD 2345"}))
    assert 'id="q-error"' in unknown and 'value="ABCD 2345"' in unknown
    client.post(url, data={"serial": serial, "option": agree.id, "witness": "李监票"})
    twice = text(client.post(url, data={"serial": serial, "option": agree.id,
                                        "witness": "王监票"}))
    assert "已经录入" in twice and world.household_a2.label in twice
    assert "witness=%E7%8E%8B%E7%9B%91%E7%A5%A8" in twice      # the next one keeps 王监票
    no_option = text(client.post(url, data={"serial": paper_serial(
        world.secretary, ballot, world.household_a), "witness": "王监票"}))
    assert 'id="option-error"' in no_option and 'value="王监票"' in no_option
    assert world.household_a.label in no_option
    assert count_votes(db, ballot) == 1


def test_a_lost_serial_is_found_by_room_and_entered_with_a_reason(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    auth.login(world.secretary)
    url = f"/ballots/{ballot.id}/paper"
    found = text(client.get(url, query_string={"q": "401"}))
    assert world.household_a2.label in found
    assert world.household_a2.label in text(client.get(url, query_string={"q": "1/401"}))
    link = re.search(r'href="([^"]*household=%d[^"]*)"' % world.household_a2.id, found)
    page = text(client.get(link.group(1).replace("&amp;", "&")))
    assert 'name="reason"' in page and "无编号" in page
    missing = text(client.post(url, data={"household": world.household_a2.id,
                                          "option": agree.id, "witness": "李监票"}))
    assert 'id="reason-error"' in missing and 'value="李监票"' in missing
    assert count_votes(db, ballot) == 0
    done = text(client.post(url, data={"household": world.household_a2.id, "option": agree.id,
                                       "witness": "李监票", "reason": "选票遗失，当面重填"}))
    assert "无编号" in done and count_votes(db, ballot) == 1
    assert db.session.scalar(db.select(Cast.serial).where(Cast.ballot_id == ballot.id)) is None
    by_name = text(client.get(url, query_string={"q": "秀兰"}))
    assert world.household_a.label in by_name and world.household_a2.label not in by_name
    nobody = text(client.get(url, query_string={"q": "不存在的人"}))
    assert "没有" in nobody


def test_replacing_a_lost_ballot_voids_its_serial(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    old_serial = paper_serial(world.secretary, ballot, world.household_a)
    old = db.session.scalar(db.select(PaperBallot).where(PaperBallot.serial == old_serial))
    auth.login(world.secretary)
    url = f"/ballots/{ballot.id}/paper-ballots/{old.id}/replace"
    assert format_code(old_serial) in text(client.get(url))
    assert 'id="reason-error"' in text(client.post(url, data={"reason": ""}))
    replaced = client.post(url, data={"reason": "住户遗失"})
    assert replaced.status_code == 302 and f"household={world.household_a.id}" in \
        replaced.location
    new = db.session.scalar(db.select(PaperBallot).where(PaperBallot.replaces_id == old.id))
    assert format_code(new.serial) in text(client.get(replaced.location))
    refused = text(client.get(f"/ballots/{ballot.id}/paper", query_string={"q": old_serial}))
    assert "住户遗失" in refused and 'id="q-error"' in refused
    other = make_ballot(world.secretary, world.compound_a)
    assert client.get(f"/ballots/{other.id}/paper-ballots/{new.id}/replace").status_code == 404


def test_the_qr_code_leads_a_secretary_to_the_entry_and_a_resident_to_the_ballot(
        client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    serial = paper_serial(world.secretary, ballot, world.household_a)
    auth.login(world.secretary)
    scanned = client.get(f"/ballots/paper/{serial}")
    assert scanned.status_code == 302 and f"/ballots/{ballot.id}/paper?q={serial}" in \
        scanned.location
    assert client.get("/ballots/paper/ABCD2345").status_code == 404
    auth.logout()
    auth.login(world.resident)
    assert client.get(f"/ballots/paper/{serial}").location.endswith(f"/ballots/{ballot.id}")
    auth.logout()
    auth.login(world.other_resident)
    assert client.get(f"/ballots/paper/{serial}").status_code == 404


def test_the_printable_ballot_notice_with_its_qr(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a, state="announced",
                         description="在1号楼南侧建设充电桩")
    auth.login(world.resident)
    page = text(client.get(f"/ballots/{ballot.id}/announcement"))
    assert "投票公告" in page and ballot.title in page and "在1号楼南侧建设充电桩" in page
    assert "<svg" in page and f"/ballots/{ballot.id}" in page
    assert "四分之三" in page and "同意" in page and "纸质" in page
    assert f"/ballots/{ballot.id}/announcement" in text(client.get(f"/ballots/{ballot.id}"))
    draft = make_ballot(world.secretary, world.compound_a, state="draft")
    auth.logout()
    auth.login(world.secretary)
    assert client.get(f"/ballots/{draft.id}/announcement").status_code == 302


def test_the_results_notice_prints_with_a_qr_to_check_receipts(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    services.close_ballot(world.secretary, ballot)
    auth.login(world.resident)
    page = text(client.get(f"/ballots/{ballot.id}/notice"))
    assert "<svg" in page and "/ballots/verify" in page and "voting-print.css" in page


def test_the_stack_prints_with_the_same_statements_for_2_households_or_14(client, auth, world,
                                                                         factory, db):
    """DESIGN §8: query counts do not grow with the data."""
    from residentvoice.voting.paper import issue_paper_ballots
    from .test_queries import statements
    small = make_ballot(world.secretary, world.compound_a)
    for n in range(12):
        factory.household(world.building_a, unit=f"07{n:02d}",
                          owner=factory.owner(world.community_a))
    big = make_ballot(world.secretary, world.compound_a)
    for ballot in (small, big):
        issue_paper_ballots(world.secretary, ballot)
    small, big = small.id, big.id
    auth.login(world.secretary)

    def printed(ballot_id, what):
        db.session.commit()
        db.session.expunge_all()
        with statements(db) as seen:
            page = text(client.get(f"/ballots/{ballot_id}/{what}"))
        return page, len(seen)
    printed(small, "paper-ballots/print")                       # warm caches
    small_page, few = printed(small, "paper-ballots/print")
    big_page, many = printed(big, "paper-ballots/print")
    assert small_page.count('class="paper-sheet"') == 2
    assert big_page.count('class="paper-sheet"') == 14 and many == few
    small_page, few = printed(small, "paper-ballots")
    big_page, many = printed(big, "paper-ballots")
    assert big_page.count("paper-ballots/print?household=") == 14 and many == few


def test_the_entry_screen_of_a_closed_ballot_offers_no_entry(client, auth, world, db):
    ballot = make_ballot(world.secretary, world.compound_a)
    serial = paper_serial(world.secretary, ballot, world.household_a)
    services.close_ballot(world.secretary, ballot)
    auth.login(world.secretary)
    page = text(client.get(f"/ballots/{ballot.id}/paper", query_string={"q": serial}))
    assert "本表决现在不在投票期内" in page
    assert 'name="q"' not in page and 'name="option"' not in page
    refused = text(client.post(f"/ballots/{ballot.id}/paper", data={
        "serial": serial, "option": ballot.options[0].id, "witness": "w"}))
    assert 'name="option"' not in refused and count_votes(db, ballot) == 0

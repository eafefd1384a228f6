"""Words on the screen in a real browser at 390×844 in Chinese (issue 17 §1–§3):
the audit log reads as sentences, flats read as 1号楼601, an agenda item's
ballot is picked from a list, and scanning a meeting's check-in code before
signing in asks in Chinese."""
import re

import pytest

pytestmark = pytest.mark.browser

SECRETARY = "13900000001"   # 刘书记, 东四十条社区 (README demo accounts)
RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601
RAW_EVENT = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\b|#\d+")


def _ids(live):
    from residentvoice.directory.models import Household
    from residentvoice.meetings.models import Meeting
    with live.session() as session:
        household = session.scalar(session.query(Household).filter_by(
            code="DSST34-1-0601").statement)
        meeting = session.scalars(session.query(Meeting).filter_by(
            compound_id=household.compound_id).statement).first()
        return {"household": household.id, "meeting": meeting.id,
                "token": meeting.checkin_token, "editable": meeting.status.name}


def _main(page):
    return page.locator("main").inner_text()


def test_the_audit_log_and_flats_read_as_words(page, live, login, shoot, layout_problems):
    ids = _ids(live)
    login(page, SECRETARY)
    page.goto(live.url("/audit/"))
    log = page.locator("ul.audit-log").inner_text()
    shoot(page, "words-audit-log")
    assert "刘书记" in log or "系统" in log
    assert not RAW_EVENT.findall(log), RAW_EVENT.findall(log)[:5]
    assert not re.search(r"\d:\d\d:\d\d", log)
    assert layout_problems(page) == []

    page.goto(live.url(f"/directory/households/{ids['household']}"))
    shoot(page, "words-household-secretary")
    assert page.locator("main h1").inner_text() == "1号楼601"


def test_a_resident_reads_their_flat_as_people_say_it(page, live, login, shoot):
    login(page, RESIDENT)
    page.goto(live.url("/"))
    shoot(page, "words-home-resident")
    text = _main(page)
    assert "1号楼601" in text and "DSST34-1-0601" not in text


def _draft_meeting(live):
    """A draft meeting of 东四十条甲34号院 chaired by its secretary."""
    from datetime import timedelta

    from residentvoice.auth.models import User
    from residentvoice.directory.models import Compound
    from residentvoice.meetings.models import InviteeScope, Meeting, MeetingKind
    from residentvoice.models import utcnow
    with live.session() as session:
        compound = session.scalar(session.query(Compound).filter_by(code="DSST34").statement)
        chair = session.scalar(session.query(User).filter_by(phone=SECRETARY).statement)
        meeting = Meeting(community_id=compound.community_id, compound_id=compound.id,
                          title="议事会：充电桩选址", kind=MeetingKind.council, place="群众接待室",
                          starts_at=utcnow() + timedelta(days=10), chair_id=chair.id,
                          recorder_id=chair.id, invitees=InviteeScope.all_residents)
        session.add(meeting)
        session.flush()
        return meeting.id


def test_an_agenda_item_picks_its_ballot_from_a_list(page, live, login, shoot, submit):
    meeting = _draft_meeting(live)
    login(page, SECRETARY)
    page.goto(live.url(f"/meetings/{meeting}/items/new"))
    ballots = page.locator("select[name=ref] option[value^='ballot:']").all_inner_texts()
    shoot(page, "words-agenda-item-ballot-list")
    assert ballots and all("：" in o and "（" in o for o in ballots), ballots  # kind：title（status）
    assert page.locator("input[name=ref_id]").count() == 0
    page.fill("input[name=title]", "充电桩选址")
    page.select_option("select[name=ref]", label=ballots[0])
    submit(page, "main button[type=submit]")
    assert ballots[0].split("：", 1)[1].rsplit("（", 1)[0] in _main(page)


def test_scanning_the_check_in_code_before_signing_in_asks_in_chinese(page, live, shoot):
    ids = _ids(live)
    page.goto(live.url(f"/meetings/{ids['meeting']}/checkin/{ids['token']}"))
    shoot(page, "words-checkin-sign-in")
    text = page.locator("body").inner_text()
    assert "请先登录" in text and "Please log in" not in text

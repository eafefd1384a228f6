"""A community secretary's journey (issue 8), on a phone in Chinese and in
English, with the chair screen and the ticket dashboard also at 1024×768:
she issues invitation letters, reviews a proposal (returns it, then opens the
revised one), runs a meeting (announce, open, check someone in from the list,
accept a motion for debate, call the speaker who asked for the floor), opens
a ballot, prints a household's paper ballot and enters it back by its serial,
closes the ballot, reroutes a ticket its contractor handed back as not responsible, and reads the
dashboard.  What other people do meanwhile (move a motion, ask for the floor,
hand a ticket back) is done with the services; axe runs on every page she sees."""
import re
from datetime import timedelta

import pytest

from tests.e2e.conftest import LAPTOP, a11y, axe, browser, journey, live, new_page  # noqa: F401

pytestmark = pytest.mark.browser

SECRETARY = "13900000001"   # 刘书记, 东四十条社区
RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601
CONTRACTOR = "13700000001"  # 北京城建建设工程有限公司
PROPERTY = "东城物业管理有限公司"
CHECKS = ("fire_lanes", "window_distance", "electrical_capacity", "accessibility")


def _users(s, *phones):
    from residentvoice.auth.models import User
    return [s.scalar(s.query(User).filter_by(phone=p).statement) for p in phones]


def _neighbours(s, compound, n):
    """Demo residents of the compound with an account (phones 151…)."""
    from residentvoice.auth.models import RoleAssignment, RoleKind, User
    from residentvoice.directory.models import Household
    return s.scalars(s.query(User).join(RoleAssignment)
                     .join(Household, Household.id == RoleAssignment.household_id)
                     .filter(RoleAssignment.kind == RoleKind.resident,
                             Household.compound_id == compound.id,
                             User.phone.like("151%"))
                     .order_by(User.id.desc()).limit(n).statement).all()


def _setup(live, lang):
    """What is waiting for her: a submitted proposal, a draft meeting with an
    agenda item, a draft residents' ballot, and a ticket its contractor handed back."""
    from residentvoice.directory.models import Compound
    from residentvoice.meetings import agenda
    from residentvoice.meetings import services as meetings
    from residentvoice.meetings.models import InviteeScope, MeetingKind
    from residentvoice.models import utcnow
    from residentvoice.spaces import proposals
    from residentvoice.spaces.models import Proposal
    from residentvoice.tickets import actions
    from residentvoice.tickets import services as tickets
    from residentvoice.voting import services as voting
    tag = f"（{lang}）"
    with live.app.test_request_context(), live.session() as s:
        compound = s.scalar(s.query(Compound).filter_by(code="DSST34").statement)
        secretary, resident, contractor = _users(s, SECRETARY, RESIDENT, CONTRACTOR)
        proposer = _neighbours(s, compound, 1)[0]
        shed = s.scalar(s.query(Proposal).filter_by(title="建带顶棚的自行车棚（约60辆）")
                        .statement)
        proposal = proposals.create_proposal(proposer, shed.space, {
            "kind": "bike_shed", "title": "旅程测试：北侧加建第二个车棚" + tag,
            "description": "靠北墙，钢结构。", "quantity": 30, "estimated_cost": "20000",
            "payer": "renovation_fund"}, submit=True)
        now = utcnow()
        meeting = meetings.create_meeting(
            secretary, compound_id=compound.id, title="旅程测试议事会" + tag,
            kind=MeetingKind.council, place="群众接待室",
            starts_at=now + timedelta(minutes=20), chair_id=secretary.id,
            recorder_id=secretary.id, invitees=InviteeScope.all_residents)
        agenda.add_item(secretary, meeting, title="楼道堆物清理", time_box_minutes=20)
        ballot = voting.create_ballot(
            secretary, compound, title="旅程测试：是否延长垃圾站开放时间" + tag,
            basis="residents", matter="consultative", description="",
            announced_at=now - timedelta(hours=1), opens_at=now - timedelta(minutes=1),
            closes_at=now + timedelta(days=5))
        ticket = tickets.create_ticket(
            resident, compound_id=compound.id, category="facade_ac",
            household_id=resident.roles[0].household_id if resident.roles else None,
            description="楼道外墙空调架子生锈" + tag)
        assert ticket.organisation.name == "北京城建建设工程有限公司"
        actions.hand_back(contractor, ticket, "这面墙不在我们的施工范围，应由物业处理。")
        return {"compound": compound.id, "proposal": proposal.id, "meeting": meeting.id,
                "ballot": ballot.id, "ticket": ticket.id}


def _revise(live, proposal_id):
    from residentvoice.spaces import proposals
    from residentvoice.spaces.models import Proposal
    with live.app.test_request_context(), live.session() as s:
        proposal = s.get(Proposal, proposal_id)
        proposals.update_proposal(proposal.proposer, proposal, {
            "kind": "bike_shed", "title": proposal.title.replace("北侧", "北侧（避开消防通道）"),
            "description": "靠北墙退后1.5米，钢结构。", "quantity": 30,
            "estimated_cost": "20000", "payer": "renovation_fund"})
        proposals.submit_proposal(proposal.proposer, proposal)


def _motion_and_floor(live, meeting_id):
    """Two neighbours move and second a motion; 王秀兰 (checked in by the
    secretary) asks for the floor once the chair accepts it for debate."""
    from residentvoice.directory.models import Compound
    from residentvoice.meetings import attendance, moderation
    from residentvoice.meetings.models import Meeting
    with live.app.test_request_context(), live.session() as s:
        meeting = s.get(Meeting, meeting_id)
        compound = s.get(Compound, meeting.compound_id)
        mover, seconder = _neighbours(s, compound, 3)[1:]
        for person in (mover, seconder):
            attendance.check_in_other(meeting.chair, meeting, person.id)
        motion = moderation.move(mover, meeting, "每月第一个周六集中清理楼道堆物")
        moderation.second(seconder, meeting, motion.id)


def _ask_for_floor(live, meeting_id):
    from residentvoice.meetings import moderation
    from residentvoice.meetings.models import Meeting, Side
    with live.app.test_request_context(), live.session() as s:
        [resident] = _users(s, RESIDENT)
        moderation.request_floor(resident, s.get(Meeting, meeting_id), Side.pro)
        return resident.name


def _review(j, page, proposal_id, outcome, shot, problem=None, reason=""):
    j.goto(page, f"/spaces/proposals/{proposal_id}/review")
    for name in CHECKS:
        page.check(f"input[name={name}][value={'problem' if name == problem else 'ok'}]")
    page.check(f"input[name=outcome][value={outcome}]")
    if reason:
        page.fill("textarea[name=reason]", reason)
    j.submit(page, "main button[type=submit]", shot=shot)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_secretary_journey(journey, live, lang):
    j = journey("secretary", lang)
    ids = _setup(live, lang)
    me = j.person(SECRETARY)
    j.goto(me, "/", shot="home")

    # Letters for building 1's households.
    j.goto(me, f"/directory/compounds/{ids['compound']}/invitations/new", shot="issue-letters")
    me.select_option("select[name=building_id]", index=1)
    j.submit(me, "main button[type=submit]", shot="letters")
    assert "/letters" in me.url
    assert me.locator("article.letter .letter-url").count() >= 1
    assert re.search(r"/register\?code=", me.locator(".letter-url").first.inner_text())

    # A proposal: returned for the fire lane, then opened after revision.
    _review(j, me, ids["proposal"], "return", "proposal-returned", problem="fire_lanes",
            reason=j.t("占用消防通道，请退后1.5米。", "It blocks the fire lane; move it back 1.5 m."))
    assert j.t("占用消防通道", "fire lane") in j.main_text(me)
    _revise(live, ids["proposal"])
    _review(j, me, ids["proposal"], "open", "proposal-opened")
    assert me.locator("#support").count() == 1     # open: residents can support it now

    # The meeting: announce, open, check 王秀兰 in from the list.
    meeting = f"/meetings/{ids['meeting']}"
    j.goto(me, meeting, shot="meeting-draft")
    j.submit(me, f"form[action='{meeting}/announce'] button")
    j.submit(me, f"form[action='{meeting}/open'] button", shot="meeting-open")
    j.goto(me, f"{meeting}/attendance?q=DSST34-1-0601")
    checkin = me.locator(f"form[action^='{meeting}/attendance/'] button")
    assert checkin.count() == 1
    j.submit(me, f"form[action^='{meeting}/attendance/'] button", shot="meeting-checked-in")
    assert me.locator(f"form[action^='{meeting}/attendance/'] button").count() == 0

    # The chair screen, on the phone and on a laptop at the front of the room.
    _motion_and_floor(live, ids["meeting"])
    chair = j.person(SECRETARY, **LAPTOP)
    j.goto(chair, f"{meeting}/chair", shot="chair-motion-laptop")
    j.submit(chair, "form[action$='/debate'] button")
    name = _ask_for_floor(live, ids["meeting"])
    chair.reload()
    assert name in chair.locator(".queue-list").inner_text()
    j.submit(chair, f"form[action='{meeting}/speakers/next'] button",
             shot="chair-speaker-laptop")
    assert name in chair.locator("main").inner_text()
    assert chair.locator(f"form[action='{meeting}/speakers/end']").count() == 1
    j.goto(me, f"{meeting}/chair", shot="chair-phone")
    assert name in j.main_text(me)

    # The ballot: announce, open, one paper ballot, close, result.
    ballot = f"/ballots/{ids['ballot']}"
    j.goto(me, ballot, shot="ballot-draft")
    j.submit(me, f"form[action='{ballot}/do/announce'] button")
    j.submit(me, f"form[action='{ballot}/do/open'] button", shot="ballot-open")
    # A household's paper ballot printed, then entered back by its serial (issue 18 §4).
    j.goto(me, f"{ballot}/paper-ballots")
    j.submit(me, ".paper-rows li:first-child form button", shot="paper-print")
    serial = me.locator(".sheet-serial-code").inner_text()
    flat = me.locator(".sheet-flat").inner_text()
    j.goto(me, f"{ballot}/paper")
    me.fill("input[name=q]", serial)
    j.submit(me, "form.paper-find button[type=submit]", shot="paper-found")
    assert flat in me.locator(".paper-target").inner_text()
    me.locator("input[name=option]").nth(1).check()
    me.fill("input[name=witness]", j.t("居委会监票员", "Committee scrutineer"))
    j.submit(me, "form.paper-entry button[type=submit]", shot="paper-entered")
    assert j.t("已录入纸质票", "Entered paper ballot") in me.locator(".entered").inner_text()
    assert me.input_value("input[name=q]") == ""
    j.goto(me, ballot)
    j.submit(me, f"a[href='{ballot}/close']", shot="ballot-close-early")
    assert j.t("户尚未投票", "have not voted yet") in j.main_text(me)
    me.fill("textarea[name=reason]", j.t("施工方案调整，需重新征求意见", "The works plan changed"))
    j.submit(me, "main button[type=submit]")
    j.goto(me, f"{ballot}/notice")
    assert j.t("施工方案调整", "The works plan changed") in j.main_text(me)
    j.goto(me, f"{ballot}/result", shot="ballot-result")
    assert me.locator("main svg").count() >= 1

    # The handed-back ticket goes to the property manager.
    ticket = f"/tickets/{ids['ticket']}"
    j.goto(me, ticket, shot="ticket-handed-back")
    form = f"form[action='{ticket}/act/reroute']"
    me.locator(f"details:has({form}) summary").click()
    me.select_option(f"{form} select", label=PROPERTY)
    j.submit(me, f"{form} button[type=submit]", shot="ticket-rerouted")
    assert PROPERTY in me.locator("dl.facts").inner_text()

    # The dashboard, on the phone and on a laptop.
    j.goto(me, "/tickets/dashboard", shot="dashboard-phone")
    text = j.main_text(me)
    assert j.t("响应率", "response rate") in (text if lang == "zh" else text.lower())
    j.goto(chair, "/tickets/dashboard", shot="dashboard-laptop")
    j.done()

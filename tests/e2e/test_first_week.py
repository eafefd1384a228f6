"""A first week in the demo compounds (issue 17 §4–§11), on a 390×844 phone
in Chinese: what each demo person finds waiting, vote receipts found again,
empty pages that lead on, notifications that say who did what, an overdue
ticket chased, the contacts of each side, repair photos beside the reported
ones, opinions that are not decisions, the secretary's review queue and the
street office's ballots by street.  Screenshots: test-artifacts/week-*.png."""
import io
import re
from datetime import timedelta

import pytest

from tests.e2e.conftest import (a11y, axe, browser, layout_problems, live, login,  # noqa: F401
                                new_page, page, shoot, submit)

pytestmark = pytest.mark.browser

WANG = "13800000001"        # owner, 东四十条甲34号院
LI = "13800000002"          # tenant, 长青园 (the flat belongs to the research institute)
ZHANG = "13800000003"       # owner, 北官厅胡同2号院
SECRETARY = "13900000001"   # 刘书记, 东四十条社区
STREET = "13600000001"      # 东四街道, also 北新桥 and 体育馆路
WATER = "13700000003"       # 北京市政管网工程有限公司


def main_text(page):
    return page.locator("main").inner_text()


def test_the_tenant_finds_a_ballot_a_ticket_and_a_proposal_waiting(page, login, shoot,
                                                                   layout_problems):
    """§11: the 长青园 tenant has a residents' consultation to vote in, a
    ticket to follow and a neighbour's proposal to support."""
    login(page, LI)
    text = main_text(page)
    assert "雨污分流施工期间院内临时停车安排意见征集" in text
    assert "投票中：请投票" in text
    assert "您未关闭的工单" in text
    assert "建带雨棚的自行车棚（约30辆）" in text
    assert layout_problems(page) == []
    shoot(page, "week-11-tenant-home")


def test_a_vote_receipt_is_found_again_after_a_reload(page, login, shoot, submit, a11y):
    """§4: 张桂芳 votes in 北官厅's consultation; the receipt stays on the
    ballot page and on her receipts page, and checks as counted."""
    login(page, ZHANG)
    page.get_by_role("link", name="楼道照明改造方案意见征集").first.click()
    page.wait_for_load_state("load")
    submit(page, "main .vote-card .vote-options button")
    submit(page, "main button[type=submit]")
    page.reload()
    receipt = page.locator("main .receipt strong.code").inner_text().strip()
    assert len(receipt) >= 8
    shoot(page, "week-04-ballot-receipt")
    page.goto("/account")
    submit(page, "main a[href='/ballots/receipts']")
    assert receipt in main_text(page)
    assert a11y(page) == []
    shoot(page, "week-04-receipts")
    submit(page, f"main a[href$='receipt={receipt}']")
    assert "已计入" in main_text(page)


def test_home_shows_minutes_open_for_comment_and_empty_pages_lead_on(page, login, shoot,
                                                                     submit):
    """§5: 王秀兰's home lists the council minutes still open for comment; the
    长青园 tenant's meetings page (none called yet) says why and leads on."""
    login(page, WANG)
    assert "会议纪要征求意见" in main_text(page)
    shoot(page, "week-05-home-minutes")
    submit(page, "#home-minutes ~ ul a")
    assert "/minutes" in page.url
    page.context.clear_cookies()
    login(page, LI)
    page.goto("/meetings/")
    text = main_text(page)
    assert "目前还没有召集会议" in text and "先看看邻居们对腾退空间提了哪些方案" in text
    shoot(page, "week-05-meetings-empty")


def test_notifications_say_who_did_what_to_which_ticket(page, login, shoot):
    """§6: the tenant's ticket was started by the pipe company: the
    notification names who, the ticket and its subject, in one line."""
    login(page, LI)
    page.goto("/notifications/")
    text = main_text(page)
    assert re.search(r"北京市政管网工程有限公司 郑工 开始处理 T\d{6}“[^”]+”。", text), text
    shoot(page, "week-06-notifications")


def _overdue_ticket(live):
    """A demo ticket past its deadline, and its reporter's phone."""
    from residentvoice.tickets.models import Ticket
    from residentvoice.models import utcnow
    with live.session() as s:
        ticket = s.scalar(s.query(Ticket).filter(
            Ticket.overdue_at < utcnow(), Ticket.status.in_(["routed", "acknowledged"]),
            Ticket.reporter_id.isnot(None)).order_by(Ticket.id).limit(1).statement)
        return ticket.id, ticket.reporter.phone


def test_an_overdue_ticket_says_what_happens_next_and_is_chased(live, page, login, shoot,
                                                                submit, layout_problems, a11y):
    """§7: the reporter reads whom it goes to and when, and chases it."""
    ticket_id, phone = _overdue_ticket(live)
    login(page, phone)
    page.goto(f"/tickets/{ticket_id}")
    assert "已超时：接下来会怎样" in main_text(page)
    assert "服务电话" in main_text(page)
    assert layout_problems(page) == [] and a11y(page) == []
    shoot(page, "week-07-overdue")
    submit(page, f"form[action='/tickets/{ticket_id}/chase'] button")
    text = main_text(page)
    assert "已催办" in text and "居民催办了这张超时工单" in text
    shoot(page, "week-07-chased")


def _ticket_with_photos(live):
    """The tenant files a ticket with a photo and lets staff call him; the
    pipe company resolves it with a photo of the repair."""
    from PIL import Image
    from werkzeug.datastructures import FileStorage

    from residentvoice.auth.models import User
    from residentvoice.tickets import actions, services

    def png(colour):
        out = io.BytesIO()
        Image.new("RGB", (120, 90), colour).save(out, "PNG")
        out.seek(0)
        return FileStorage(out, filename="photo.png", content_type="image/png")

    with live.app.test_request_context(), live.session() as s:
        li = s.scalar(s.query(User).filter_by(phone=LI).statement)
        staff = s.scalar(s.query(User).filter_by(phone=WATER).statement)
        home = li.resident_roles()[0].household
        ticket = services.create_ticket(
            li, compound_id=home.compound_id, category="water_drainage",
            description="卫生间下水返味，地漏周围渗水", household_id=home.id,
            share_phone=True, photos=[png((180, 60, 40))])
        actions.acknowledge(staff, ticket)
        actions.resolve(staff, ticket, "更换了地漏和存水弯。", photos=[png((40, 160, 80))])
        return ticket.id


def test_each_side_sees_how_to_reach_the_other_and_the_repair_photo(live, new_page, login,
                                                                     shoot, layout_problems):
    """§7: the pipe company sees the tenant's mobile (he allowed it) and the
    tenant sees the company's service number; the photos are labelled."""
    ticket_id = _ticket_with_photos(live)
    staff = new_page()
    login(staff, WATER)
    staff.goto(f"/tickets/{ticket_id}")
    assert staff.locator(f"main a[href='tel:{LI}']").count() == 1
    shoot(staff, "week-07-staff-sees-phone")
    resident = new_page()
    login(resident, LI)
    resident.goto(f"/tickets/{ticket_id}")
    text = main_text(resident)
    assert "服务电话" in text and "010-64000003" in text
    captions = resident.locator("main .photo-group figcaption").all_inner_texts()
    assert captions == ["报修时", "修复后"]
    assert layout_problems(resident) == []
    shoot(resident, "week-07-photos")


def _motion_on_an_owners_matter(live):
    """A council meeting in session whose item is about the trash-station
    proposal (a use of vacated common space: an owners' matter), a motion
    moved, seconded and put to the vote."""
    from residentvoice.auth.models import User
    from residentvoice.meetings import agenda, attendance, moderation, services
    from residentvoice.meetings.models import InviteeScope, MeetingKind
    from residentvoice.models import utcnow
    from residentvoice.spaces.models import Proposal
    with live.app.test_request_context(), live.session() as s:
        secretary = s.scalar(s.query(User).filter_by(phone=SECRETARY).statement)
        wang = s.scalar(s.query(User).filter_by(phone=WANG).statement)
        proposal = s.scalar(s.query(Proposal).filter_by(title="设置四分类垃圾桶站").statement)
        compound = proposal.space.compound
        neighbour = next(u for u in (r.user for r in compound_residents(s, compound.id))
                         if u.id != wang.id)
        meeting = services.create_meeting(
            secretary, compound_id=compound.id, title="旅程：垃圾桶站怎么建",
            kind=MeetingKind.council, place="群众接待室",
            starts_at=utcnow() + timedelta(days=2), chair_id=secretary.id,
            recorder_id=secretary.id, invitees=InviteeScope.all_residents)
        agenda.add_item(secretary, meeting, title="垃圾桶站的样式", time_box_minutes=20,
                        refs=[("proposal", proposal.id)])
        services.transition(secretary, meeting, "announce")
        services.transition(secretary, meeting, "open")
        for person in (wang, neighbour):
            attendance.check_in_other(secretary, meeting, person.id)
        motion = moderation.move(wang, meeting, "垃圾桶站做成带顶棚的封闭式")
        moderation.second(neighbour, meeting, motion.id)
        moderation.accept_for_debate(secretary, meeting, motion.id)
        moderation.call_vote(secretary, meeting, motion.id)
        return meeting.id


def compound_residents(s, compound_id):
    from residentvoice.auth.models import RoleAssignment, RoleKind
    from residentvoice.directory.models import Household
    return s.scalars(s.query(RoleAssignment).join(
        Household, Household.id == RoleAssignment.household_id).filter(
        RoleAssignment.kind == RoleKind.resident, Household.compound_id == compound_id)
        .order_by(RoleAssignment.id).limit(5).statement).all()


def test_a_show_of_hands_on_an_owners_matter_is_an_opinion(live, page, login, shoot, submit):
    """§10: the chair sees before counting that this show of hands cannot
    decide; the agenda then records it as 意见/建议, not as a decision."""
    meeting_id = _motion_on_an_owners_matter(live)
    login(page, SECRETARY)
    page.goto(f"/meetings/{meeting_id}/chair")
    assert "本次举手表决将记为意见/建议，不是决定" in main_text(page)
    shoot(page, "week-10-chair-warning")
    page.fill("input[name=votes_for]", "2")
    page.fill("input[name=votes_against]", "0")
    submit(page, "form.count button[type=submit]")
    page.goto(f"/meetings/{meeting_id}")
    text = main_text(page)
    assert "意见/建议（不是决定）： 垃圾桶站做成带顶棚的封闭式" in text
    assert "决定：" not in text
    shoot(page, "week-10-opinion")


def test_the_secretary_reviews_from_a_queue(page, login, shoot, submit, layout_problems, a11y):
    """§9: the secretary's home says proposals wait; the queue lists them."""
    login(page, SECRETARY)
    assert "个提案等待您审查" in main_text(page)
    submit(page, "main a[href='/spaces/review']")
    assert "沿围墙设置花箱" in main_text(page)
    assert layout_problems(page) == [] and a11y(page) == []
    shoot(page, "week-09-review-queue")


def test_the_street_office_sees_ballots_by_street(page, login, shoot, submit, a11y):
    """§9: ballots and participation across the streets' compounds, then one street."""
    login(page, STREET)
    page.goto("/tickets/dashboard")
    submit(page, "main a[href^='/ballots/overview']")
    text = main_text(page)
    assert "垃圾桶站设在哪里：3号楼西侧还是东门内" in text and "楼道照明改造方案意见征集" in text
    assert a11y(page) == []
    shoot(page, "week-09-ballots-overview")
    page.select_option("select[name=street]", label="北新桥街道")
    submit(page, "main form.filters button[type=submit]")
    text = main_text(page)
    assert "楼道照明改造方案意见征集" in text and "垃圾桶站设在哪里" not in text
    shoot(page, "week-09-ballots-one-street")


def test_a_moved_meeting_sends_an_updated_notice(live, new_page, login, shoot, submit):
    """§8: the secretary moves the announced meeting to another room; the
    printed notice shows the change and a resident it reached is told."""
    from residentvoice.meetings.models import Meeting
    with live.session() as s:
        meeting_id = s.scalar(s.query(Meeting.id).filter_by(
            title="充电桩运营与车棚管理议事会").statement)
    secretary = new_page()
    login(secretary, SECRETARY)
    secretary.goto(f"/meetings/{meeting_id}/edit")
    secretary.fill("input[name=place]", "社区活动室（二层）")
    submit(secretary, "main button[type=submit]")
    secretary.goto(f"/meetings/{meeting_id}/notice")
    change = secretary.locator("main .notice-change").inner_text()
    assert "会议地点改为 社区活动室（二层），不再是 群众接待室" in change
    shoot(secretary, "week-08-notice-changed")
    resident = new_page()
    login(resident, WANG)
    resident.goto("/notifications/")
    assert "有变更：改为" in main_text(resident) and "原定" in main_text(resident)
    shoot(resident, "week-08-resident-told")


def test_the_project_page_shows_the_household_plan_or_why_there_is_none(live, new_page, login,
                                                                         shoot):
    """§5: 张桂芳 (ground floor, building 1 of 北官厅) finds her plan on the
    pipe project; the 长青园 tenant, with no plan, reads why and what to do."""
    from residentvoice.renovation.models import RenovationProject
    with live.session() as s:
        pipes = s.scalar(s.query(RenovationProject.id).filter_by(
            name="北官厅胡同2号院上下水改造").statement)
        drains = s.scalar(s.query(RenovationProject.id).filter_by(
            name="长青园22、24号楼雨污分流改造").statement)
    owner = new_page()
    login(owner, ZHANG)
    owner.goto(f"/renovation/projects/{pipes}")
    assert owner.locator("#my-plan ~ p a[href^='/renovation/plans/']").count() == 1
    tenant = new_page()
    login(tenant, LI)
    tenant.goto(f"/renovation/projects/{drains}")
    assert "这个项目还没有为您家制定一户一策" in main_text(tenant)
    shoot(tenant, "week-05-no-plan-yet")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_the_reception_room_the_secretary_writes_the_flat_as_it_is_said(page, login, shoot,
                                                                          submit, live, lang,
                                                                          a11y):
    """§2: 王秀兰 comes to the reception room; the secretary writes her flat as
    she says it (1-601), not the register's code, and the ticket is hers."""
    if lang == "en":
        page.context.add_cookies([{"name": "rv_lang", "value": "en", "url": live.base}])
    login(page, SECRETARY)
    page.goto("/tickets/new")
    page.select_option("select[name=category]", index=1)
    common = page.evaluate("""() => [...document.querySelectorAll('select[name=where] option')]
        .find(o => o.value.startsWith('c:') && o.textContent.includes('东四十条甲34号院')).value""")
    page.select_option("select[name=where]", common)
    submit(page, "main button[type=submit]")
    page.fill("textarea[name=description]", "楼道灯不亮，老人晚上看不见台阶")
    page.fill("input[name=household_code]", "601")          # three buildings have a 601
    page.fill("input[name=contact_name]", "王秀兰")
    submit(page, "main form[enctype] button[type=submit]")
    assert "1-2-601" in main_text(page) and page.input_value("input[name=household_code]") == "601"
    assert page.input_value("input[name=contact_name]") == "王秀兰"      # nothing typed is lost
    assert a11y(page) == []
    page.fill("input[name=household_code]", "1-601")
    shoot(page, f"week-02-reception-flat-{lang}")
    submit(page, "main form[enctype] button[type=submit]")
    assert "/tickets/" in page.url and "/new" not in page.url, main_text(page)[:400]
    text = main_text(page)
    assert ("1号楼601" in text) if lang == "zh" else ("Building 1, flat 601" in text)
    shoot(page, f"week-02-reception-filed-{lang}")

"""The compound board on a phone, in Chinese (issue 19 §2): a neighbour of
东四十条甲34号院 files a public report; the demo resident finds it on 小区公告板
(no name, no flat, its status and how long it has been open) and says "me
too" from there."""
import pytest

from tests.e2e.conftest import (browser, layout_problems, live, login, new_page,  # noqa: F401
                                shoot, submit)

pytestmark = pytest.mark.browser

RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601


def _neighbours_public_report(live):
    from residentvoice.auth.models import RoleAssignment, RoleKind, User
    from residentvoice.directory.models import Compound, Household
    from residentvoice.tickets import services
    with live.session() as s:
        compound = s.query(Compound).filter_by(code="DSST34").one()
        role = (s.query(RoleAssignment).join(Household, Household.id == RoleAssignment.household_id)
                .join(User, User.id == RoleAssignment.user_id)
                .filter(RoleAssignment.kind == RoleKind.resident,
                        Household.compound_id == compound.id, User.phone != RESIDENT,
                        User.phone.like("151%")).order_by(User.phone).first())
        ticket = services.create_ticket(role.user, compound_id=compound.id, category="greenery",
                                        description="楼前的路灯坏了，晚上出门看不清台阶。",
                                        household_id=role.household_id, public=True)
        return ticket.id, role.user.name, role.household.label


def test_a_resident_finds_a_neighbours_report_and_says_me_too(new_page, live, login, shoot,
                                                              submit, layout_problems):
    ticket_id, neighbour, flat = _neighbours_public_report(live)
    page = new_page()
    login(page, RESIDENT)
    page.locator("details.menu summary").click()
    submit(page, "nav a[href='/tickets/board']")
    item = page.locator("li.board-item", has=page.locator(f"a[href='/tickets/{ticket_id}']"))
    text = item.inner_text()
    assert "路灯坏了" in text and "已等待" in text and "1 户受影响" in text
    assert neighbour not in page.inner_text("main") and flat not in page.inner_text("main")
    assert layout_problems(page) == []
    shoot(page, "board-zh")
    submit(page, f"form[action='/tickets/{ticket_id}/me-too'] button")
    assert page.url.endswith(f"/tickets/{ticket_id}")
    page.goto("/tickets/board")
    item = page.locator("li.board-item", has=page.locator(f"a[href='/tickets/{ticket_id}']"))
    assert "2 户受影响" in item.inner_text()
    assert item.locator("form").count() == 0
    shoot(page, "board-zh-after-me-too")

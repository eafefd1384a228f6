"""Issue 3's "done means" in a phone-sized browser, in both languages: a secretary
records a space of 东四十条甲34号院; two residents propose charging piles and a
bike shed; the piles come back for a missing fire-lane check and are opened after
revision; residents support and discuss; a comment is flagged and hidden; the
comparison page shows both."""
import pytest

from tests.e2e.conftest import browser, layout_problems, live, login, new_page, shoot  # noqa: F401

pytestmark = pytest.mark.browser

SECRETARY = "13900000001"   # 刘书记, 东四十条社区
RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601
CHECKS = ("fire_lanes", "window_distance", "electrical_capacity", "accessibility")


def _setup(live):
    """The compound and a second resident of it (a demo account, password as the demo)."""
    from residentvoice.auth.models import RoleAssignment, RoleKind, User
    from residentvoice.directory.models import Compound, Household
    with live.session() as s:
        compound = s.query(Compound).filter_by(code="DSST34").one()
        neighbour = (s.query(User).join(RoleAssignment)
                     .join(Household, Household.id == RoleAssignment.household_id)
                     .filter(RoleAssignment.kind == RoleKind.resident,
                             Household.compound_id == compound.id,
                             User.phone.like("151%")).order_by(User.phone).first())
        return compound.id, neighbour.phone


def _go(page, action):
    with page.expect_navigation():
        action()


def _review(page, url, outcome, problem=None, reason=""):
    page.goto(url + "/review")
    for name in CHECKS:
        page.check(f"input[name={name}][value={'problem' if name == problem else 'ok'}]")
    page.check(f"input[name=outcome][value={outcome}]")
    if reason:
        page.fill("textarea[name=reason]", reason)
    _go(page, lambda: page.locator("main button[type=submit]").click())


def _propose(page, space_url, kind, title, cost):
    page.goto(space_url + "/proposals/new")
    page.check(f"input[name=kind][value={kind}]")
    page.fill("input[name=title]", title)
    page.fill("input[name=estimated_cost]", cost)
    _go(page, lambda: page.locator("main button[value=submit]").click())
    return page.url


def test_spaces_and_proposals_journey(new_page, live, login, shoot, layout_problems):
    compound_id, neighbour_phone = _setup(live)
    secretary = new_page()
    secretary.on("dialog", lambda dialog: dialog.accept())
    login(secretary, SECRETARY)
    secretary.goto(f"/spaces/new?compound_id={compound_id}")
    secretary.fill("input[name=name]", "浏览器测试：东门内拆违空地")
    secretary.fill("input[name=area_m2]", "-5")
    _go(secretary, lambda: secretary.locator("main button[type=submit]").click())
    assert "请输入大于零的数字" in secretary.locator("main").inner_text()
    assert secretary.input_value("input[name=name]") == "浏览器测试：东门内拆违空地"
    secretary.fill("input[name=area_m2]", "64.5")
    _go(secretary, lambda: secretary.locator("main button[type=submit]").click())
    space_url = secretary.url.split("#")[0]
    assert "64.50 平方米" in secretary.locator("main").inner_text()

    resident = new_page(width=360)
    login(resident, RESIDENT)
    piles_url = _propose(resident, space_url.replace(live.base, ""), "charging_piles",
                         "充电桩8个", "24000")
    neighbour = new_page(locale="en-GB")
    login(neighbour, neighbour_phone)
    neighbour.goto("/")
    _go(neighbour, lambda: neighbour.locator("button[name=lang][value=en]").click())
    shed_url = _propose(neighbour, space_url.replace(live.base, ""), "bike_shed",
                        "Covered bike shed", "45000")
    assert "Submitted" in neighbour.locator("main").inner_text()

    _review(secretary, piles_url, "return", problem="fire_lanes", reason="占用消防通道，请调整位置")
    _review(secretary, shed_url, "open")

    resident.goto(piles_url)
    assert "占用消防通道" in resident.locator("main").inner_text()
    resident.goto(piles_url + "/edit")
    resident.fill("input[name=title]", "充电桩6个（避开消防通道）")
    _go(resident, lambda: resident.locator("main button[value=submit]").click())
    _review(secretary, piles_url, "open")

    resident.goto(shed_url)
    assert layout_problems(resident) == []
    _go(resident, lambda: resident.locator("#support button[type=submit]").first.click())
    assert "1 户支持这个提案" in resident.locator("#support").inner_text()
    resident.fill("textarea[name=body]", "车棚要留出电动车位置")
    _go(resident, lambda: resident.locator("#comments > form button[type=submit]").click())
    shoot(resident, "spaces-discussion")

    neighbour.goto(shed_url)
    comment = neighbour.locator(".comment").first
    comment.locator("summary", has_text="Flag").click()
    _go(neighbour, lambda: comment.locator("form button[type=submit]").first.click())
    assert "moderators will look" in neighbour.locator("main").inner_text()

    secretary.goto(shed_url)
    comment_id = secretary.locator(".comment").first.get_attribute("id").split("-")[1]
    secretary.goto(f"/spaces/comments/{comment_id}/hide")
    secretary.fill("input[name=reason]", "与议题无关")
    _go(secretary, lambda: secretary.locator("main button[type=submit]").click())
    neighbour.goto(shed_url)
    assert "Hidden by moderator: 与议题无关" in neighbour.locator("main").inner_text()

    neighbour.goto(space_url.replace(live.base, "") + "/compare")
    text = neighbour.locator("main").inner_text()
    assert "充电桩6个（避开消防通道）" in text and "Covered bike shed" in text
    assert layout_problems(neighbour) == []
    shoot(neighbour, "spaces-compare-en")
    resident.goto(space_url.replace(live.base, "") + "/compare")
    assert "¥45,000.00" in resident.locator("main").inner_text()
    shoot(resident, "spaces-compare-zh")

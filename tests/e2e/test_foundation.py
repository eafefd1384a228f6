"""The foundation in a real browser at phone size (issue 2): a secretary issues
invitation letters, a resident registers from the letter's URL with the code
filled in, sees their household, switches to English and back, logs out and
in again; the login, registration and home pages pass axe (no serious or
critical violations), never scroll sideways at 360 px and have tap targets of
at least 44×44 px."""
import re

import pytest

from .conftest import click_and_wait

pytestmark = pytest.mark.browser

SECRETARY = "13900000001"   # 刘书记, 东四十条社区 (README demo accounts)
RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601
NEW_PHONE = "13566660001"


def compound_id(live, code):
    from residentvoice.directory.models import Compound
    with live.session() as session:
        return session.scalar(session.query(Compound.id).filter_by(code=code).statement)


def building_id(live, compound, number):
    from residentvoice.directory.models import Building
    with live.session() as session:
        return session.scalar(session.query(Building.id).filter_by(
            compound_id=compound, number=number).statement)


def issue_letters_in_the_browser(page, live, login, shoot):
    """The secretary issues codes for building 3 of 东四十条甲34号院 and opens the letters."""
    compound = compound_id(live, "DSST34")
    login(page, SECRETARY)
    page.goto(f"/directory/compounds/{compound}/invitations/new")
    page.select_option("select[name=building_id]",
                       str(building_id(live, compound, "3")))
    click_and_wait(page, "main button[type=submit]")
    assert "/letters" in page.url, page.url
    letter = page.locator("article.letter").first
    letter.wait_for()
    shoot(page, "secretary-letters")
    url = letter.locator(".letter-url").inner_text().strip()
    assert re.match(r"https?://[^ ]+/register\?", url), url
    household = letter.locator(".letter-address .code").inner_text().strip()
    return url, household


def test_resident_registers_from_a_printed_letter(new_page, live, login, shoot):
    secretary = new_page()
    url, household_code = issue_letters_in_the_browser(secretary, live, login, shoot)
    code = re.search(r"code=([A-Z0-9]+)", url).group(1)
    address = re.sub(r"^https?://[^/]+", "", url)

    resident = new_page()
    resident.goto(address)
    assert resident.input_value("input[name=code]").replace(" ", "") == code, \
        "the letter's URL fills in the code"
    shoot(resident, "register-from-letter")
    resident.fill("input[name=name]", "赵桂兰")
    resident.fill("input[name=phone]", NEW_PHONE)
    resident.check("input[name=relation][value=owner]")
    resident.fill("input[name=password]", "garden-2024")
    click_and_wait(resident, "main button[type=submit]")
    assert resident.url.rstrip("/") == live.url("").rstrip("/"), resident.url
    home = resident.locator("main")
    _compound, building, room = household_code.rsplit("-", 2)    # DSST34-3-0102
    flat = f"{building}号楼{int(room)}"                          # the flat as people say it
    assert flat in home.inner_text()
    assert "东四十条甲34号院" in home.inner_text()
    assert resident.get_attribute("html", "lang") == "zh-Hans"
    shoot(resident, "home-after-registration-zh")

    click_and_wait(resident, ".prefs button[name=lang][value=en]")
    assert resident.get_attribute("html", "lang") == "en"
    assert "My household" in resident.locator("main").inner_text()
    shoot(resident, "home-en")
    click_and_wait(resident, ".prefs button[name=lang][value=zh_Hans]")
    assert resident.get_attribute("html", "lang") == "zh-Hans"

    resident.locator("details.menu summary").click()
    click_and_wait(resident, "details.menu button[type=submit]")
    login(resident, NEW_PHONE, "garden-2024")
    assert flat in resident.locator("main").inner_text()

    secretary.reload()
    assert code not in secretary.locator("main").inner_text().replace(" ", ""), \
        "a used code is no longer printed"


def test_wrong_password_in_the_browser_keeps_the_phone(page, shoot):
    page.goto("/login")
    page.fill("input[name=phone]", RESIDENT)
    page.fill("input[name=password]", "not-the-password")
    click_and_wait(page, "main button[type=submit]")
    assert page.input_value("input[name=phone]") == RESIDENT
    assert page.input_value("input[name=password]") == ""
    assert page.locator("main .error").count() == 1
    shoot(page, "login-wrong-password")


def test_elder_mode_is_remembered_for_the_account(new_page, login, shoot):
    first = new_page()
    login(first, RESIDENT)
    click_and_wait(first, ".prefs button[name=on][value='1']")
    assert "elder" in (first.get_attribute("html", "class") or "")
    shoot(first, "home-elder-mode")
    second = new_page()
    login(second, RESIDENT)
    assert "elder" in (second.get_attribute("html", "class") or "")
    click_and_wait(second, ".prefs button[name=on][value='0']")
    assert "elder" not in (second.get_attribute("html", "class") or "")


def registration_url(live):
    from residentvoice.auth import services
    from residentvoice.auth.models import User
    from residentvoice.directory.models import Household
    with live.session() as session:
        secretary = session.scalar(session.query(User).filter_by(phone=SECRETARY).statement)
        household = session.scalar(session.query(Household).filter_by(
            code="DSST34-3-0102").statement)
        [invitation] = services.issue_invitations(secretary, [household])
        return f"/register?code={invitation.code}&compound={household.compound_id}"


PAGES = {
    "login": lambda live, page, login: page.goto("/login"),
    "register": lambda live, page, login: page.goto(registration_url(live)),
    "welcome": lambda live, page, login: page.goto("/"),
    "not-found": lambda live, page, login: page.goto("/no-such-page"),
    "home": lambda live, page, login: (login(page, RESIDENT), page.goto("/")),
    "home-secretary": lambda live, page, login: (login(page, SECRETARY), page.goto("/")),
    "account": lambda live, page, login: (login(page, RESIDENT), page.goto("/account")),
    "notifications": lambda live, page, login: (login(page, RESIDENT),
                                                page.goto("/notifications/")),
    "reset": lambda live, page, login: page.goto("/reset"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_pages_are_accessible_and_fit_a_small_phone(new_page, live, login, shoot, a11y,
                                                    layout_problems, name, locale):
    page = new_page(width=360, height=740)
    if locale == "en":
        page.context.add_cookies([{"name": "rv_lang", "value": "en", "url": live.base}])
    PAGES[name](live, page, login)
    assert page.get_attribute("html", "lang") == ("en" if locale == "en" else "zh-Hans")
    shoot(page, f"{name}-{locale}-360")
    assert a11y(page) == []
    assert layout_problems(page) == []


def test_the_menu_opens_without_javascript(browser, live):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, java_script_enabled=False,
                                  base_url=live.base)
    try:
        page = context.new_page()
        page.goto("/")
        page.locator("details.menu summary").click()
        assert page.locator("details.menu nav a[href='/login']").is_visible()
        click_and_wait(page, "details.menu nav a[href='/login']")
        page.fill("input[name=phone]", RESIDENT)
        page.fill("input[name=password]", "demo1234")
        click_and_wait(page, "main button[type=submit]")
        assert "1号楼601" in page.locator("main").inner_text()
    finally:
        context.close()

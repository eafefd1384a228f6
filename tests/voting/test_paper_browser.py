"""Paper ballots in a phone-sized browser, in Chinese and in English (issue
18 §4): the secretary of 长青园 prints every household's paper ballot in one
go, each on its own A4 page, then enters ballots back one screen each — by
the serial printed on the paper, and, for a lost one, by the room number."""
import re
from datetime import timedelta

import pytest

from tests.e2e.conftest import (ARTIFACTS, browser, layout_problems, live, login,  # noqa: F401
                                new_page, shoot, submit)

pytestmark = pytest.mark.browser

SECRETARY = "13900000003"   # 赵书记, 长青园社区
WORDS = {
    "zh": {"print_all": "打印全部住户的纸质票", "entered": "已录入纸质票", "unknown": "没有发放过编号",
           "without": "无编号", "owner": "登记业主", "against": "反对"},
    "en": {"print_all": "Print all households' ballots", "entered": "Entered paper ballot",
           "unknown": "No paper ballot with the serial", "without": "without serial",
           "owner": "Registered owner", "against": "Against"},
}


def _open_ballot(live, lang):
    """An open owners' ballot of 长青园 (announced 20 days ago, open since yesterday)."""
    from residentvoice.directory.models import Compound
    from residentvoice.models import utcnow
    from residentvoice.voting import services
    from residentvoice.auth.models import User
    with live.app.test_request_context(), live.session() as s:
        compound = s.scalar(s.query(Compound).filter_by(code="CQY").statement)
        secretary = s.scalar(s.query(User).filter_by(phone=SECRETARY).statement)
        now = utcnow()
        ballot = services.create_ballot(
            secretary, compound, title=f"纸质票测试（{lang}）：24号楼南侧建设自行车棚",
            basis="owners", matter="common_parts_use", description="",
            announced_at=now - timedelta(days=20), opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=6), building_ids=[
                b.id for b in compound.buildings if b.number == "24"])
        services.announce(secretary, ballot, now=ballot.announced_at)
        services.open_ballot(secretary, ballot)
        return ballot.id


def _close(live, ballot_id):
    from residentvoice.auth.models import User
    from residentvoice.voting import services
    from residentvoice.voting.models import Ballot
    with live.app.test_request_context(), live.session() as s:
        secretary = s.scalar(s.query(User).filter_by(phone=SECRETARY).statement)
        services.close_ballot(secretary, s.get(Ballot, ballot_id))


def _pdf_pages(page):
    """How many A4 pages the page prints to."""
    return len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(format="A4")))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_print_every_households_ballot_and_enter_them_back(new_page, live, login, shoot,
                                                            submit, layout_problems, lang):
    words = WORDS[lang]
    ballot_id = _open_ballot(live, lang)
    ballot = f"/ballots/{ballot_id}"
    me = new_page()
    if lang == "en":
        me.context.add_cookies([{"name": "rv_lang", "value": "en", "url": live.base}])
    login(me, SECRETARY)

    # Print: every household of building 24 at once, one A4 page each.
    me.goto(f"{ballot}/paper-ballots")
    assert layout_problems(me) == []
    me.set_viewport_size({"width": 390, "height": 1400})
    me.screenshot(path=str(ARTIFACTS / f"paper-ballots-list-{lang}.png"))   # the list's top
    me.set_viewport_size({"width": 390, "height": 844})
    submit(me, f"button:has-text(\"{words['print_all']}\")")
    sheets = me.locator(".paper-sheet")
    households = sheets.count()
    assert households > 50
    assert me.locator(".paper-sheet svg").count() == households       # a QR code each
    first_flat = me.locator(".sheet-flat").first.inner_text()
    serial = me.locator(".sheet-serial-code").first.inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4} [A-Z2-9]{4}", serial)
    second_serial = me.locator(".sheet-serial-code").nth(1).inner_text()

    # One household's ballot prints to exactly one A4 page.
    me.goto(f"{ballot}/paper-ballots")
    submit(me, ".paper-rows li:first-child a[href*='/paper-ballots/print']")
    assert me.locator(".paper-sheet").count() == 1
    assert me.locator(".sheet-serial-code").inner_text() == serial
    assert _pdf_pages(me) == 1
    me.emulate_media(media="print")
    body = me.evaluate("parseFloat(getComputedStyle(document.querySelector('.paper-sheet'))"
                       ".fontSize)")
    box = me.evaluate("document.querySelector('.tick-box').getBoundingClientRect().width")
    assert body >= 18 and box >= 40                    # 15 pt text, 12 mm boxes
    for printed in (".sheet-serial-code", ".sheet-serial svg", ".sheet-flat", ".tick-box"):
        assert me.locator(printed).first.is_visible(), printed
    shoot(me, f"paper-ballot-print-{lang}")
    me.set_viewport_size({"width": 794, "height": 1123})        # A4 at 96 dpi
    shoot(me, f"paper-ballot-print-a4-{lang}")
    me.set_viewport_size({"width": 390, "height": 844})
    me.emulate_media(media="screen")

    # Enter: the serial typed as printed (a scanner types it the same way).
    me.goto(f"{ballot}/paper")
    assert me.evaluate("document.activeElement.name") == "q"
    me.fill("input[name=q]", serial)
    submit(me, "form.paper-find button[type=submit]")
    main = me.locator("main").inner_text()
    assert first_flat in main and words["owner"] in main
    me.get_by_label(words["against"], exact=True).check()
    me.fill("input[name=witness]", "居委会监票员")
    assert layout_problems(me) == []
    shoot(me, f"paper-entry-{lang}")
    submit(me, "form.paper-entry button[type=submit]")
    assert words["entered"] in me.locator(".entered").inner_text()
    assert me.evaluate("document.activeElement.name") == "q"       # ready for the next
    shoot(me, f"paper-entered-{lang}")

    # A mistyped serial: said so, what was typed kept.
    wrong = "ABCD 2345" if second_serial != "ABCD 2345" else "ABCD 2346"
    me.fill("input[name=q]", wrong)
    submit(me, "form.paper-find button[type=submit]")
    assert words["unknown"] in me.locator("#q-error").inner_text()
    assert me.input_value("input[name=q]") == wrong
    shoot(me, f"paper-entry-unknown-{lang}")

    # A lost one: found by its room, entered without serial with a reason.
    me.fill("input[name=q]", "24-102")
    submit(me, "form.paper-find button[type=submit]")
    candidates = me.locator("a.candidate")
    assert candidates.count() >= 1
    submit(me, "a.candidate")
    me.get_by_label(words["against"], exact=True).check()
    me.fill("input[name=reason]", "选票遗失，业主当面重填")
    assert me.input_value("input[name=witness]") == "居委会监票员"      # kept from before
    submit(me, "form.paper-entry button[type=submit]")
    assert words["without"] in me.locator(".entered").inner_text()

    # The printable ballot notice with its QR code, as it prints.
    me.goto(f"{ballot}/announcement")
    assert me.locator(".notice-sheet svg").count() == 1
    assert _pdf_pages(me) <= 2
    me.emulate_media(media="print")
    shoot(me, f"ballot-notice-print-{lang}")

    # The results notice, as it prints: large text and a QR code to check a receipt.
    _close(live, ballot_id)
    me.goto(f"{ballot}/notice")
    me.emulate_media(media="print")
    assert me.locator(".notice-qr svg").is_visible()
    sizes = me.evaluate("[...document.querySelectorAll('main p, main li, main td, main dd')]"
                        ".filter(e => e.offsetParent && e.innerText.trim())"
                        ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    small = me.evaluate("[...document.querySelectorAll('main p, main li, main td, main dd')]"
                        ".filter(e => e.offsetParent && e.innerText.trim() && "
                        "parseFloat(getComputedStyle(e).fontSize) < 18)"
                        ".map(e => e.className + ' ' + e.outerHTML.slice(0, 80))")
    assert sizes and not small, small          # every line at least 18 px (13.5 pt)
    shoot(me, f"results-notice-print-{lang}")


@pytest.mark.parametrize("width", [390, 360])
@pytest.mark.parametrize("resident, title, what", [
    ("13800000001", "TRASH", "announcement"),    # 王秀兰, DSST34: the open trash-station ballot
    ("13800000002", "CHARGING", "notice")])      # 李建国, 长青园: the published result
def test_the_printable_notices_meet_the_elder_mode_numbers(new_page, live, login, width,
                                                           resident, title, what):
    """A resident in elder mode reads the notices on the phone (issue 18 §1)."""
    from tests.e2e.elder_measure import ELDER, measure

    from residentvoice.auth.models import User
    from residentvoice.voting import demo
    from residentvoice.voting.models import Ballot
    with live.session() as s:
        user = s.query(User).filter_by(phone=resident).one()
        before = (user.large_text, user.elder_offer_answered)
        user.large_text = user.elder_offer_answered = True
        ballot_id = s.query(Ballot).filter_by(title=getattr(demo, title)).first().id
    try:
        page = new_page(width=width, height=740)
        login(page, resident)
        page.goto(f"/ballots/{ballot_id}/{what}")
        assert "elder" in page.get_attribute("html", "class") and "/login" not in page.url
        result = measure(page, ELDER)
        assert result["problems"] == [], result["problems"]
    finally:
        with live.session() as s:
            user = s.query(User).filter_by(phone=resident).one()
            user.large_text, user.elder_offer_answered = before

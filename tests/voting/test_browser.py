"""The issue's journey in a phone-sized browser, in both languages: a secretary
creates, announces and opens an owners' ballot on charging piles for 长青园;
residents vote by phone; paper ballots are typed in from the keyboard; the
ballot closes; the result page explains why it passed or failed."""
from datetime import timedelta

import pytest

from tests.e2e.conftest import browser, layout_problems, live, login, new_page, shoot  # noqa: F401

pytestmark = pytest.mark.browser

SECRETARY = "13900000003"   # 赵书记, 长青园社区
# 郑国平 votes for the research institute, the registered owner of CQY-22-0301
# and eight more units (李建国 only rents CQY-22-0301: he has no vote here)
RESIDENT = "13500000003"


def _local(dt):
    from residentvoice.voting.forms import utc_to_local
    return utc_to_local(dt).strftime("%Y-%m-%dT%H:%M")


def _setup(live):
    from residentvoice.directory.models import Compound
    from residentvoice.models import utcnow
    with live.app.test_request_context():
        with live.session() as s:
            compound = s.scalar(s.query(Compound).filter_by(code="CQY").statement)
            now = utcnow()
            return compound.id, {
                "announced_at": _local(now - timedelta(days=20)),
                "opens_at": _local(now - timedelta(days=1)),
                "closes_at": _local(now + timedelta(days=6))}


def _accept_confirms(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_owners_ballot_from_notice_to_result(new_page, live, login, shoot, layout_problems):
    compound_id, dates = _setup(live)
    secretary = new_page()
    _accept_confirms(secretary)
    login(secretary, SECRETARY)
    secretary.goto(f"/ballots/new/{compound_id}")
    secretary.fill("input[name=title]", "浏览器测试：建设充电桩")
    for name, value in dates.items():
        secretary.fill(f"input[name={name}]", value)
    with secretary.expect_navigation():
        secretary.locator("main button[type=submit]").click()
    ballot_url = secretary.url
    assert "/ballots/" in ballot_url and "/new" not in ballot_url
    for action in ("发布公告", "开始投票"):
        with secretary.expect_navigation():
            secretary.get_by_role("button", name=action).click()
    assert "投票中" in secretary.locator("main").inner_text()

    resident = new_page(width=360)
    _accept_confirms(resident)
    login(resident, RESIDENT)
    resident.goto(ballot_url)
    assert layout_problems(resident) == []
    assert "您作为单位业主北京市建筑材料科学研究所的代表投票" in resident.locator("main").inner_text()
    with resident.expect_navigation():
        resident.locator(".vote-options button", has_text="同意").click()
    shoot(resident, "voting-confirm")
    with resident.expect_navigation():
        resident.locator("main button[type=submit]").click()
    assert "回执码" in resident.locator("main").inner_text()
    shoot(resident, "voting-receipt")
    with resident.expect_navigation():
        resident.get_by_role("button", name="长辈版", exact=True).click()
    assert layout_problems(resident) == []           # 360 px, elder mode
    shoot(resident, "voting-voted-elder-mode")

    # Paper: CQY-22-0101's ballot printed, then entered back by its serial.
    secretary.goto(ballot_url + "/paper-ballots")
    with secretary.expect_navigation():
        secretary.locator(".paper-rows li:first-child form button").click()
    serial = secretary.locator(".sheet-serial-code").inner_text()
    flat = secretary.locator(".sheet-flat").inner_text()
    assert flat == "22号楼101"
    secretary.goto(ballot_url + "/paper")
    secretary.keyboard.type(serial)                  # the cursor waits in the serial field
    with secretary.expect_navigation():
        secretary.keyboard.press("Enter")
    assert flat in secretary.locator(".paper-target").inner_text()
    secretary.get_by_label("反对", exact=True).check()
    secretary.fill("input[name=witness]", "居委会监票员")
    with secretary.expect_navigation():
        secretary.keyboard.press("Enter")
    assert "已录入纸质票" in secretary.locator(".entered").inner_text()
    assert secretary.evaluate("document.activeElement.name") == "q"
    secretary.keyboard.type("22-301")                # the institute voted by phone
    with secretary.expect_navigation():
        secretary.keyboard.press("Enter")
    with secretary.expect_navigation():
        secretary.locator("a.candidate").first.click()
    assert "已经投过票" in secretary.locator(".paper-target").inner_text()
    shoot(secretary, "voting-paper-entry")

    secretary.goto(ballot_url + "/close")            # before its closing time: with a reason
    secretary.fill("textarea[name=reason]", "浏览器测试提前截止")
    with secretary.expect_navigation():
        secretary.locator("main button[type=submit]").click()
    secretary.goto(ballot_url + "/result")
    text = secretary.locator("main").inner_text()
    assert "未通过" in text and "参与表决的专有面积" in text and "未达到" in text
    assert secretary.locator("svg text").count() >= 6
    assert layout_problems(secretary) == []
    shoot(secretary, "voting-result-zh")
    # English by the language cookie: the header's button would store the choice on
    # the demo account, which the browser tests after this one share.
    secretary.context.add_cookies([{"name": "rv_lang", "value": "en", "url": live.base}])
    secretary.reload()
    english = secretary.locator("main").inner_text()
    assert "Not passed" in english and "Participation by area" in english
    assert "Not enough owners took part" in english
    shoot(secretary, "voting-result-en")

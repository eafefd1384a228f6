"""Elder mode (长辈版) against the MIIT 2021 age-friendly specs, measured in
Chromium on every page a resident reaches (issue 18 §1), and read-aloud (§2).

``test_elder_mode_meets_the_miit_numbers`` walks the pages at 390 × 844 and at
360 px wide and fails on any text under 18 px, line height under 1.3,
paragraph spacing under 1.3 × the line height, tap area under 60 × 60 px,
contrast under 4.5:1 (3:1 for large text), status without words, table left as
a table on a phone, or sideways scrolling — see ``elder_measure`` for exactly
what is measured.  The smallest values found are written to
``test-artifacts/elder-mode-measurements.json`` and printed (``pytest -s``).
``test_standard_mode_taps_are_44_px`` checks the same pages in the standard mode
for 44 × 44 px targets.

Read-aloud is tested in ``test_read_aloud.py``, with these pages' fixtures."""
import json

import pytest

from .conftest import ARTIFACTS, click_and_wait, screenshot
from .elder_measure import ELDER, STANDARD, measure

pytestmark = pytest.mark.browser

RESIDENT = "13800000001"        # 王秀兰, DSST34-1-0601 (an owner linked to the register)
CQY_RESIDENT = "13800000002"    # 李建国, 长青园: the published charging-points ballot
SECRETARY = "13900000001"       # 刘书记, 东四十条社区
OPEN_BALLOT = "垃圾桶站设在哪里：3号楼西侧还是东门内"
PUBLISHED_BALLOT = "在22号楼北侧腾退空间建设电动自行车充电桩"
ANNOUNCED_MEETING = "充电桩运营与车棚管理议事会"
PAST_MEETING = "腾退空间怎么用：垃圾桶站、充电桩、车棚和花箱"
SHED = "建带顶棚的自行车棚（约60辆）"
UPDATE = "施工单位已安排师傅周四上午上门查看空调支架。"
SIZES = {"390": (390, 844), "360": (360, 740)}
# (size, language): Chinese at both sizes; English, whose words are longer, on the
# narrower phone
PASSES = (("390", "zh"), ("360", "zh"), ("360", "en"))
SHOTS = ("home", "ballot", "ticket", "account")    # test-artifacts/elder-<name>.png


def _one(s, statement):
    return s.scalar(statement)


@pytest.fixture(scope="module")
def ids(live):
    """Where the pages are, in the demo data; the ticket gets a public update."""
    from sqlalchemy import select

    from residentvoice.auth.models import User
    from residentvoice.directory.models import Compound
    from residentvoice.meetings.models import Meeting
    from residentvoice.renovation.models import RenovationProject
    from residentvoice.spaces.models import Proposal
    from residentvoice.tickets import services as tickets
    from residentvoice.tickets.models import Ticket
    from residentvoice.voting.models import Ballot
    with live.app.test_request_context(), live.session() as s:
        resident = _one(s, select(User).filter_by(phone=RESIDENT))
        secretary = _one(s, select(User).filter_by(phone=SECRETARY))
        compound = _one(s, select(Compound).filter_by(code="DSST34"))
        ticket = _one(s, select(Ticket).filter_by(reporter_id=resident.id).order_by(Ticket.id))
        tickets.add_update(secretary, ticket, UPDATE)
        shed = _one(s, select(Proposal).filter_by(title=SHED))
        _site_plan(secretary, compound, shed.space_id)
        return {
            "ballot": _one(s, select(Ballot.id).filter_by(title=OPEN_BALLOT)),
            "published": _one(s, select(Ballot.id).filter_by(title=PUBLISHED_BALLOT)),
            "meeting": _one(s, select(Meeting.id).filter_by(title=ANNOUNCED_MEETING)),
            "past_meeting": _one(s, select(Meeting.id).filter_by(title=PAST_MEETING)),
            "ticket": ticket.id, "ticket_number": ticket.number,
            "proposal": shed.id, "space": shed.space_id, "compound": compound.id,
            "project": _one(s, select(RenovationProject.id).filter_by(compound_id=compound.id)),
        }


def _pages(ids):
    """(who, name, path) for every page a resident reaches: the brief's list, then
    the pages these lead to (space, vote confirmation, notices, minutes, receipts,
    account pages, the public ticket summary, renovation)."""
    b, p, m = ids["ballot"], ids["published"], ids["meeting"]
    return [
        (None, "login", "/login"), (None, "register", "/register"), (None, "welcome", "/"),
        (None, "reset", "/reset"),
        (RESIDENT, "home", "/"), (RESIDENT, "spaces", "/spaces/"),
        (RESIDENT, "space", f"/spaces/{ids['space']}"),
        (RESIDENT, "proposal", f"/spaces/proposals/{ids['proposal']}"),
        (RESIDENT, "compare", f"/spaces/{ids['space']}/compare"),
        (RESIDENT, "ballots", "/ballots/"), (RESIDENT, "ballot", f"/ballots/{b}"),
        (RESIDENT, "vote-confirm", f"/ballots/{b}#vote"),
        (RESIDENT, "ballot-result", f"/ballots/{b}/result"),
        (RESIDENT, "verify", "/ballots/verify"),
        (RESIDENT, "my-tickets", "/tickets/"), (RESIDENT, "ticket", f"/tickets/{ids['ticket']}"),
        (RESIDENT, "new-ticket", "/tickets/new"),
        (RESIDENT, "ticket-summary", f"/tickets/compounds/{ids['compound']}/summary"),
        (RESIDENT, "meetings", "/meetings/"), (RESIDENT, "meeting", f"/meetings/{m}"),
        (RESIDENT, "meeting-notice", f"/meetings/{m}/notice"),
        (RESIDENT, "meeting-live", f"/meetings/{m}/live"),
        (RESIDENT, "attendance", f"/meetings/{ids['past_meeting']}/attendance"),
        (RESIDENT, "past-meeting", f"/meetings/{ids['past_meeting']}"),
        (RESIDENT, "minutes", f"/meetings/{ids['past_meeting']}/minutes"),
        (RESIDENT, "notifications", "/notifications/"), (RESIDENT, "account", "/account"),
        (RESIDENT, "password", "/account/password"), (RESIDENT, "claim", "/account/households"),
        (RESIDENT, "renovation", f"/renovation/compounds/{ids['compound']}"),
        (RESIDENT, "renovation-project", f"/renovation/projects/{ids['project']}"),
        (RESIDENT, "receipts", "/ballots/receipts"),
        (RESIDENT, "ballot-announcement", f"/ballots/{b}/announcement"),
        (RESIDENT, "search", "/search/?q=%E8%87%AA%E8%A1%8C%E8%BD%A6"),
        (RESIDENT, "board", "/tickets/board"), (RESIDENT, "following", "/follow/"),
        (RESIDENT, "calendar", "/calendar/"), (RESIDENT, "channels", "/notifications/channels"),
        (RESIDENT, "site-plan", f"/plan/compounds/{ids['compound']}"),
        (CQY_RESIDENT, "published-ballot", f"/ballots/{p}"),
        (CQY_RESIDENT, "published-result", f"/ballots/{p}/result"),
        (CQY_RESIDENT, "results-notice", f"/ballots/{p}/notice"),
    ]


def _set_mode(live, phone, on):
    """The account's choice (and the offer answered, so its banner stays away)."""
    from residentvoice.auth.models import User
    with live.session() as s:
        user = s.query(User).filter_by(phone=phone).one()
        before = (user.large_text, user.elder_offer_answered)
        user.large_text, user.elder_offer_answered = on, True
        return before


def _site_plan(secretary, compound, space_id):
    """The compound's plan (a picture drawn here) with building 1 and the shed's space."""
    import io

    from PIL import Image
    from werkzeug.datastructures import FileStorage

    from residentvoice.siteplan import services
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (236, 234, 224)).save(out, "PNG")
    plan = services.upload_plan(secretary, compound,
                                FileStorage(io.BytesIO(out.getvalue()), filename="plan.png"))
    services.mark(secretary, plan, f"b:{compound.buildings[0].id}", 0.3, 0.3)
    services.mark(secretary, plan, f"s:{space_id}", 0.6, 0.7)


@pytest.fixture
def mode(live):
    """``mode(on)``: the demo residents' accounts in elder mode or not, put back after."""
    saved = {}

    def set_all(on):
        for phone in (RESIDENT, CQY_RESIDENT, SECRETARY):
            previous = _set_mode(live, phone, on)
            saved.setdefault(phone, previous)
    yield set_all
    from residentvoice.auth.models import User
    with live.session() as s:
        for phone, (large_text, answered) in saved.items():
            user = s.query(User).filter_by(phone=phone).one()
            user.large_text, user.elder_offer_answered = large_text, answered


def _browse(new_page, live, login, size, lang, elder):
    """One page (a browser context) per person at this size, in this language (the
    demo accounts have none of their own, so the cookie decides)."""
    people = {}

    def page_for(who):
        if who not in people:
            width, height = SIZES[size]
            page = new_page(width=width, height=height)
            page.context.add_cookies([{"name": "rv_large", "value": "1" if elder else "0",
                                       "url": live.base},
                                      {"name": "rv_lang", "value": lang, "url": live.base}])
            page.on("dialog", lambda dialog: pytest.fail(f"a pop-up: {dialog.message}"))
            if who:
                login(page, who)
            people[who] = page
        return people[who]
    return page_for


def _open(page, path):
    if path.endswith("#vote"):      # the confirmation page, reached by tapping a choice
        page.goto(path[:-len("#vote")])
        click_and_wait(page, ".vote-options button")
        assert "/vote" in page.url, page.url
    else:
        page.goto(path)
    assert "/login" not in page.url or path in ("/login",), f"{path} sent to {page.url}"


def _walk(new_page, live, login, ids, limits, elder):
    problems, found = [], {}
    for size, lang in PASSES:
        page_for = _browse(new_page, live, login, size, lang, elder)
        for who, name, path in _pages(ids):
            page = page_for(who)
            _open(page, path)
            assert ("elder" in (page.get_attribute("html", "class") or "")) == elder, name
            assert page.get_attribute("html", "lang") == ("en" if lang == "en" else "zh-Hans")
            if elder and (size, lang) == ("390", "zh") and name in SHOTS:
                ARTIFACTS.mkdir(exist_ok=True)
                screenshot(page, ARTIFACTS / f"elder-{name}.png")
            result = measure(page, limits)
            where = f"{name}@{size}{'-en' if lang == 'en' else ''}"
            problems += [f"{where}: {p}" for p in result["problems"]]
            found[where] = {"mins": result["mins"], "where": result["where"]}
    return problems, found


def _smallest(found, key):
    values = [(v["mins"][key], page, v["where"][key]) for page, v in found.items()
              if key in v["mins"]]
    if not values:
        return None
    value, page, where = min(values)
    return {"value": value, "page": page, "element": where}


def _report(found, name, keys=("font_px", "line_height_ratio", "paragraph_spacing_ratio",
                               "tap_px", "contrast")):
    summary = {key: _smallest(found, key) for key in keys}
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.json"
    path.write_text(json.dumps({"smallest": summary, "pages": found}, ensure_ascii=False,
                               indent=1), encoding="utf-8")
    print(f"\n{name}: smallest across {len(found)} pages × sizes")
    for key, value in summary.items():
        if value:
            print(f"  {key:24} {value['value']:>7}  {value['page']}: {value['element']}")
    return summary


def test_elder_mode_meets_the_miit_numbers(new_page, live, login, ids, mode):
    mode(True)
    problems, found = _walk(new_page, live, login, ids, ELDER, elder=True)
    summary = _report(found, "elder-mode-measurements")
    assert problems == [], f"{len(problems)} violations:\n" + "\n".join(problems)
    assert summary["font_px"]["value"] >= 18 and summary["tap_px"]["value"] >= 60


def test_standard_mode_taps_are_44_px(new_page, live, login, ids, mode):
    mode(False)
    problems, found = _walk(new_page, live, login, ids, STANDARD, elder=False)
    _report(found, "standard-mode-measurements", keys=("tap_px",))
    assert problems == [], f"{len(problems)} violations:\n" + "\n".join(problems)


def test_a_confirmation_is_asked_on_the_page_not_in_a_pop_up(new_page, live, login, mode):
    """Revoking an invitation asks "are you sure?": in elder mode on the page."""
    from residentvoice.auth import services
    from residentvoice.auth.models import User
    from residentvoice.directory.models import Household
    mode(True)
    with live.session() as s:
        secretary = s.query(User).filter_by(phone=SECRETARY).one()
        household = s.query(Household).filter_by(code="DSST34-3-0202").one()
        [invitation] = services.issue_invitations(secretary, [household])
        compound_id, invitation_id = household.compound_id, invitation.id
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, SECRETARY)
    page.goto(f"/directory/compounds/{compound_id}/invitations?status=unused")
    form = page.locator(f"form[action='/directory/invitations/{invitation_id}/revoke']")
    form.locator("button").click()
    panel = page.locator(".confirm-inline")
    panel.wait_for()
    assert "3号楼202" in panel.inner_text()
    panel.get_by_role("button", name="不，返回").click()
    assert panel.count() == 0 and "/invitations" in page.url
    form.locator("button").click()
    with page.expect_navigation(wait_until="load"):
        page.locator(".confirm-inline").get_by_role("button", name="是，继续").click()
    assert dialogs == [], "window.confirm was used"
    from residentvoice.auth.models import InvitationCode
    with live.session() as s:
        assert s.get(InvitationCode, invitation_id).revoked_at is not None


def test_printing_in_elder_mode_uses_the_print_stylesheet(new_page, live, login, ids, mode):
    mode(True)
    page = new_page(width=360, height=740)
    login(page, CQY_RESIDENT)
    page.goto(f"/ballots/{ids['published']}/notice")
    page.emulate_media(media="print")
    printed = page.evaluate("""() => ({
        size: getComputedStyle(document.body).fontSize,
        scroll: document.scrollingElement.scrollWidth,
        width: document.documentElement.clientWidth,
        hidden: ['.prefs', '.top', '.read-aloud'].every(s => !document.querySelector(s)
                || getComputedStyle(document.querySelector(s)).display === 'none')})""")
    # A printed notice is elder-friendly for everyone (issue 18 §4): 15 pt from
    # voting-print.css whatever the mode, not the screen's elder sizes.
    assert printed["size"] == "20px", printed
    assert printed["scroll"] <= printed["width"] and printed["hidden"], printed
    mode(False)
    page.reload()
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.body).fontSize") == printed["size"]

"""A resident's journey in a phone browser (issue 8), in Chinese and in English:
she registers from the URL her letter's QR code encodes, proposes a use for a
vacated space, supports a neighbour's proposal, votes in an open ballot, files
a ticket, and — after the contractor (a second browser) resolves it — confirms
the fix and rates it.  axe runs on every page she and the contractor visit."""
import re
from datetime import timedelta

import pytest

from tests.e2e.conftest import a11y, axe, browser, journey, live, new_page  # noqa: F401

pytestmark = pytest.mark.browser

SECRETARY = "13900000001"   # 刘书记, 东四十条社区
CONTRACTOR = "13700000001"  # 北京城建建设工程有限公司 (facade and AC work in 东四十条)
NEW_PHONE = {"zh": "13566668801", "en": "13566668802"}


def _letter_household(live):
    """A household of 东四十条甲34号院 nobody has joined or been invited to yet;
    the secretary issues its letter (the secretary's journey does it in the browser)."""
    from residentvoice.auth import services
    from residentvoice.auth.models import InvitationCode, RoleAssignment, User
    from residentvoice.directory.models import Compound, Household
    with live.session() as s:
        compound = s.scalar(s.query(Compound).filter_by(code="DSST34").statement)
        taken = s.query(RoleAssignment.household_id).filter(
            RoleAssignment.household_id.isnot(None))
        invited = s.query(InvitationCode.household_id)
        household = s.scalar(s.query(Household).filter(
            Household.compound_id == compound.id, Household.id.notin_(taken),
            Household.id.notin_(invited)).order_by(Household.id.desc()).limit(1).statement)
        secretary = s.scalar(s.query(User).filter_by(phone=SECRETARY).statement)
        services.issue_invitations(secretary, [household])
        return compound.id, household.building_id, household.code


def _open_ballot(live, title):
    """A residents' consultative ballot of the compound, open now (its electorate,
    frozen at opening, includes the household that just joined)."""
    from residentvoice.auth.models import User
    from residentvoice.directory.models import Compound
    from residentvoice.models import utcnow
    from residentvoice.voting import services
    with live.app.test_request_context(), live.session() as s:
        compound = s.scalar(s.query(Compound).filter_by(code="DSST34").statement)
        secretary = s.scalar(s.query(User).filter_by(phone=SECRETARY).statement)
        now = utcnow()
        ballot = services.create_ballot(
            secretary, compound, title=title, basis="residents", matter="consultative",
            description="", announced_at=now - timedelta(days=2),
            opens_at=now - timedelta(minutes=5), closes_at=now + timedelta(days=7))
        services.announce(secretary, ballot, now=ballot.announced_at)
        services.open_ballot(secretary, ballot, now=now)
        return ballot.id


def _spaces(live):
    """The north space of 东四十条甲34号院 and its open bike-shed proposal (demo data)."""
    from residentvoice.spaces.models import Proposal
    with live.session() as s:
        shed = s.scalar(s.query(Proposal).filter_by(title="建带顶棚的自行车棚（约60辆）")
                        .statement)
        return shed.space_id, shed.id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_resident_journey(journey, live, lang):
    j = journey("resident", lang)
    compound_id, building_id, household = _letter_household(live)

    # The letter, as the secretary prints it: its URL is what the QR code encodes.
    secretary = j.person(SECRETARY)
    j.goto(secretary, f"/directory/compounds/{compound_id}/letters?building={building_id}")
    letter = secretary.locator("article.letter", has_text=household)
    url = letter.locator(".letter-url").inner_text().strip()
    assert re.search(r"/register\?code=[A-Z0-9]+&compound=\d+$", url), url
    code = re.search(r"code=([A-Z0-9]+)", url).group(1)
    secretary.context.close()

    me = j.person()
    j.goto(me, re.sub(r"^https?://[^/]+", "", url), shot="register")
    assert me.input_value("input[name=code]").replace(" ", "") == code
    name = j.t("孙淑芬", "Sun Shufen")
    me.fill("input[name=name]", name)
    me.fill("input[name=phone]", NEW_PHONE[lang])
    me.check("input[name=relation][value=owner]")
    me.fill("input[name=password]", "garden-2024")
    j.submit(me, "main button[type=submit]", shot="home")
    _compound, building, room = household.rsplit("-", 2)     # DSST34-3-0102
    assert j.t(f"{building}号楼{int(room)}", f"Building {building}, flat {int(room)}") \
        in j.main_text(me)                                   # the flat as people say it
    assert me.get_attribute("html", "lang") == j.t("zh-Hans", "en")

    # Spaces: propose flower boxes for the north space, support the bike shed.
    space_id, shed_id = _spaces(live)
    j.goto(me, f"/spaces/{space_id}", shot="space")
    j.goto(me, f"/spaces/{space_id}/proposals/new")
    me.check("input[name=kind][value=flower_boxes]")
    title = j.t("北墙下摆放花箱（旅程测试）", "Flower boxes along the north wall (journey)")
    me.fill("input[name=title]", title)
    me.fill("input[name=estimated_cost]", "4800")
    j.submit(me, "main button[value=submit]", shot="proposed")
    assert re.search(r"/spaces/proposals/\d+$", me.url), me.url
    assert title in j.main_text(me)

    j.goto(me, f"/spaces/proposals/{shed_id}")
    before = me.locator("#support").inner_text()
    j.submit(me, "#support button[type=submit]", shot="supported")
    after = me.locator("#support").inner_text()
    assert after != before
    assert me.locator("#support form[action$='/unsupport']").count() == 1

    # Voting: an open residents' ballot; vote, confirm, get a receipt.
    ballot_id = _open_ballot(live, j.t("旅程测试：楼门口是否加装座椅", "Journey: benches at the doors?"))
    j.goto(me, "/", shot="home-open-ballot")
    assert me.locator(f"main a[href='/ballots/{ballot_id}']").count() >= 1
    j.goto(me, f"/ballots/{ballot_id}")
    j.submit(me, ".vote-options button", shot="vote-confirm")
    j.submit(me, "main button[type=submit]", shot="vote-receipt")
    assert j.t("回执码", "receipt") in j.main_text(me).lower()

    # Tickets: file one about the new AC bracket.
    j.goto(me, "/tickets/new")
    me.select_option("select[name=category]", "facade_ac")
    j.submit(me, "main form button[type=submit]")
    problem = j.t("空调支架螺丝松动，刮风时响。", "The new AC bracket rattles in the wind.")
    me.fill("textarea[name=description]", problem)
    j.submit(me, "form[enctype] button[type=submit]", shot="ticket-filed")
    ticket_path = me.url.replace(live.base, "")
    assert re.fullmatch(r"/tickets/\d+", ticket_path), ticket_path
    assert "北京城建建设工程有限公司" in me.locator("dl.facts").inner_text()

    # The contractor, in a second browser, acknowledges and resolves it.
    contractor = j.person(CONTRACTOR)
    j.goto(contractor, ticket_path)
    j.submit(contractor, f"form[action='{ticket_path}/act/acknowledge'] button")
    contractor.locator(f"details:has(form[action='{ticket_path}/act/resolve']) summary").click()
    contractor.fill("textarea[name='resolve-note']", j.t("已紧固螺丝并加装防松垫圈。",
                                                         "Bolts tightened, lock washers added."))
    j.submit(contractor, f"form[action='{ticket_path}/act/resolve'] button[type=submit]")

    # She confirms the fix and rates it 5.
    j.goto(me, ticket_path, shot="ticket-resolved")
    me.locator("label:has(input[name='confirm-rating'][value='5'])").click()
    j.submit(me, "form:has(input[name='confirm-rating']) button[type=submit]",
             shot="ticket-confirmed")
    assert me.locator(".badge").first.inner_text() == j.t("已解决并关闭", "Closed as fixed")
    j.goto(me, "/tickets/", shot="my-tickets")
    assert problem[:8] in j.main_text(me) or ticket_path in me.content()
    j.done()

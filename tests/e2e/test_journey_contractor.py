"""Contractor staff work their queue on a phone (issue 8), in Chinese and in
English: a resident's complaint arrives (filed with the services); the staff
member finds it in the queue, acknowledges it, starts work with a planned
date (a date in the past is refused beside the field, with the comment kept),
posts an update the resident can see, and resolves it.  The resident's page
then shows the update and the resolution; axe runs on every page."""
import re
from datetime import timedelta

import pytest

from residentvoice.dates import beijing_today
from tests.e2e.conftest import a11y, axe, browser, journey, live, new_page  # noqa: F401

pytestmark = pytest.mark.browser

RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601
CONTRACTOR = "13700000001"  # 北京城建建设工程有限公司


def _complaint(live, text):
    from residentvoice.auth.models import User
    from residentvoice.directory.models import Compound
    from residentvoice.tickets import services
    with live.app.test_request_context(), live.session() as s:
        compound = s.scalar(s.query(Compound).filter_by(code="DSST34").statement)
        resident = s.scalar(s.query(User).filter_by(phone=RESIDENT).statement)
        household = next(r.household_id for r in resident.roles if r.household_id)
        ticket = services.create_ticket(
            resident, compound_id=compound.id, category="facade_ac", household_id=household,
            description=text, public=True)
        return ticket.id, ticket.number


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_contractor_journey(journey, live, lang):
    j = journey("contractor", lang)
    text = j.t(f"空调外机罩松动，晚上有响声（{lang}）。",
               f"The AC cover is loose and bangs at night ({lang}).")
    ticket_id, number = _complaint(live, text)
    ticket = f"/tickets/{ticket_id}"

    me = j.person(CONTRACTOR)
    j.goto(me, "/tickets/queue", shot="queue")
    assert me.locator(f"main a[href='{ticket}']").count() >= 1, "the new ticket is queued"
    j.submit(me, f"main a[href='{ticket}']", shot="ticket-new")
    assert text in j.main_text(me)

    j.submit(me, f"form[action='{ticket}/act/acknowledge'] button", shot="acknowledged")
    start = f"form[action='{ticket}/act/start']"
    me.locator(f"details:has({start}) summary").click()
    comment = j.t("需要搭脚手架，先约住户。", "Scaffolding needed; booking a visit first.")
    me.fill(f"{start} input[name='start-planned_for']",
            (beijing_today() - timedelta(days=3)).isoformat())
    me.fill(f"{start} textarea[name='start-comment']", comment)
    j.submit(me, f"{start} button[type=submit]", shot="start-refused")
    assert me.locator(f"{start} .error").count() >= 1, "a past planned date is refused"
    assert me.input_value(f"{start} textarea[name='start-comment']") == comment
    planned = beijing_today() + timedelta(days=3)
    me.fill(f"{start} input[name='start-planned_for']", planned.isoformat())
    j.submit(me, f"{start} button[type=submit]", shot="in-progress")
    assert me.locator(f"form[action='{ticket}/act/start']").count() == 0

    update = j.t("周四上午九点上门，请家里留人。", "We will come on Thursday at 9am.")
    me.fill("textarea[name='update-body']", update)
    assert me.is_checked("input[name='update-public']")
    j.submit(me, f"form[action='{ticket}/updates'] button[type=submit]", shot="update-posted")
    assert update in j.main_text(me)

    resolve = f"form[action='{ticket}/act/resolve']"
    me.locator(f"details:has({resolve}) summary").click()
    note = j.t("更换了外机罩卡扣并加垫。", "Replaced the cover clips and added pads.")
    me.fill(f"{resolve} textarea[name='resolve-note']", note)
    j.submit(me, f"{resolve} button[type=submit]", shot="resolved")
    assert note in j.main_text(me)

    j.goto(me, "/tickets/queue", shot="queue-after")
    row = me.locator(f"main li.ticket:has(a[href='{ticket}'])")
    assert j.t("已解决，待确认", "Resolved") in row.locator(".badge").inner_text()
    assert not re.search(j.t("时限", "Due"), row.inner_text()), "no deadline once resolved"

    resident = j.person(RESIDENT)
    j.goto(resident, ticket, shot="resident-sees-resolution")
    seen = j.main_text(resident)
    assert update in seen and note in seen and str(number) in seen
    assert resident.locator("form:has(input[name='confirm-rating'])").count() == 1
    j.done()

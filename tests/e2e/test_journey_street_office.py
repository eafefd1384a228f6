"""The street office on a phone (issue 8), in Chinese and in English, and on a
laptop: it changes the service level for greenery tickets (a time to
acknowledge longer than the time to resolve is refused beside the field with
what was typed kept), sees a ticket filed afterwards get the new deadline,
puts the old setting back, and reads the ticket dashboard across its
compounds, on the phone and at 1024×768.  axe runs on every page."""
from datetime import timedelta

import pytest

from tests.e2e.conftest import (LAPTOP, a11y, axe, browser, journey, live,  # noqa: F401
                               new_page)

pytestmark = pytest.mark.browser

STREET = "13600000001"      # 东四街道
RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601
KEY = "greenery"


def _greenery_ticket_hours(live):
    """File a greenery ticket now; how many hours it has to be resolved."""
    from residentvoice.auth.models import User
    from residentvoice.tickets import services
    with live.app.test_request_context(), live.session() as s:
        resident = s.scalar(s.query(User).filter_by(phone=RESIDENT).statement)
        household = next(r.household_id for r in resident.roles if r.household_id)
        ticket = services.create_ticket(
            resident, compound_id=resident.roles[0].household.compound_id, category=KEY,
            household_id=household, description="旅程测试：楼前草坪被车压坏")
        return (ticket.resolve_due_at - ticket.created_at) / timedelta(hours=1)


def _compounds_of_the_street(live):
    from residentvoice.auth.models import User
    from residentvoice.directory.models import Community, Compound
    with live.session() as s:
        street = s.scalar(s.query(User).filter_by(phone=STREET).statement)
        return s.scalars(s.query(Compound.name).join(Community).filter(
            Community.street_office_id.in_(street.street_office_ids()))
            .order_by(Compound.id).statement).all()


def _save(j, page, form, ack, resolve, shot=None):
    details = page.locator(f"details:has({form})")
    if details.get_attribute("open") is None:        # a refused form stays open
        details.locator("summary").click()
    page.fill(f"{form} input[name=ack_hours]", str(ack))
    page.fill(f"{form} input[name=resolve_hours]", str(resolve))
    j.submit(page, f"{form} button[type=submit]", shot=shot)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_street_office_journey(journey, live, lang):
    j = journey("street", lang)
    me = j.person(STREET)
    j.goto(me, "/", shot="home")
    j.goto(me, "/tickets/sla", shot="sla")
    form = f"form:has(input[name=key][value={KEY}])"
    ack = int(me.input_value(f"{form} input[name=ack_hours]"))
    resolve = int(me.input_value(f"{form} input[name=resolve_hours]"))

    _save(j, me, form, 200, 100, shot="sla-refused")
    assert j.t("不能长于", "cannot be longer") in me.locator(f"{form} .error").inner_text()
    assert me.input_value(f"{form} input[name=ack_hours]") == "200"
    assert me.input_value(f"{form} input[name=resolve_hours]") == "100"

    _save(j, me, form, 12, 100, shot="sla-saved")
    assert me.url.endswith("/tickets/sla")
    row = me.locator("main li", has=me.locator(f"input[name=key][value={KEY}]"))
    assert j.t("12 小时", "12 hours") in row.inner_text()
    assert _greenery_ticket_hours(live) == 100
    _save(j, me, form, ack, resolve)
    assert _greenery_ticket_hours(live) == resolve

    j.goto(me, "/tickets/dashboard", shot="dashboard-phone")
    text = j.main_text(me)
    for rate in j.t(("响应率", "解决率", "满意率"), ("response", "resolved", "satisfied")):
        assert rate in (text if lang == "zh" else text.lower()), rate
    # Row headers stay readable on a phone in both languages (English once
    # squeezed them to one letter a line), and no chart label is cut off.
    widths = me.eval_on_selector_all("table.rates tbody th",
                                     "cells => cells.map(c => c.getBoundingClientRect().width)")
    assert widths and min(widths) >= 60, widths
    assert me.evaluate("() => [...document.querySelectorAll('.chart svg text')]"
                       ".every(t => t.getBBox().x >= 0)")
    names = _compounds_of_the_street(live)
    assert names
    for name in names:
        assert name in text, f"{name} is one of the street's compounds"
    laptop = j.person(STREET, **LAPTOP)
    j.goto(laptop, "/tickets/dashboard", shot="dashboard-laptop")
    assert laptop.locator("table.rates").count() == 4
    j.goto(laptop, "/tickets/queue", shot="queue-laptop")
    j.done()

"""DESIGN §5 "done means", in a phone browser: a resident of 东四十条甲34号院
files the vibrating-air-conditioner complaint; it routes to the facade
contractor; the contractor acknowledges and resolves; the resident says
"not fixed"; the contractor resolves again; the resident confirms and rates 5.
Then the ticket pages fit a 360 px phone with no serious accessibility issue."""
import pytest

from tests.e2e.conftest import (a11y, axe, browser, layout_problems, live, login,  # noqa: F401
                               new_page, shoot, submit)

pytestmark = pytest.mark.browser
RESIDENT, CONTRACTOR, SECRETARY = "13800000001", "13700000001", "13900000001"


def _act(page, submit, field, text):
    """Fill an action's text field and press that action's button."""
    page.fill(f"textarea[name='{field}']", text)
    submit(page, f"form:has(textarea[name='{field}']) button[type=submit]")


def test_air_conditioner_complaint_to_confirmed_fix(live, new_page, login, submit, shoot):
    resident, contractor = new_page(), new_page()
    login(resident, RESIDENT)
    login(contractor, CONTRACTOR)
    resident.goto("/tickets/new")
    resident.select_option("select[name=category]", "facade_ac")
    submit(resident, "main form button[type=submit]")
    resident.fill("textarea[name=description]", "空调外机移到新支架后震动，晚上睡不着。")
    submit(resident, "form[enctype] button[type=submit]")
    url = resident.url.replace(live.base, "")
    assert "北京城建建设工程有限公司" in resident.locator("dl.facts").inner_text()
    shoot(resident, "tickets-filed")

    contractor.goto(url)
    submit(contractor, ".quick button")                       # acknowledge
    contractor.locator("summary", has_text="标记为已解决").click()
    _act(contractor, submit, "resolve-note", "加装了减震垫。")

    resident.goto(url)
    _act(resident, submit, "reopen-comment", "还是震。")
    assert "已重新打开" in resident.locator(".badge").first.inner_text()

    contractor.goto(url)
    submit(contractor, ".quick button")
    contractor.locator("summary", has_text="标记为已解决").click()
    _act(contractor, submit, "resolve-note", "更换了支架。")

    resident.goto(url)
    resident.locator("label", has_text="5 — 非常满意").click()
    submit(resident, "form:has(input[name='confirm-rating']) button[type=submit]")
    assert resident.locator(".badge").first.inner_text() == "已解决并关闭"
    shoot(resident, "tickets-confirmed")


@pytest.mark.parametrize("phone,path", [
    (RESIDENT, "/tickets/new"), (RESIDENT, "/tickets/"), (RESIDENT, "/tickets/1"),
    (CONTRACTOR, "/tickets/queue"), (CONTRACTOR, "/tickets/1"),
    (SECRETARY, "/tickets/dashboard"), (SECRETARY, "/tickets/sla"),
])
def test_ticket_pages_fit_a_360_px_phone(live, new_page, login, layout_problems, a11y,
                                         phone, path):
    page = new_page(width=360)
    login(page, phone)
    page.goto(path)
    assert layout_problems(page) == []
    assert a11y(page) == []


def test_photos_survive_a_report_sent_back(live, new_page, login, submit, layout_problems, a11y,
                                           shoot, tmp_path):
    """A resident attaches two photos and forgets the description: the form
    comes back with both kept; she unticks one, writes what is wrong and
    sends — the ticket has the one she kept, without choosing it again."""
    from PIL import Image
    files = []
    for n, colour in enumerate([(200, 60, 40), (40, 120, 200)]):
        files.append(str(tmp_path / f"photo{n}.jpg"))
        Image.new("RGB", (800, 600), colour).save(files[-1])
    page = new_page(width=360)
    login(page, RESIDENT)
    page.goto("/tickets/new")
    page.select_option("select[name=category]", "facade_ac")
    submit(page, "main form button[type=submit]")
    page.set_input_files("input[name=photos]", files)
    submit(page, "form[enctype] button[type=submit]")
    kept = page.locator(".kept-photos input[type=checkbox]")
    assert kept.count() == 2
    assert "您发送的 2 张照片已保留" in page.locator(".kept-photos").inner_text()
    assert layout_problems(page) == []
    assert a11y(page) == []
    shoot(page, "tickets-photos-kept")
    page.locator(".kept-photos label").nth(1).click()          # untick the second
    page.fill("textarea[name=description]", "空调外机支架松动。")
    submit(page, "form[enctype] button[type=submit]")
    assert page.locator(".photos img").count() == 1


def test_a_double_tap_on_send_files_one_ticket(live, new_page, login, submit):
    """The second submit of a form on its way is held (static/js/app.js): a
    double tap, or a tap again on a slow connection, would otherwise reach the
    server twice and file the same complaint twice."""
    from residentvoice.tickets.models import Ticket
    page = new_page()
    login(page, RESIDENT)
    page.goto("/tickets/new")
    page.select_option("select[name=category]", "facade_ac")
    submit(page, "main form button[type=submit]")
    page.fill("textarea[name=description]", "连点两下的报事：只该有一单。")
    with page.expect_navigation(wait_until="load"):
        held = page.evaluate("""() => {
            const form = document.querySelector("form[enctype]");
            const seen = [];
            window.addEventListener("submit", (event) => seen.push(event.defaultPrevented));
            form.requestSubmit();
            form.requestSubmit();
            return seen;
        }""")
    assert held == [False, True]
    with live.session() as session:
        filed = session.scalars(session.query(Ticket.id).filter_by(
            description="连点两下的报事：只该有一单。").statement).all()
    assert len(filed) == 1 and page.url.endswith(f"/tickets/{filed[0]}")

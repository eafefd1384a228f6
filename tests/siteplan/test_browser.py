"""The site plan on a phone, in Chinese (issue 19 §1): the secretary of
东四十条甲34号院 uploads a plan (a PNG drawn here) and marks buildings 1 and 3
by tapping; a resident sees the pins as named links with the list beside
them, reaches a pin with the keyboard, and taps the plan while reporting a
problem, which chooses the nearest building in words."""
import io

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import (a11y, axe, browser, layout_problems, live, login,  # noqa: F401
                                new_page, shoot, submit)

pytestmark = pytest.mark.browser

SECRETARY = "13900000001"   # 刘书记, 东四十条社区
RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601


def _plan_png():
    image = Image.new("RGB", (800, 600), (238, 236, 226))
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 120, 320, 240), fill=(190, 190, 200), outline=(60, 60, 60), width=4)
    draw.rectangle((480, 360, 680, 480), fill=(190, 190, 200), outline=(60, 60, 60), width=4)
    draw.line((0, 300, 800, 300), fill=(150, 150, 150), width=20)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _compound(live):
    from residentvoice.directory.models import Compound
    with live.session() as s:
        compound = s.query(Compound).filter_by(code="DSST34").one()
        numbers = {b.number: b.id for b in compound.buildings}
        return compound.id, numbers


def _tap(page, svg, fx, fy):
    page.locator(svg).scroll_into_view_if_needed()
    box = page.locator(svg).bounding_box()
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def test_secretary_marks_the_plan_and_a_resident_uses_it(new_page, live, login, shoot, submit,
                                                         layout_problems, a11y):
    compound_id, buildings = _compound(live)
    page = new_page()
    login(page, SECRETARY)
    page.goto(f"/directory/compounds/{compound_id}")
    submit(page, f"a[href='/plan/compounds/{compound_id}/edit']")
    page.set_input_files("input[name=picture]", files=[
        {"name": "总平面图.png", "mimeType": "image/png", "buffer": _plan_png()}])
    submit(page, "form[enctype] button[type=submit]")
    assert "小区平面图已保存" in page.inner_text("main")
    for number, (fx, fy) in (("1", (0.275, 0.3)), ("3", (0.725, 0.7))):
        page.select_option("select[name=target]", f"b:{buildings[number]}")
        _tap(page, "svg[data-plan-pick]", fx, fy)
        assert "已选好位置" in page.inner_text("#pick-status")
        submit(page, "form[action$='/marks'] button[type=submit]")
        assert "平面图上的位置已保存" in page.inner_text("main")
    assert layout_problems(page) == []
    assert a11y(page) == []
    shoot(page, "siteplan-edit-zh")

    resident = new_page()
    login(resident, RESIDENT)
    resident.goto("/tickets/board")
    submit(resident, f"a[href='/plan/compounds/{compound_id}']")
    pin = resident.locator("svg.site-plan a[aria-label='1 号楼']")
    assert pin.count() == 1 and resident.locator("svg.site-plan a[aria-label='3 号楼']").count()
    listed = resident.inner_text(".plan-list")
    assert "1 号楼" in listed and "3 号楼" in listed
    assert "0.275" not in resident.inner_text("main")
    # A pin is a real link: the keyboard reaches it and it has a name.
    for _ in range(60):
        resident.keyboard.press("Tab")
        if resident.evaluate("document.activeElement.closest('svg') !== null"):
            break
    assert resident.evaluate("document.activeElement.getAttribute('aria-label')").endswith("号楼")
    assert layout_problems(resident) == []
    assert a11y(resident) == []
    shoot(resident, "siteplan-resident-zh")

    resident.goto("/tickets/new")
    plan = "svg[data-plan-nearest]"
    assert resident.locator(plan).is_visible()
    _tap(resident, plan, 0.68, 0.62)          # near building 3
    assert resident.input_value("select[name=where]") == f"b:{buildings['3']}"
    assert "3号楼附近" in resident.inner_text(".plan-place")
    assert layout_problems(resident) == []
    shoot(resident, "siteplan-filing-zh")
    resident.select_option("select[name=category]", index=1)
    submit(resident, "main form button[type=submit]")
    assert f"where=b%3A{buildings['3']}" in resident.url
    # The second step offers the plan too: a tap near building 1 changes the choice.
    _tap(resident, plan, 0.3, 0.33)
    assert resident.input_value("select[name=where]") == f"b:{buildings['1']}"
    assert "1号楼附近" in resident.inner_text(".plan-place")


def test_the_plan_page_in_english_at_phone_width(new_page, live, login, shoot, layout_problems):
    from werkzeug.datastructures import FileStorage

    from residentvoice.auth.models import User
    from residentvoice.directory.models import Compound
    from residentvoice.siteplan import services
    compound_id, buildings = _compound(live)
    with live.app.test_request_context(), live.session() as s:
        secretary = s.query(User).filter_by(phone=SECRETARY).one()
        compound = s.get(Compound, compound_id)
        plan = services.upload_plan(secretary, compound,
                                    FileStorage(io.BytesIO(_plan_png()), filename="plan.png"))
        services.mark(secretary, plan, f"b:{buildings['1']}", 0.275, 0.3)
    page = new_page(width=360, height=740, locale="en-GB")
    page.context.add_cookies([{"name": "rv_lang", "value": "en", "url": live.base}])
    login(page, RESIDENT)
    page.goto(f"/plan/compounds/{compound_id}")
    assert page.locator("svg.site-plan a[aria-label='Building 1']").count() == 1
    assert "Site plan of" in page.inner_text("h1") and "Buildings" in page.inner_text(".plan-list")
    assert layout_problems(page) == []
    shoot(page, "siteplan-resident-en")

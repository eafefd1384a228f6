"""A building's renovation story on a phone (issue 19 §8), Chromium 390x844:
the construction party posts a step with a photo taken during the work; a
resident of the building, in elder mode, finds their building first on the
project page and reads its timeline — one list, oldest first, each entry with
its Beijing date (no seconds), who posted it and the phase in words, the photo
wide enough to read — in Chinese, then in English."""
import re
from itertools import pairwise

import pytest
from PIL import Image

from tests.e2e.conftest import (a11y, axe, browser, layout_problems, live,  # noqa: F401
                                login, new_page, shoot, submit)

pytestmark = pytest.mark.browser

CONTRACTOR = "13700000001"  # 北京城建建设工程有限公司
RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601


def _ids(live):
    from residentvoice.directory.models import Building, Compound, Household
    from residentvoice.renovation.models import RenovationProject
    with live.session() as s:
        compound = s.query(Compound).filter_by(code="DSST34").one()
        project = s.query(RenovationProject).filter_by(compound_id=compound.id) \
            .order_by(RenovationProject.id).first()
        home = s.query(Household).filter_by(compound_id=compound.id, unit="0601") \
            .join(Building).filter(Building.number == "1").first()
        return project.id, (home.building_id if home else None), project.construction_party.name


@pytest.fixture
def elder_resident(live):
    """The resident's account in elder mode, put back after."""
    from residentvoice.auth.models import User

    def set_mode(value):
        with live.session() as s:
            user = s.query(User).filter_by(phone=RESIDENT).one()
            before = (user.large_text, user.elder_offer_answered)
            user.large_text, user.elder_offer_answered = value
            return before
    saved = set_mode((True, True))
    yield
    set_mode(saved)


def _entries_stack_down(page):
    """The entries form one column: each starts below the one before, none
    wider than the screen."""
    boxes = page.locator("li.rv-step").evaluate_all(
        "items => items.map(i => { const r = i.getBoundingClientRect();"
        " return [r.top, r.right]; })")
    assert len(boxes) >= 2
    assert all(a[0] < b[0] for a, b in pairwise(boxes))
    assert all(right <= 390 for _top, right in boxes)


def test_the_resident_reads_their_buildings_story(new_page, live, login, shoot, submit, a11y,
                                                 layout_problems, elder_resident, tmp_path):
    project_id, building_id, party = _ids(live)
    assert building_id, "the demo resident lives in building 1 of DSST34"
    timeline = f"/renovation/projects/{project_id}/buildings/{building_id}/timeline"
    picture = tmp_path / "during.jpg"
    Image.new("RGB", (800, 600), (90, 120, 150)).save(picture)

    contractor = new_page()
    login(contractor, CONTRACTOR)
    contractor.goto(timeline + "/new")
    contractor.fill("input[name=happened_on]", "2026-11-28")
    contractor.check("input[name=stage][value=during]")
    contractor.fill("input[name=title]", "外墙保温层施工")
    contractor.set_input_files("input[name=photos]", str(picture))
    submit(contractor, "main button[type=submit]")
    assert contractor.url.endswith(timeline)

    resident = new_page()
    login(resident, RESIDENT)
    resident.goto(f"/renovation/projects/{project_id}")
    assert "elder" in (resident.get_attribute("html", "class") or "")
    first = resident.locator(".rv-building-list > li").first
    assert "（您的楼）" in first.inner_text() and "施工中" in first.inner_text()
    assert layout_problems(resident) == [] and a11y(resident) == []
    first.scroll_into_view_if_needed()
    shoot(resident, "timeline-project-summary-elder-zh")
    submit(resident, f".rv-building-list a[href='{timeline}']")

    step = resident.locator("li.rv-step", has_text="外墙保温层施工").last
    text = step.inner_text()
    assert "施工中" in text and f"发布：{party}" in text and "2026年11月28日" in text
    assert "本楼" in text and not re.search(r"\d:\d\d:\d\d", text)
    image = step.locator("img")
    image.scroll_into_view_if_needed()             # photos load lazily, as they come into view
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert image.bounding_box()["width"] >= 300        # readable on the phone
    _entries_stack_down(resident)
    assert layout_problems(resident) == [] and a11y(resident) == []
    step.scroll_into_view_if_needed()
    shoot(resident, "timeline-story-elder-zh")

    resident.context.add_cookies([{"name": "rv_lang", "value": "en", "url": live.base}])
    resident.goto(timeline)
    assert resident.get_attribute("html", "lang") == "en"
    text = resident.locator("li.rv-step", has_text="外墙保温层施工").last.inner_text()
    assert "During the work" in text and f"Posted by {party}" in text
    assert "This building" in text
    assert layout_problems(resident) == []
    shoot(resident, "timeline-story-elder-en")


def test_supervised_work_and_notices_on_the_timeline(new_page, live, login, shoot, a11y,
                                                     layout_problems):
    """北官厅胡同2号院, standard mode: building 1's timeline carries the
    supervised excavation in one of its flats (a link to the step), the
    riser readings and the project's notices, in date order."""
    from residentvoice.directory.models import Building, Compound
    from residentvoice.renovation.models import RenovationProject
    with live.session() as s:
        compound = s.query(Compound).filter_by(code="BGT2").one()
        project = s.query(RenovationProject).filter_by(compound_id=compound.id).first()
        building = s.query(Building).filter_by(compound_id=compound.id, number="1").one()
        project_id = project.id
        timeline = f"/renovation/projects/{project_id}/buildings/{building.id}/timeline"
    resident = new_page()
    login(resident, "13800000003")      # 张桂芳, BGT2-1-0101
    resident.goto(timeline)
    step = resident.locator("li.rv-kind-step", has_text="1号楼0105室地面开挖")
    assert "居民监督的施工环节" in step.inner_text() and "施工中" in step.inner_text()
    assert "本楼" in step.inner_text()
    assert resident.locator("li.rv-kind-notice").count() >= 1
    days = resident.locator("li.rv-step time").evaluate_all(
        "times => times.map(t => t.getAttribute('datetime').slice(0, 10))")
    assert days == sorted(days)
    _entries_stack_down(resident)
    assert layout_problems(resident) == [] and a11y(resident) == []
    step.scroll_into_view_if_needed()
    shoot(resident, "timeline-supervision-zh")
    resident.goto(f"/renovation/projects/{project_id}")
    mine = resident.locator(".rv-building-list > li").first
    assert "（您的楼）" in mine.inner_text() and mine.locator(f"a[href='{timeline}']").count()
    assert layout_problems(resident) == [] and a11y(resident) == []

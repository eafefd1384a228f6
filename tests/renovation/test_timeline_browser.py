"""A building's renovation timeline on a phone, in Chinese (issue 19 §8): the
secretary of 东四十条 records a step of building 1 with a photo taken before
the work; a resident opens the project, then the building's timeline."""

import pytest
from PIL import Image

from tests.e2e.conftest import (  # noqa: F401
    browser,
    layout_problems,
    live,
    login,
    new_page,
    shoot,
    submit,
)

pytestmark = pytest.mark.browser

SECRETARY = "13900000001"   # 刘书记, 东四十条社区
RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601


def _project_and_building(live):
    from residentvoice.directory.models import Building, Compound
    from residentvoice.renovation.models import RenovationProject
    with live.session() as s:
        compound = s.query(Compound).filter_by(code="DSST34").one()
        project = s.query(RenovationProject).filter_by(compound_id=compound.id) \
            .order_by(RenovationProject.id).first()
        building = s.query(Building).filter_by(compound_id=compound.id) \
            .order_by(Building.number).first()
        return project.id, building.id


def test_a_step_with_a_photo_shows_on_the_buildings_timeline(new_page, live, login, shoot,
                                                             submit, layout_problems, tmp_path):
    project_id, building_id = _project_and_building(live)
    timeline = f"/renovation/projects/{project_id}/buildings/{building_id}/timeline"
    picture = tmp_path / "before.png"
    Image.new("RGB", (320, 200), (140, 110, 90)).save(picture)

    secretary = new_page()
    login(secretary, SECRETARY)
    secretary.goto(timeline)
    submit(secretary, "a[href$='/timeline/new']")
    secretary.fill("input[name=happened_on]", "2026-11-20")
    secretary.check("input[name=stage][value=before]")
    secretary.fill("input[name=title]", "改造前：外墙空调支架锈蚀")
    secretary.set_input_files("input[name=photos]", str(picture))
    assert layout_problems(secretary) == []
    shoot(secretary, "timeline-zh-form")
    submit(secretary, "main button[type=submit]")
    assert secretary.url.endswith(timeline)

    resident = new_page()
    login(resident, RESIDENT)
    resident.goto(f"/renovation/projects/{project_id}")
    submit(resident, f"a[href='{timeline}']")
    step = resident.locator("li.rv-step", has_text="外墙空调支架锈蚀")
    assert "施工前" in step.inner_text() and "2026" in step.inner_text()
    image = step.locator("img")
    assert image.count() == 1
    image.scroll_into_view_if_needed()     # below the demo's steps: photos load lazily
    image.evaluate("img => img.decode()")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert layout_problems(resident) == []
    shoot(resident, "timeline-zh")

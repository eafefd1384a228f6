"""Renovation progress as a timeline (issue 19 §8): each building's dated
steps with photos marked before, during or after the work."""
import io
from datetime import date, timedelta

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from residentvoice import dates
from residentvoice.dates import beijing_today
from residentvoice.errors_domain import InvalidInput, NotAllowed
from residentvoice.renovation import timeline

from ..factories import sign_in
from .helpers import renovation_world


def photo(name="p.png", color=(120, 160, 200)):
    out = io.BytesIO()
    Image.new("RGB", (60, 40), color).save(out, "PNG")
    out.seek(0)
    return FileStorage(stream=out, filename=name, content_type="image/png")


@pytest.fixture
def w(factory):
    return renovation_world(factory.world())


def test_steps_come_back_in_date_order_with_their_photos(w):
    project, building = w.rv_project, w.building_a
    today = beijing_today()
    after = timeline.add_milestone(w.staff, project, building, happened_on=today,
                                   stage="after", title="立管更换完成", photos=[photo()])
    before = timeline.add_milestone(w.secretary, project, building,
                                    happened_on=today - timedelta(days=20), stage="before",
                                    title="改造前的旧立管", note="锈蚀严重",
                                    photos=[photo(), photo(color=(10, 10, 10))])
    steps = timeline.timeline(project, building)
    assert [m.id for m, _photos in steps] == [before.id, after.id]
    assert [len(p) for _m, p in steps] == [2, 1]
    assert steps[0][0].stage is timeline.Stage.before


def test_who_records_and_what_is_refused(w):
    project, today = w.rv_project, beijing_today()
    with pytest.raises(NotAllowed):
        timeline.add_milestone(w.resident, project, w.building_a, happened_on=today,
                               stage="during", title="施工")
    with pytest.raises(InvalidInput):       # another compound's building
        timeline.add_milestone(w.secretary, project, w.building_b, happened_on=today,
                               stage="during", title="施工")
    with pytest.raises(InvalidInput):
        timeline.add_milestone(w.secretary, project, w.building_a,
                               happened_on=today + timedelta(days=1), stage="during",
                               title="施工")
    with pytest.raises(InvalidInput):
        timeline.add_milestone(w.secretary, project, w.building_a, happened_on=today,
                               stage="during", title="施工", photos=[photo() for _ in range(5)])


def test_the_page_shows_the_story_and_the_form_adds_to_it(client, w):
    project, building = w.rv_project, w.building_a
    url = f"/renovation/projects/{project.id}/buildings/{building.id}/timeline"
    sign_in(client, w.staff)
    response = client.post(url + "/new", data={
        "happened_on": beijing_today().isoformat(), "stage": "during", "title": "开挖管沟",
        "note": "", "photos": [photo()]}, content_type="multipart/form-data")
    assert response.status_code == 302
    bad = client.post(url + "/new", data={"happened_on": "", "stage": "during", "title": "回填"})
    assert bad.status_code == 422 and 'value="回填"' in bad.get_data(as_text=True)
    sign_in(client, w.resident)
    page = client.get(url).get_data(as_text=True)
    assert "开挖管沟" in page and "施工中" in page and "<img" in page
    upload = page.split('/uploads/', 1)[1].split('"', 1)[0]
    assert client.get(f"/uploads/{upload}").status_code == 200
    project_page = client.get(f"/renovation/projects/{project.id}").get_data(as_text=True)
    assert url in project_page


def test_a_step_dated_today_in_beijing_is_not_in_the_future(w, monkeypatch):
    from datetime import datetime, timezone
    early = datetime(2030, 6, 1, 23, 30, tzinfo=timezone.utc)     # 07:30 on 2 June in Beijing

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return early.astimezone(tz) if tz else early.replace(tzinfo=None)
    monkeypatch.setattr(dates, "datetime", Clock)
    step = timeline.add_milestone(w.staff, w.rv_project, w.building_a,
                                  happened_on=date(2030, 6, 2), stage="during", title="早班施工")
    assert step.happened_on == date(2030, 6, 2)
    with pytest.raises(InvalidInput):
        timeline.add_milestone(w.staff, w.rv_project, w.building_a,
                               happened_on=date(2030, 6, 3), stage="during", title="明天")

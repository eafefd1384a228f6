"""A building's timeline drawn from everything the project records (issue 19
§8): steps posted with photos, progress readings, supervised work steps and
their observations, notices — dated, in order, each with who posted it and
its phase in words; supervision only for members of the compound."""
import re
from datetime import date, timedelta

import pytest

from residentvoice.dates import beijing_today
from residentvoice.extensions import db
from residentvoice.renovation import projects, supervision, timeline, timeline_entries
from residentvoice.renovation.models_household import SupervisionStep
from residentvoice.renovation.timeline import Milestone, Stage

from ..factories import sign_in
from .helpers import add, renovation_world
from .test_timeline import photo


@pytest.fixture
def w(factory):
    w = renovation_world(factory.world())
    w.building_a2 = factory.building(w.compound_a, number="2")
    w.household_b2 = factory.household(w.building_a2, floor=2, unit="0202")
    return w


def _story(w):
    """One of each, on different days: returns today."""
    today = beijing_today()
    project = w.rv_project
    timeline.add_milestone(w.staff, project, w.building_a, happened_on=today - timedelta(days=20),
                           stage="before", title="改造前的旧立管", photos=[photo()])
    projects.record_progress(w.staff, project.measures[0], done=12,
                             recorded_on=today - timedelta(days=10))
    w.rv_step.scheduled_on = today - timedelta(days=5)
    supervision.sign_up(w.resident, w.rv_step)
    supervision.record_observation(w.resident, w.rv_step, text="管沟已回填", photos=[photo()])
    projects.post_notice(w.secretary, project, title="周六停水", body="上午八点至十二点")
    add(SupervisionStep(project_id=project.id, title="2号楼开挖", scheduled_on=today,
                        household_id=w.household_b2.id))
    add(SupervisionStep(project_id=project.id, title="全院路面", scheduled_on=today,
                        household_id=None))
    db.session.flush()
    return today


def test_entries_from_every_record_come_oldest_first_with_who_and_phase(w):
    _story(w)
    entries = timeline_entries.entries_for(w.resident, w.rv_project, w.building_a)
    assert [e.kind for e in entries] == ["milestone", "progress", "step", "step", "step",
                                         "observation", "notice"]
    assert [e.day for e in entries] == sorted(e.day for e in entries)
    milestone, progress, step = entries[:3]
    assert milestone.phase is Stage.before and len(milestone.photos) == 1
    assert milestone.who == w.organisation.name and not milestone.whole_compound
    assert (progress.title, progress.phase, progress.whole_compound) == \
        ("立管 12/49", Stage.during, True)
    assert step.title == "开挖 1-0301" and step.phase is Stage.during
    observation, notice = entries[-2:]
    # a resident's observation names no resident
    assert observation.who == str(timeline_entries.RESIDENT_SUPERVISOR)
    assert w.resident.name not in observation.who and len(observation.photos) == 1
    assert not observation.problem
    assert notice.who == w.community_a.name and notice.phase is None and notice.moment
    titles = [e.title for e in entries]
    assert "全院路面" in titles and "2号楼开挖" not in titles   # another building's flat


def test_a_problem_seen_on_site_says_so_in_words(client, w):
    supervision.sign_up(w.resident, w.rv_step)
    supervision.record_observation(w.resident, w.rv_step, text="管道接口渗水", is_problem=True,
                                   category="water_drainage")
    sign_in(client, w.resident)
    page = client.get(f"/renovation/projects/{w.rv_project.id}/buildings/{w.building_a.id}"
                      "/timeline").get_data(as_text=True)
    entry = page.split("管道接口渗水")[0].rsplit('<li class="rv-step', 1)[1]
    assert "问题" in entry


def test_a_finished_measure_reads_after_the_work(w):
    projects.record_progress(w.secretary, w.rv_project.measures[0], done=49,
                             recorded_on=beijing_today())
    [entry] = [e for e in timeline_entries.entries_for(w.resident, w.rv_project, w.building_a)
               if e.kind == "progress"]
    assert entry.phase is Stage.after and entry.who == w.community_a.name


def test_supervision_is_for_members_of_the_compound_only(w):
    _story(w)
    outsider = timeline_entries.entries_for(w.other_resident, w.rv_project, w.building_a)
    assert {e.kind for e in outsider} == {"milestone", "progress", "notice"}
    staff = timeline_entries.entries_for(w.staff, w.rv_project, w.building_a)
    assert "observation" in {e.kind for e in staff}


def test_project_page_summary_counts_each_buildings_steps_and_the_latest(w, factory):
    today = beijing_today()
    for days, stage in ((9, "before"), (2, "during")):
        timeline.add_milestone(w.secretary, w.rv_project, w.building_a, stage=stage,
                               happened_on=today - timedelta(days=days), title=f"第{days}天")
    found = timeline_entries.summaries(w.rv_project, w.resident)
    summary = {s.building.number: s for s in found}
    assert summary["1"].steps == 2 and summary["1"].latest.stage is Stage.during
    assert summary["2"].steps == 0 and summary["2"].latest is None
    assert [(s.building.number, s.mine) for s in found] == [("1", True), ("2", False)]
    newcomer = factory.resident(w.household_b2)        # lives in building 2: it comes first
    found = timeline_entries.summaries(w.rv_project, newcomer)
    assert [(s.building.number, s.mine) for s in found] == [("2", True), ("1", False)]


def test_pages_in_chinese_date_without_seconds_and_posting_rules(client, w):
    today = _story(w)
    url = f"/renovation/projects/{w.rv_project.id}/buildings/{w.building_a.id}/timeline"
    sign_in(client, w.resident)
    page = client.get(url, headers={"Accept-Language": "zh"}).get_data(as_text=True)
    for words in ("施工前", "施工中", "改造前的旧立管", "立管 12/49", "管沟已回填", "周六停水",
                  "全小区", "本楼", f"发布：{w.organisation.name}",
                  f"发布：{w.community_a.name}"):
        assert words in page, words
    assert w.resident.name not in page.split("<main", 1)[1]
    assert not re.search(r"\d{1,2}:\d{2}:\d{2}", page)
    assert page.index("改造前的旧立管") < page.index("立管 12/49") < page.index("周六停水")
    assert client.get(url + "/new").status_code == 403        # residents do not post
    project_page = client.get(f"/renovation/projects/{w.rv_project.id}").get_data(as_text=True)
    assert url in project_page and "施工前" in project_page and "（您的楼）" in project_page

    sign_in(client, w.other_resident)       # signed in, another compound: no supervision
    page = client.get(url).get_data(as_text=True)
    assert "改造前的旧立管" in page and "管沟已回填" not in page and "开挖 1-0301" not in page

    sign_in(client, w.staff)
    refused = client.post(url + "/new", data={
        "happened_on": (today + timedelta(days=3)).isoformat(), "stage": "after",
        "title": "完工"})
    assert refused.status_code == 422 and 'value="完工"' in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Milestone.id))
                             .where(Milestone.title == "完工")) == 0
    done = client.post(url + "/new", data={"happened_on": today.isoformat(), "stage": "after",
                                           "title": "完工", "photos": [photo()]},
                       content_type="multipart/form-data", follow_redirects=True)
    assert done.status_code == 200 and "完工" in done.get_data(as_text=True)
    assert "施工后" in done.get_data(as_text=True)


def test_a_late_evening_notice_is_dated_by_beijing_time_to_the_minute(client, w):
    from datetime import datetime
    notice = projects.post_notice(w.secretary, w.rv_project, title="夜间施工告知", body="")
    notice.created_at = datetime(2026, 12, 4, 17, 30, 45)      # UTC: 5 December in Beijing
    db.session.flush()
    [entry] = [e for e in timeline_entries.entries_for(w.resident, w.rv_project, w.building_a)
               if e.kind == "notice"]
    assert entry.day == date(2026, 12, 5)
    sign_in(client, w.resident)
    page = client.get(f"/renovation/projects/{w.rv_project.id}/buildings/{w.building_a.id}"
                      "/timeline").get_data(as_text=True)
    shown = page.split("夜间施工告知")[0].rsplit("<time", 1)[1]
    assert "2026年12月5日" in shown and "01:30" in shown and "01:30:45" not in shown

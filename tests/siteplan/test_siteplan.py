"""The compound's site plan (issue 19 §1): uploaded and marked by the
secretary; residents see buildings, spaces, open public reports and proposals
as named links on it, with the same list beside it, and no coordinates."""
import io
import re

import pytest
from werkzeug.datastructures import FileStorage

from residentvoice.errors_domain import InvalidInput, NotAllowed
from residentvoice.siteplan import services
from residentvoice.tickets import services as tickets

from ..factories import sign_in
from ..spaces.helpers import make_proposal, make_space
from .helpers import plan_png, upload


def test_the_secretary_uploads_the_plan_and_replacing_it_keeps_the_marks(factory):
    w = factory.world()
    plan = upload(w, size=(3200, 1600))
    assert (plan.width, plan.height) == (1600, 800)      # shrunk like every photo
    services.mark(w.secretary, plan, f"b:{w.building_a.id}", 0.25, 0.75)
    first = plan.upload_id
    again = upload(w, size=(500, 400))
    assert again.id == plan.id and again.upload_id != first
    assert (again.width, again.height) == (500, 400)
    assert [(m.building_id, m.x, m.y) for m in again.marks] == [(w.building_a.id, 0.25, 0.75)]


def test_marks_are_fractions_of_the_picture_and_of_this_compound(factory):
    w = factory.world()
    plan = upload(w)
    for x, y in ((1.2, 0.5), (-0.1, 0.5), ("", ""), (None, 0.3), ("nan", 0.3)):
        with pytest.raises(InvalidInput):
            services.mark(w.secretary, plan, f"b:{w.building_a.id}", x, y)
    with pytest.raises(InvalidInput):
        services.mark(w.secretary, plan, f"b:{w.building_b.id}", 0.5, 0.5)
    with pytest.raises(InvalidInput):
        services.mark(w.secretary, None, f"b:{w.building_a.id}", 0.5, 0.5)
    services.mark(w.secretary, plan, f"b:{w.building_a.id}", 0.1, 0.1)
    services.mark(w.secretary, plan, f"b:{w.building_a.id}", 0.9, 0.2)   # moves it
    assert [(m.x, m.y) for m in services.plan_of(w.compound_a.id).marks] == [(0.9, 0.2)]


def test_only_the_compounds_managers_put_up_and_mark_the_plan(factory):
    w = factory.world()
    for outsider in (w.resident, w.other_secretary, w.staff):
        with pytest.raises(NotAllowed):
            services.upload_plan(outsider, w.compound_a,
                                 FileStorage(io.BytesIO(plan_png()), filename="plan.png"))
    plan = upload(w)
    for outsider in (w.resident, w.other_secretary, w.staff):
        with pytest.raises(NotAllowed):
            services.mark(outsider, plan, f"b:{w.building_a.id}", 0.5, 0.5)
    entry = services.mark(w.street_admin, plan, f"b:{w.building_a.id}", 0.5, 0.5)
    with pytest.raises(NotAllowed):
        services.unmark(w.resident, plan, entry.id)
    services.unmark(w.secretary, plan, entry.id)


def test_the_nearest_marked_building_answers_a_tap(factory):
    w = factory.world()
    second = factory.building(w.compound_a, number="3")
    plan = upload(w, size=(400, 100))
    assert services.nearest_building(plan, 0.5, 0.5) is None
    services.mark(w.secretary, plan, f"b:{w.building_a.id}", 0.1, 0.5)
    services.mark(w.secretary, plan, f"b:{second.id}", 0.9, 0.5)
    plan = services.plan_of(w.compound_a.id)
    assert services.nearest_building(plan, 0.2, 0.9).id == w.building_a.id
    assert services.nearest_building(plan, 0.7, 0.0).id == second.id


def _marked_world(factory):
    w = factory.world()
    plan = upload(w)
    space = make_space(w)
    proposal = make_proposal(w, space)
    draft = make_proposal(w, space, status="draft", title="草稿里的想法")
    services.mark(w.secretary, plan, f"b:{w.building_a.id}", 0.3, 0.4)
    services.mark(w.secretary, plan, f"s:{space.id}", 0.7, 0.6)
    public = tickets.create_ticket(w.resident, compound_id=w.compound_a.id, category="roads",
                                   description="路面破损", household_id=w.household_a.id,
                                   public=True)
    private = tickets.create_ticket(w.resident, compound_id=w.compound_a.id,
                                    category="facade_ac", description="楼道灯坏了",
                                    household_id=w.household_a.id)
    return w, space, proposal, draft, public, private


def test_residents_see_pins_with_names_and_the_same_list(client, factory):
    w, space, proposal, draft, public, private = _marked_world(factory)
    neighbour = factory.resident(w.household_a2, name="张桂芳")
    sign_in(client, neighbour)
    page = client.get(f"/plan/compounds/{w.compound_a.id}").get_data(as_text=True)
    assert 'aria-label="1 号楼"' in page and "<title>1 号楼</title>" in page
    assert f'href="/tickets/{public.id}"' in page and f'href="/tickets/{private.id}"' not in page
    drawn = page.split("</svg>")[0]
    # The building's open reports are one pin, leading to them in the list.
    assert (f'href="#reports-{w.building_a.id}"' in drawn
            and 'aria-label="1 号楼：1 个未办结工单"' in drawn)
    assert f'id="reports-{w.building_a.id}"' in page
    assert f'href="{proposal.path}"' in page and draft.path not in page
    assert f'href="{space.path}"' in page and space.name in page
    assert f'href="{space.path}/proposals/new"' in page       # a neighbour may propose there
    # The list beside the plan names the same things.
    listed = page.split('class="plan-list"')[1]
    assert f'href="/tickets/{public.id}"' in listed and f'href="{proposal.path}"' in listed
    # No coordinate is ever shown as text (only as drawing attributes).
    text = re.sub(r"<[^>]+>", " ", page)
    assert "0.3" not in text and "0.4" not in text and "120" not in text.split("</svg>")[0]


def test_outsiders_do_not_see_the_plan_or_its_picture(client, factory):
    w, *_ = _marked_world(factory)
    plan = services.plan_of(w.compound_a.id)
    sign_in(client, w.other_resident)
    assert client.get(f"/plan/compounds/{w.compound_a.id}").status_code == 404
    assert client.get(f"/uploads/{plan.upload_id}").status_code == 404
    sign_in(client, w.resident)
    assert client.get(f"/uploads/{plan.upload_id}").status_code == 200


def test_the_secretary_uploads_and_marks_through_the_pages(client, factory):
    w = factory.world()
    sign_in(client, w.secretary)
    page = client.get(f"/plan/compounds/{w.compound_a.id}/edit").get_data(as_text=True)
    assert "上传平面图" in page
    sent = client.post(f"/plan/compounds/{w.compound_a.id}/edit",
                       data={"picture": (io.BytesIO(b"not a picture"), "plan.png")},
                       content_type="multipart/form-data")
    assert sent.status_code == 422 and services.plan_of(w.compound_a.id) is None
    sent = client.post(f"/plan/compounds/{w.compound_a.id}/edit",
                       data={"picture": (io.BytesIO(plan_png()), "plan.png")},
                       content_type="multipart/form-data")
    assert sent.status_code == 302
    refused = client.post(f"/plan/compounds/{w.compound_a.id}/marks",
                          data={"target": f"b:{w.building_a.id}", "x": "", "y": ""})
    assert refused.status_code == 422 and "请在平面图上点选位置" in refused.get_data(as_text=True)
    saved = client.post(f"/plan/compounds/{w.compound_a.id}/marks",
                        data={"target": f"b:{w.building_a.id}", "x": "0.5", "y": "0.25"})
    assert saved.status_code == 302
    mark = services.plan_of(w.compound_a.id).marks[0]
    assert (mark.x, mark.y) == (0.5, 0.25)
    page = client.get(f"/plan/compounds/{w.compound_a.id}/edit").get_data(as_text=True)
    assert "需要 JavaScript" in page
    client.post(f"/plan/compounds/{w.compound_a.id}/marks/{mark.id}/delete")
    assert services.plan_of(w.compound_a.id).marks == []


def test_the_filing_page_offers_the_plan_to_tap(client, factory):
    w = factory.world()
    plan = upload(w)
    sign_in(client, w.resident)
    page = client.get("/tickets/new").get_data(as_text=True)
    assert "data-plan-nearest" not in page          # no building marked: no plan to tap
    services.mark(w.secretary, plan, f"b:{w.building_a.id}", 0.3, 0.4)
    page = client.get("/tickets/new").get_data(as_text=True)
    assert 'data-plan-nearest="where"' in page and f'data-building="{w.building_a.id}"' in page
    second_step = client.get(f"/tickets/new?category=roads&where=b:{w.building_a.id}")
    assert 'data-plan-nearest="where"' in second_step.get_data(as_text=True)


def test_the_history_says_who_put_up_and_marked_the_plan(client, factory):
    w = factory.world()
    plan = upload(w)
    services.mark(w.secretary, plan, f"b:{w.building_a.id}", 0.5, 0.5)
    sign_in(client, w.secretary)
    page = client.get(f"/audit/?type=Compound&id={w.compound_a.id}").get_data(as_text=True)
    name = w.compound_a.name
    assert f"刘书记上传了小区“{name}”的平面图" in page
    assert f"刘书记在小区“{name}”的平面图上标注了位置：“1 号楼”" in page

"""On-site supervision (旁站监督): sign-up, observations with photos, and a
problem filed as a ticket through the "create_ticket" provider."""
from io import BytesIO
from types import SimpleNamespace

import pytest
from PIL import Image

from residentvoice.errors_domain import Conflict, InvalidInput, NotAllowed
from residentvoice.renovation import supervision
from residentvoice.tickets import providers as tickets_providers
from residentvoice.uploads.services import uploads_for

from .helpers import renovation_world


@pytest.fixture
def w(factory):
    return renovation_world(factory.world())


def _png():
    out = BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "PNG")
    out.seek(0)
    return out


def test_signup_rules(w):
    supervision.sign_up(w.resident, w.rv_step)
    assert w.rv_step.is_supervisor(w.resident)
    with pytest.raises(Conflict):
        supervision.sign_up(w.resident, w.rv_step)
    for user in (w.other_resident, w.secretary, w.staff):
        with pytest.raises(NotAllowed):
            supervision.sign_up(user, w.rv_step)


def test_observation_needs_signup(w):
    with pytest.raises(NotAllowed):
        supervision.record_observation(w.resident, w.rv_step, text="看到了")
    supervision.sign_up(w.resident, w.rv_step)
    with pytest.raises(InvalidInput):
        supervision.record_observation(w.resident, w.rv_step, text="  ")
    note = supervision.record_observation(w.resident, w.rv_step, text="开挖规范")
    assert note.ticket_id is None and note.ticket_note == ""


def test_problem_becomes_a_ticket_for_the_construction_party(w, monkeypatch):
    calls = []

    def fake_create_ticket(actor, **kwargs):
        calls.append((actor, kwargs))
        return SimpleNamespace(id=4242)

    monkeypatch.setattr(tickets_providers, "create_ticket", fake_create_ticket)
    supervision.sign_up(w.resident, w.rv_step)
    note = supervision.record_observation(w.resident, w.rv_step, text="管道接口渗水",
                                          is_problem=True, category="water_drainage")
    assert note.ticket_id == 4242
    actor, kwargs = calls[0]
    assert actor is w.resident
    assert kwargs["compound_id"] == w.compound_a.id and kwargs["category"] == "water_drainage"
    assert kwargs["household_id"] == w.household_a.id  # the supervisor lives there
    assert kwargs["building_id"] == w.building_a.id and kwargs["location_text"] == "开挖 1-0301"
    assert "管道接口渗水" in kwargs["description"]


def test_observation_with_photo_through_the_page(w, client, auth, monkeypatch):
    monkeypatch.setattr(tickets_providers, "create_ticket",
                        lambda actor, **kw: SimpleNamespace(id=77))
    auth.login(w.resident)
    assert client.post(f"/renovation/steps/{w.rv_step.id}/signup").status_code == 302
    response = client.post(f"/renovation/steps/{w.rv_step.id}/observations", data={
        "text": "地面下沉", "is_problem": "y", "category": "water_drainage",
        "photo": (_png(), "p.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    note = w.rv_step.observations[0]
    assert note.ticket_id == 77
    photos = uploads_for("renovation_observation", note.id)
    assert len(photos) == 1
    assert client.get(f"/uploads/{photos[0].id}").status_code == 200
    page = client.get(f"/renovation/steps/{w.rv_step.id}").get_data(as_text=True)
    assert "T000077" in page and "/tickets/77" in page
    auth.logout()
    auth.login(w.other_resident)
    assert client.get(f"/uploads/{photos[0].id}").status_code == 404


def test_an_observation_sent_back_keeps_its_photo(w, client, auth, monkeypatch):
    """A supervisor on site takes a photo and forgets to say what it shows:
    the form comes back with the photo kept, and the next send records it."""
    import re
    auth.login(w.resident)
    client.post(f"/renovation/steps/{w.rv_step.id}/signup")
    back = client.post(f"/renovation/steps/{w.rv_step.id}/observations", data={
        "text": "", "category": "other", "photo": (_png(), "p.png")},
        content_type="multipart/form-data")
    assert back.status_code == 422
    kept = re.search(r'name="photo_kept" value="(\d+)" checked',
                     back.get_data(as_text=True)).group(1)
    done = client.post(f"/renovation/steps/{w.rv_step.id}/observations", data={
        "text": "地面下沉", "category": "other", "photo_kept": kept})
    assert done.status_code == 302
    note = w.rv_step.observations[0]
    assert [u.id for u in uploads_for("renovation_observation", note.id)] == [int(kept)]


def test_bad_photo_keeps_text(w, client, auth):
    auth.login(w.secretary)
    response = client.post(f"/renovation/steps/{w.rv_step.id}/observations", data={
        "text": "保留的描述", "category": "other", "photo": (BytesIO(b"not an image"), "x.png")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "保留的描述" in response.get_data(as_text=True)
    assert w.rv_step.observations == []


def test_contractor_announces_steps(w):
    step = supervision.create_step(w.staff, w.rv_project, title="开挖", scheduled_on=w.rv_step
                                   .scheduled_on, household_id=w.household_a.id)
    assert step.created_by_id == w.staff.id
    with pytest.raises(NotAllowed):
        supervision.create_step(w.resident, w.rv_project, title="开挖",
                                scheduled_on=step.scheduled_on)
    with pytest.raises(InvalidInput):
        supervision.create_step(w.staff, w.rv_project, title="开挖",
                                scheduled_on=step.scheduled_on, household_id=w.household_b.id)


def test_neighbour_supervisor_files_for_the_building(w, monkeypatch, factory):
    calls = []
    monkeypatch.setattr(tickets_providers, "create_ticket",
                        lambda actor, **kw: calls.append(kw) or SimpleNamespace(id=5))
    neighbour = factory.resident(w.household_a2)
    supervision.sign_up(neighbour, w.rv_step)
    supervision.record_observation(neighbour, w.rv_step, text="渗水", is_problem=True)
    assert calls[0]["household_id"] is None and calls[0]["building_id"] == w.building_a.id


def test_with_the_real_tickets_feature(w, app):
    supervision.sign_up(w.resident, w.rv_step)
    note = supervision.record_observation(w.resident, w.rv_step, text="管道接口渗水",
                                          is_problem=True, category="water_drainage")
    assert note.ticket_id is not None, note.ticket_note


def test_the_steps_one_can_still_supervise_leave_out_those_signed_up_for(w, db):
    """The home page lists the next five steps a resident could sign up for.
    Signed up for the next five, they were all filtered out after the limit:
    the resident saw none of the later ones."""
    from datetime import timedelta

    from residentvoice.dates import beijing_today
    from residentvoice.renovation.models_household import SupervisionStep
    start = beijing_today() + timedelta(days=1)
    steps = [SupervisionStep(project_id=w.rv_project.id, title=f"第{n}步",
                             scheduled_on=start + timedelta(days=n)) for n in range(7)]
    db.session.add_all(steps)
    db.session.flush()
    for step in steps[:5]:
        supervision.sign_up(w.resident, step)
    upcoming = supervision.upcoming_steps_for(w.resident)
    assert steps[5] in upcoming and steps[6] in upcoming
    assert not set(steps[:5]) & set(upcoming)

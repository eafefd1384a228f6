"""A form sent back keeps the photos it carried (uploads.keep): a resident
who forgot the description, or a contractor who forgot the note, does not
find their photos gone; they are shown with a ticked box, go to the ticket
when the form is accepted, are the sender's alone to see, and are removed by
`flask uploads sweep` when no form used them within a day."""
import io
import os
import re
from datetime import timedelta

from residentvoice.extensions import db as _db
from residentvoice.models import utcnow
from residentvoice.tickets.models import Status, Ticket
from residentvoice.uploads import services as uploads
from residentvoice.uploads.models import Upload

from .conftest import png_bytes


def _form(world, **extra):
    data = {"category": "facade_ac", "where": f"h:{world.household_a.id}",
            "description": "空调外机震动得厉害", "public": "y"}
    data.update(extra)
    return data


def _photos(n):
    return [(io.BytesIO(png_bytes()), f"p{i}.png") for i in range(n)]


def _kept_ids(page, name="photos_kept"):
    return [int(i) for i in re.findall(rf'name="{name}" value="(\d+)" checked', page)]


def _kept(db, user):
    return db.session.scalars(_db.select(Upload).where(
        Upload.object_type == uploads.KEPT, Upload.object_id == user.id)).all()


def test_photos_survive_a_form_sent_back_and_go_to_the_ticket(world, auth, client, db, app):
    auth.login(world.resident)
    sent_back = client.post("/tickets/new", data=_form(world, description="", photos=_photos(2)),
                            content_type="multipart/form-data")
    assert sent_back.status_code == 422
    page = sent_back.get_data(True)
    first, second = _kept_ids(page)
    assert "choose them again" not in page
    # The resident sees the thumbnails; no one else does.
    assert client.get(f"/uploads/{first}").status_code == 200
    client.post("/logout")
    auth.login(world.other_resident)
    assert client.get(f"/uploads/{first}").status_code == 404
    client.post("/logout")
    # Sent again with the description, one photo unticked and one new one.
    auth.login(world.resident)
    done = client.post("/tickets/new", data=_form(world, photos_kept=[str(first)],
                                                  photos=_photos(1)),
                       content_type="multipart/form-data")
    assert done.status_code == 302
    ticket = db.session.scalar(_db.select(Ticket))
    attached = uploads.uploads_for("ticket", ticket.id)
    assert len(attached) == 2 and first in {u.id for u in attached}
    assert all(os.path.exists(uploads.path_of(u)) for u in attached)
    assert [u.id for u in _kept(db, world.resident)] == [second]
    shown = client.get(done.headers["Location"]).get_data(True)
    assert f"/uploads/{first}" in shown


def test_another_persons_kept_photo_cannot_be_taken(world, auth, client, db):
    """A kept photo's number in someone else's form attaches nothing."""
    auth.login(world.secretary)
    sent_back = client.post("/tickets/new", data=_form(
        world, where=f"c:{world.compound_a.id}", household_code="NOPE-1", photos=_photos(1)),
        content_type="multipart/form-data")
    assert sent_back.status_code == 422
    (theirs,) = _kept_ids(sent_back.get_data(True))
    client.post("/logout")
    auth.login(world.resident)
    done = client.post("/tickets/new", data=_form(world, photos_kept=[str(theirs)]))
    assert done.status_code == 302
    ticket = db.session.scalar(_db.select(Ticket))
    assert uploads.uploads_for("ticket", ticket.id) == []
    assert [u.id for u in _kept(db, world.secretary)] == [theirs]


def test_at_most_four_in_all_and_a_file_not_a_photo_is_asked_for_again(world, auth, client, db):
    auth.login(world.resident)
    too_many = client.post("/tickets/new", data=_form(world, photos=_photos(5)),
                           content_type="multipart/form-data")
    assert too_many.status_code == 422
    page = too_many.get_data(True)
    kept = _kept_ids(page)
    assert len(kept) == 4 and "最多 4 张照片" in page
    again = client.post("/tickets/new", data=_form(world, photos_kept=[str(i) for i in kept],
                                                   photos=_photos(1)),
                        content_type="multipart/form-data")
    assert again.status_code == 422 and len(_kept_ids(again.get_data(True))) == 4
    assert db.session.scalar(_db.select(_db.func.count(Ticket.id))) == 0
    for upload in _kept(db, world.resident):
        _db.session.delete(upload)
    _db.session.commit()
    not_a_photo = client.post("/tickets/new", data=_form(
        world, photos=[(io.BytesIO(b"not an image"), "x.jpg")]),
        content_type="multipart/form-data")
    page = not_a_photo.get_data(True)
    assert not_a_photo.status_code == 422 and _kept_ids(page) == []
    assert "请重新选择后再提交" in page


def test_no_one_keeps_more_than_a_few_forms_worth(world, auth, client, db):
    auth.login(world.resident)
    for _ in range(uploads.KEPT_PER_PERSON // 4 + 1):
        client.post("/tickets/new", data=_form(world, description="", photos=_photos(4)),
                    content_type="multipart/form-data")
    assert len(_kept(db, world.resident)) == uploads.KEPT_PER_PERSON


def test_a_contractors_photos_survive_a_resolution_without_its_note(world, file_ticket, auth,
                                                                     client, db):
    ticket = file_ticket()
    auth.login(world.staff)
    client.post(f"/tickets/{ticket.id}/act/acknowledge")
    sent_back = client.post(f"/tickets/{ticket.id}/act/resolve",
                            content_type="multipart/form-data",
                            data={"resolve-note": "", "resolve-photos": _photos(1)})
    assert sent_back.status_code == 422
    (kept,) = _kept_ids(sent_back.get_data(True), "resolve-photos_kept")
    done = client.post(f"/tickets/{ticket.id}/act/resolve",
                       data={"resolve-note": "换了支架", "resolve-photos_kept": str(kept)})
    assert done.status_code == 302 and ticket.status is Status.resolved
    assert [u.id for u in uploads.uploads_for("ticket", ticket.id)] == [kept]


def test_a_form_that_cannot_keep_files_says_to_choose_them_again(world, auth, client):
    """The same page, with a file field not kept for (a space's photo): the
    person is told, not left to find the file gone."""
    auth.login(world.secretary)
    page = client.post(f"/spaces/new?compound_id={world.compound_a.id}",
                       content_type="multipart/form-data",
                       data={"name": "", "photo": (io.BytesIO(png_bytes()), "site.png")})
    assert page.status_code == 422
    assert "请重新选择后再提交" in page.get_data(True)


def test_sweep_removes_kept_photos_unused_after_a_day(world, auth, client, db, app):
    auth.login(world.resident)
    client.post("/tickets/new", data=_form(world, description="", photos=_photos(2)),
                content_type="multipart/form-data")
    old, recent = _kept(db, world.resident)
    old.created_at = utcnow() - timedelta(hours=uploads.KEPT_HOURS + 1)
    _db.session.commit()
    path = uploads.path_of(old)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["uploads", "sweep"])
    assert result.exit_code == 0 and "1" in result.output
    assert [u.id for u in _kept(db, world.resident)] == [recent.id]
    assert not os.path.exists(path) and os.path.exists(uploads.path_of(recent))

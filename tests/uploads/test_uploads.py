"""Uploads: the pixel budget (issue 14 §10) and storage that is full or
read-only (issue 14 §12).

A 300 KB PNG of 8900 × 8900 cost a worker 4 s and 570 MB to decode: pictures
over 24 megapixels are refused from their header, before anything is decoded.
When the upload folder cannot take a file (ENOSPC, EROFS, EACCES), the person
is told so beside the form, which keeps what they typed; no file is left
behind (not even the first photo of two) and no row points to a missing file."""
import errno
import io
import os
import struct
import zlib

import pytest
from PIL import Image, ImageFile

from residentvoice.uploads import services as uploads
from residentvoice.uploads.models import Upload

from ..spaces.helpers import make_space


def png(width, height):
    """A valid 1-bit greyscale PNG of ``width`` × ``height``: tiny on disk, huge
    once decoded (an 8900 × 8900 one compresses to ~10 KB)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height, 9)) + chunk(b"IEND", b""))


def small_png():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def files_in(folder):
    return sorted(name for name in os.listdir(folder)
                  if os.path.isfile(os.path.join(folder, name)))


@pytest.fixture
def folder(app):
    return app.config["UPLOAD_FOLDER"]


def ticket_form(world, **extra):
    data = {"category": "facade_ac", "where": f"h:{world.household_a.id}",
            "description": "空调外机震动得厉害", "location_text": "东侧墙", "public": "y"}
    data.update(extra)
    return data


# ---- the pixel budget --------------------------------------------------------

@pytest.fixture
def nothing_decoded(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("a picture over the pixel budget was decoded")
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.parametrize("size", [(8900, 8900), (5000, 5000), (24001, 1000)],
                         ids=["79MP", "25MP", "24.001MP"])
def test_a_picture_over_24_megapixels_is_refused_before_it_is_decoded(app, db, nothing_decoded,
                                                                      size):
    data = png(*size)
    assert len(data) < 300_000
    with app.test_request_context(headers={"Cookie": "rv_lang=en"}):
        with pytest.raises(uploads.InvalidInput) as refused:
            uploads.store(_file(data), actor=None, object_type="ticket", object_id=1)
        assert "more than 24 megapixels" in str(refused.value.message)


def test_a_picture_within_the_budget_is_still_taken(app, db):
    with app.test_request_context():
        upload = uploads.store(_file(png(6000, 4000)), actor=None, object_type="ticket",
                               object_id=1)
    assert (upload.width, upload.height) == (1600, 1067)


def test_the_ticket_form_says_the_picture_is_too_large_and_keeps_the_text(
        factory, auth, client, db, folder):
    world = factory.world()
    world.resident.locale = "en"
    auth.login(world.resident)
    before = files_in(folder)
    response = client.post("/tickets/new", content_type="multipart/form-data",
                           data=ticket_form(world, photos=[(io.BytesIO(png(8900, 8900)),
                                                            "huge.png")]))
    page = response.get_data(True)
    assert response.status_code == 422
    assert "more than 24 megapixels" in page and 'value="东侧墙"' in page
    assert "空调外机震动得厉害" in page
    assert files_in(folder) == before


def _file(data, name="photo.png"):
    from werkzeug.datastructures import FileStorage
    return FileStorage(io.BytesIO(data), filename=name)


# ---- storage full or read-only -----------------------------------------------

@pytest.fixture
def storage_fails(monkeypatch):
    """The n-th write (1-based; default the first) writes half the file, then
    fails with ``code`` (ENOSPC unless set), as a disk filling up does."""
    state = {"code": errno.ENOSPC, "nth": 1, "calls": 0}
    real = uploads._write

    def write(path, data):
        state["calls"] += 1
        if state["calls"] < state["nth"]:
            return real(path, data)
        with open(path, "wb") as fh:
            fh.write(data[: len(data) // 2])
        raise OSError(state["code"], os.strerror(state["code"]), path)
    monkeypatch.setattr(uploads, "_write", write)
    return state


def _count(db, model):
    return db.session.scalar(db.select(db.func.count(model.id)))


def test_filing_a_ticket_on_a_full_disk_keeps_the_form_and_leaves_nothing(
        factory, auth, client, db, folder, storage_fails):
    from residentvoice.tickets.models import Ticket
    world = factory.world()
    world.resident.locale = "en"
    auth.login(world.resident)
    before = files_in(folder)
    response = client.post("/tickets/new", content_type="multipart/form-data",
                           data=ticket_form(world, photos=[(io.BytesIO(small_png()), "a.png")]))
    page = response.get_data(True)
    assert response.status_code == 422
    assert "our storage is full or unavailable" in page
    assert 'value="东侧墙"' in page and "空调外机震动得厉害" in page
    assert files_in(folder) == before          # the half-written file is gone
    assert _count(db, Ticket) == 0 and _count(db, Upload) == 0


def test_the_first_photo_of_two_is_removed_when_the_second_cannot_be_written(
        factory, auth, client, db, folder, storage_fails):
    from residentvoice.tickets.models import Ticket
    storage_fails["nth"] = 2
    world = factory.world()
    auth.login(world.resident)
    before = files_in(folder)
    response = client.post("/tickets/new", content_type="multipart/form-data",
                           data=ticket_form(world, photos=[(io.BytesIO(small_png()), "a.png"),
                                                           (io.BytesIO(small_png()), "b.png")]))
    assert response.status_code == 422
    assert storage_fails["calls"] == 2
    assert files_in(folder) == before
    assert _count(db, Ticket) == 0 and _count(db, Upload) == 0


def test_a_proposal_with_a_photo_on_read_only_storage_keeps_the_form(
        factory, auth, client, db, folder, storage_fails):
    from residentvoice.spaces.models import Proposal
    storage_fails["code"] = errno.EROFS
    world = factory.world()
    world.resident.locale = "en"
    space = make_space(world)
    auth.login(world.resident)
    before = files_in(folder)
    response = client.post(
        f"/spaces/{space.id}/proposals/new", content_type="multipart/form-data",
        data={"kind": "charging_piles", "title": "充电桩12个", "description": "北侧墙边",
              "quantity": "12", "estimated_cost": "180000", "payer": "operator",
              "action": "submit", "photo": (io.BytesIO(small_png()), "site.png")})
    page = response.get_data(True)
    assert response.status_code in (200, 422)   # the proposal page shows errors with 200
    assert 'id="photo-error"' in page and "our storage is full or unavailable" in page
    assert 'value="充电桩12个"' in page and 'value="180000"' in page
    assert files_in(folder) == before
    assert _count(db, Proposal) == 0 and _count(db, Upload) == 0


def test_a_photo_that_is_saved_stays_with_its_row(factory, auth, client, db, folder):
    world = factory.world()
    auth.login(world.resident)
    response = client.post("/tickets/new", content_type="multipart/form-data",
                           data=ticket_form(world, photos=[(io.BytesIO(small_png()), "a.png")]))
    assert response.status_code == 302
    upload = db.session.scalar(db.select(Upload))
    assert os.path.exists(uploads.path_of(upload))


def test_a_spreadsheet_import_on_a_full_disk_says_so(factory, auth, client, db, app,
                                                     monkeypatch, tmp_path):
    import builtins
    world = factory.world()
    world.secretary.locale = "en"
    imports = tmp_path / "imports"
    monkeypatch.setitem(app.config, "IMPORT_FOLDER", str(imports))
    real_open = builtins.open

    def full_disk(path, mode="r", *args, **kwargs):
        if str(path).startswith(str(imports)) and "w" in mode:
            real_open(path, mode, *args, **kwargs).close()   # created, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        return real_open(path, mode, *args, **kwargs)
    auth.login(world.secretary)
    csv = "building,unit,floor,area_m2\n1,0501,5,60.00\n".encode()
    monkeypatch.setattr(builtins, "open", full_disk)
    try:
        response = client.post(f"/directory/compounds/{world.compound_a.id}/import",
                               content_type="multipart/form-data",
                               data={"file": (io.BytesIO(csv), "households.csv")})
    finally:
        monkeypatch.setattr(builtins, "open", real_open)
    assert response.status_code < 500
    assert "our storage is full or unavailable" in response.get_data(True)
    assert os.listdir(imports) == []


def test_an_upload_whose_file_is_gone_is_not_found(factory, auth, client, db):
    world = factory.world()
    auth.login(world.resident)
    client.post("/tickets/new", content_type="multipart/form-data",
                data=ticket_form(world, photos=[(io.BytesIO(small_png()), "a.png")]))
    upload = db.session.scalar(db.select(Upload))
    os.remove(uploads.path_of(upload))
    assert client.get(f"/uploads/{upload.id}").status_code == 404

"""Checking and storing uploads (DESIGN §8: checked by content and size).

Images are decoded with Pillow (the declared type and extension are ignored),
re-encoded as JPEG or PNG at most 1600 px on the long side, which drops EXIF
metadata including the location.  PDFs (scans of signed forms) are accepted
when they start with the PDF signature and end with an EOF marker."""
import contextlib
import errno
import io
import logging
import os
import secrets
import warnings
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..errors_domain import InvalidInput, StorageUnavailable
from ..extensions import db
from ..models import utcnow
from .models import Upload

MAX_IMAGE_BYTES = 6 * 1024 * 1024
MAX_PDF_BYTES = 6 * 1024 * 1024
# The pixel budget: 24 MP covers any phone camera.  Decoding costs memory by
# pixels, not bytes (a 300 KB PNG of 8900 × 8900 took 570 MB and 4 s), so the
# size is read from the file's header and a larger picture is refused before
# it is decoded.  Pillow's own guard is set to the same budget.
MAX_PIXELS = 24_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
LONG_SIDE = 1600

NOT_A_PHOTO = _l("This file is not a photo we can read. Use a JPEG or PNG picture.")
TOO_MANY_PIXELS = _l("This picture is too large (more than %(mp)d megapixels). Take it again "
                     "at a lower resolution, or send a screenshot of it.",
                     mp=MAX_PIXELS // 1_000_000)

log = logging.getLogger(__name__)

# Features register who may see uploads of their objects:
# VIEW_CHECKS["ticket"] = lambda object_id, user: bool
VIEW_CHECKS = {}


def register_view_check(object_type, check):
    VIEW_CHECKS[object_type] = check


def _read(file_storage, limit):
    data = file_storage.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(_l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    if not data:
        raise InvalidInput(_l("The file is empty."))
    return data


def _open(data):
    """Open an image from its header only (nothing decoded yet), refusing one
    over the pixel budget."""
    try:
        with warnings.catch_warnings():
            # Pillow warns between one and two budgets and refuses above:
            # both are the same refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(TOO_MANY_PIXELS)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput(NOT_A_PHOTO)
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise InvalidInput(TOO_MANY_PIXELS)
    return image


def _normalise_image(data):
    try:
        with _open(data) as probe:
            probe.verify()
        image = _open(data)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise InvalidInput(NOT_A_PHOTO)
    if image.format not in ("JPEG", "PNG", "WEBP", "GIF", "MPO"):
        raise InvalidInput(_l("Use a JPEG or PNG picture."))
    image = ImageOps.exif_transpose(image)
    image.thumbnail((LONG_SIDE, LONG_SIDE))
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "P") and image.format != "JPEG":
        image = image.convert("RGBA")
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png", ".png", image.size
    image = image.convert("RGB")
    image.save(out, "JPEG", quality=82, optimize=True)  # no exif= : metadata dropped
    return out.getvalue(), "image/jpeg", ".jpg", image.size


def _check_pdf(data):
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise InvalidInput(_l("This file is not a PDF we can read."))
    return data, "application/pdf", ".pdf", (None, None)


def store(file_storage, *, actor, object_type, object_id, allow_pdf=False):
    """Check, normalise and save one uploaded file; returns the Upload row."""
    head = file_storage.stream.read(8)
    file_storage.stream.seek(0)
    if head.startswith(b"%PDF-"):
        if not allow_pdf:
            raise InvalidInput(_l("Use a JPEG or PNG picture."))
        data, content_type, ext, size = _check_pdf(_read(file_storage, MAX_PDF_BYTES))
        kind = "pdf"
    else:
        data, content_type, ext, size = _normalise_image(_read(file_storage, MAX_IMAGE_BYTES))
        kind = "image"
    stored_name = secrets.token_hex(16) + ext
    folder = current_app.config["UPLOAD_FOLDER"]
    path = os.path.join(folder, stored_name)
    try:
        os.makedirs(folder, exist_ok=True)
        _write(path, data)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.remove(path)  # a partly written file, if the disk filled up mid-way
        raise storage_error(error)
    _written_in_transaction(path)
    upload = Upload(uploaded_by_id=getattr(actor, "id", None), object_type=object_type,
                    object_id=object_id, kind=kind, content_type=content_type,
                    original_name=(file_storage.filename or "")[:200], stored_name=stored_name,
                    size=len(data), width=size[0], height=size[1])
    db.session.add(upload)
    db.session.flush()
    return upload


def _write(path, data):
    with open(path, "xb") as fh:
        fh.write(data)


STORAGE_FAILED = _l("The file could not be saved: our storage is full or unavailable just "
                    "now. Nothing was saved; please try again later, or send it without the "
                    "file.")


def storage_error(error, field=None):
    """The StorageUnavailable to raise for an OSError met writing a file."""
    log.error("File storage failed (%s): %s", errno.errorcode.get(error.errno, "?"), error)
    return StorageUnavailable(STORAGE_FAILED, field)


# ---- files follow their transaction -------------------------------------
# A file is written before its row is committed; if the transaction is rolled
# back instead (a later photo failed, the form had an error, the commit
# failed), the file is removed, so no file is left without its row.

PENDING = "rv_upload_files"


def _written_in_transaction(path):
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(PENDING, []).append((transaction, path))


def _remove(paths):
    for path in paths:
        with contextlib.suppress(OSError):
            os.remove(path)


def _within(transaction, ancestor):
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _keep_files(session):
    session.info.pop(PENDING, None)


@event.listens_for(Session, "after_soft_rollback")
def _drop_files_of_rollback(session, previous_transaction):
    pending = session.info.get(PENDING)
    if pending:
        gone = [path for transaction, path in pending
                if _within(transaction, previous_transaction)]
        pending[:] = [(t, p) for t, p in pending if p not in gone]
        _remove(gone)


@event.listens_for(Session, "after_transaction_end")
def _drop_files_never_committed(session, transaction):
    if transaction.parent is None and session.info.get(PENDING):
        _remove(path for _transaction, path in session.info.pop(PENDING))


# ---- photos kept from a form sent back -------------------------------------
# A form sent back with an error (no description yet, a flat not found) comes
# back with its file inputs empty: browsers never fill one in again.  So the
# readable photos it carried are kept as the sender's own, shown on the form
# again, each with a box ticked to keep it, and go to the record when the form
# is accepted.  `flask uploads sweep` removes those not used within a day.

KEPT = "kept"
KEPT_HOURS = 24
# Kept at once by one person, over every form: room for a few forms sent back,
# not a store of its own.
KEPT_PER_PERSON = 12

register_view_check(KEPT, lambda object_id, user: object_id == user.id)


def given(files):
    """The files a form actually carried (an empty file input sends one with no name)."""
    return [f for f in files if f and getattr(f, "filename", None)]


def kept(actor, ids):
    """Of ``ids`` (the form's ticked boxes), the photos ``actor`` has kept."""
    ids = [int(i) for i in ids if str(i).isdigit()][:KEPT_PER_PERSON]
    if not ids or actor is None:
        return []
    return db.session.scalars(db.select(Upload).where(
        Upload.object_type == KEPT, Upload.object_id == actor.id, Upload.id.in_(ids))
        .order_by(Upload.id)).all()


def keep(actor, files, already=(), limit=4, refusal=None):
    """After a form was sent back (``refusal``: the service's error, if it
    said no): keep the readable photos among ``files`` for ``actor``, up to
    ``limit`` with those ``already`` kept, and commit.  Returns every photo
    the form now has.  A file that is not a photo is left out (the form's
    error says why); so is any file once the person has ``KEPT_PER_PERSON``
    kept, or once storage fails — the form then asks for the rest again.
    Nothing is tried when the refusal was the storage failing: the page says
    nothing was saved, and it is not tried again at once."""
    photos, files = list(already), given(files)
    if not files or isinstance(refusal, StorageUnavailable):
        return photos
    room = min(limit - len(photos), KEPT_PER_PERSON - db.session.scalar(
        db.select(db.func.count(Upload.id)).where(
            Upload.object_type == KEPT, Upload.object_id == actor.id)))
    for file in files[:max(room, 0)]:
        file.stream.seek(0)
        try:
            with db.session.begin_nested():
                photos.append(store(file, actor=actor, object_type=KEPT, object_id=actor.id))
        except StorageUnavailable:
            break
        except InvalidInput:
            continue
    db.session.commit()
    return photos


def attach(photos, object_type, object_id):
    """Kept photos go to the record the form created."""
    for upload in photos:
        upload.object_type, upload.object_id = object_type, object_id


def sweep_kept(now=None):
    """Remove the kept photos no form used within ``KEPT_HOURS``; returns how many."""
    cutoff = (now or utcnow()) - timedelta(hours=KEPT_HOURS)
    stale = db.session.scalars(db.select(Upload).where(
        Upload.object_type == KEPT, Upload.created_at < cutoff)).all()
    paths = [path_of(upload) for upload in stale]
    for upload in stale:
        db.session.delete(upload)
    db.session.commit()
    _remove(paths)
    return len(stale)


def uploads_for(object_type, object_id):
    return db.session.scalars(db.select(Upload).where(
        Upload.object_type == object_type, Upload.object_id == object_id)
        .order_by(Upload.id)).all()


def may_see(user, upload):
    """The route's rule (``access.guard``): who may see the record it belongs to."""
    return can_view(upload, user)


def can_view(upload, user):
    check = VIEW_CHECKS.get(upload.object_type)
    return bool(check and user and user.is_authenticated and check(upload.object_id, user))


def path_of(upload):
    return os.path.join(current_app.config["UPLOAD_FOLDER"], upload.stored_name)

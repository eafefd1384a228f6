"""Checking and storing uploads (DESIGN §8: checked by content and size).

Images are decoded with Pillow (the declared type and extension are ignored),
re-encoded as JPEG or PNG at most 1600 px on the long side, which drops EXIF
metadata including the location.  PDFs (scans of signed forms) are accepted
when they start with the PDF signature and end with an EOF marker."""
import io
import os
import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors_domain import InvalidInput
from ..extensions import db
from .models import Upload

MAX_IMAGE_BYTES = 6 * 1024 * 1024
MAX_PDF_BYTES = 6 * 1024 * 1024
MAX_PIXELS = 40_000_000
LONG_SIDE = 1600

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


def _normalise_image(data):
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise InvalidInput(_l("This file is not a photo we can read. Use a JPEG or PNG "
                              "picture."))
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
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, stored_name), "wb") as fh:
        fh.write(data)
    upload = Upload(uploaded_by_id=getattr(actor, "id", None), object_type=object_type,
                    object_id=object_id, kind=kind, content_type=content_type,
                    original_name=(file_storage.filename or "")[:200], stored_name=stored_name,
                    size=len(data), width=size[0], height=size[1])
    db.session.add(upload)
    db.session.flush()
    return upload


def uploads_for(object_type, object_id):
    return db.session.scalars(db.select(Upload).where(
        Upload.object_type == object_type, Upload.object_id == object_id)
        .order_by(Upload.id)).all()


def can_view(upload, user):
    check = VIEW_CHECKS.get(upload.object_type)
    return bool(check and user and user.is_authenticated and check(upload.object_id, user))


def path_of(upload):
    return os.path.join(current_app.config["UPLOAD_FOLDER"], upload.stored_name)

"""Reading an uploaded CSV or XLSX file into rows, checked by content.

The file's name and declared type are ignored: an XLSX file is a zip archive
openpyxl can open; a CSV file is text (UTF-8, or GB18030 as saved by Chinese
Excel) without binary bytes.  Anything else is refused with a message."""
import contextlib
import csv
import io
import json
import os
import re
import secrets
import time
import warnings
import zipfile

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..errors_domain import InvalidInput
from ..uploads.services import storage_error

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NOT_A_SPREADSHEET = _l("This file is not a spreadsheet we can read. Upload a CSV file or an "
                       "Excel .xlsx file.")


def read_upload(file_storage):
    """The bytes of an uploaded file, refusing empty and too large files."""
    data = file_storage.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(_l("The file is larger than %(mb)d MB. Split it into smaller files.",
                              mb=MAX_BYTES // (1024 * 1024)), "file")
    if not data:
        raise InvalidInput(_l("The file is empty."), "file")
    return data


def read_rows(data):
    """``[(line_number, [cell, ...]), ...]`` for every non-empty row (the
    header included), at most MAX_ROWS + 1 data rows.  Cells are str, int,
    float or None."""
    if data.startswith(OLE_MAGIC):
        raise InvalidInput(_l("This is an old Excel (.xls) file. Save it as .xlsx or CSV and "
                              "upload it again."), "file")
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(_decode_text(data))
    result = []
    for line, cells in rows:
        if any(c not in (None, "") and str(c).strip() for c in cells):
            result.append((line, list(cells)))
            if len(result) > MAX_ROWS + 1:
                break
    return result


def _decode_text(data):
    if b"\x00" in data:
        raise InvalidInput(NOT_A_SPREADSHEET, "file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
            break
        return text
    raise InvalidInput(NOT_A_SPREADSHEET, "file")


def _csv_rows(text):
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = []
        start = 1
        for cells in reader:
            rows.append((start, [c.strip() for c in cells]))
            start = reader.line_num + 1
        return rows
    except csv.Error:
        raise InvalidInput(NOT_A_SPREADSHEET, "file")


def _xlsx_rows(data):
    # openpyxl warns about what it reads anyway: a cell styled as a date whose
    # number is no date (year 10000 and beyond) becomes "#VALUE!", which the
    # row checks then name with its line, like any other bad cell.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return _read_xlsx_rows(data)


def _read_xlsx_rows(data):
    from openpyxl import load_workbook
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, Exception):  # openpyxl also raises its own and XML errors
        raise InvalidInput(NOT_A_SPREADSHEET, "file")
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_xlsx_cell(c) for c in cells]))
            if len(rows) > MAX_ROWS + 50:
                break
        return rows
    except Exception:  # a damaged sheet inside a valid zip
        raise InvalidInput(NOT_A_SPREADSHEET, "file")
    finally:
        workbook.close()


def _xlsx_cell(value):
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value).strip()


def cell_text(value):
    """A cell as text: integral numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---- keeping the file between the dry run and the import -------------------

STASH_SECONDS = 2 * 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _stash_folder():
    folder = current_app.config.get("IMPORT_FOLDER") or os.path.join(
        current_app.config["UPLOAD_FOLDER"], "imports")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise storage_error(error, "file")
    return folder


def stash(data, *, user_id, compound_id, filename, create_buildings):
    """Keep the checked file server-side under a random token tied to the user
    and compound; returns the token.  Old stashes are swept."""
    folder = _stash_folder()
    now = time.time()
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if now - os.path.getmtime(path) > STASH_SECONDS:
            with contextlib.suppress(OSError):
                os.remove(path)
    token = secrets.token_urlsafe(24)
    meta = {"user_id": user_id, "compound_id": compound_id, "filename": filename[:200],
            "create_buildings": bool(create_buildings)}
    try:
        with open(os.path.join(folder, token + ".bin"), "wb") as fh:
            fh.write(data)
        with open(os.path.join(folder, token + ".json"), "w") as fh:
            json.dump(meta, fh)
    except OSError as error:  # storage full or read-only: nothing kept, say so
        drop_stash(token)
        raise storage_error(error, "file")
    return token


def unstash(token, *, user_id, compound_id):
    """``(data, meta)`` of a stash this user made for this compound, or None
    (unknown, expired, or someone else's token)."""
    if not TOKEN_RE.match(token or ""):
        return None
    base = os.path.join(_stash_folder(), token)
    try:
        if time.time() - os.path.getmtime(base + ".bin") > STASH_SECONDS:
            return None
        with open(base + ".json") as fh:
            meta = json.load(fh)
        if meta.get("user_id") != user_id or meta.get("compound_id") != compound_id:
            return None
        with open(base + ".bin", "rb") as fh:
            return fh.read(), meta
    except (OSError, ValueError):
        return None


def set_stash_option(token, create_buildings):
    """Change the building option of a stash (the secretary chose to create
    the buildings the dry run did not find)."""
    base = os.path.join(_stash_folder(), token)
    with open(base + ".json") as fh:
        meta = json.load(fh)
    meta["create_buildings"] = bool(create_buildings)
    try:
        with open(base + ".json.new", "w") as fh:
            json.dump(meta, fh)
        os.replace(base + ".json.new", base + ".json")
    except OSError:  # kept as it was; this request still uses the new choice
        with contextlib.suppress(OSError):
            os.remove(base + ".json.new")
    return meta


def drop_stash(token):
    if not TOKEN_RE.match(token or ""):
        return
    base = os.path.join(_stash_folder(), token)
    for path in (base + ".bin", base + ".json"):
        with contextlib.suppress(OSError):
            os.remove(path)

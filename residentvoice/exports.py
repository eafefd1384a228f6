"""Writing CSV and XLSX downloads: every export goes through here (issue 14 §13).

Each cell is written as the reader would say it (issue 17 §1, §3): a stored
moment (naive UTC) as Beijing time to the minute, an enum member as its
label and a flag as yes/no, in the language of the request (Chinese by
default, English for an English reader).  Headers and sheet names are the
callers' translated text.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or WPS as a formula (a ballot titled
``=HYPERLINK(…)`` became one): such text gets a leading apostrophe, as OWASP
advises for CSV injection, in CSV and XLSX alike.  Numbers stay numbers.
Characters an XLSX file cannot hold (C0 controls) are dropped rather than
failing the download."""
import csv
import enum
import io
from datetime import date, datetime

from flask import Response
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from .dates import SHANGHAI, shift

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Looked past before the check: "  =1+1" or "\x01=1+1" may still become a formula.
SKIPPED = " \n" + "".join(chr(c) for c in range(32) if chr(c) not in "\t\r") + "\x7f"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutral(value):
    """A cell value that no spreadsheet will run as a formula."""
    if isinstance(value, str) and value.lstrip(SKIPPED).startswith(FORMULA_START):
        return "'" + value
    return value


def local_time(moment):
    """A stored moment (naive UTC) as Beijing time to the minute: 2026-05-01 09:30."""
    if moment is None:
        return ""
    return shift(moment, SHANGHAI).strftime("%Y-%m-%d %H:%M")


def readable(value):
    """A cell as a person reads it: Beijing time, an enum's label, yes/no."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return str(value.value) if isinstance(value.value, (str, LazyString)) else value.name
    if isinstance(value, LazyString):
        return str(value)
    return value


def neutral_row(row):
    return [neutral(readable(value)) for value in row]


def _attachment(filename):
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def csv_response(rows, filename):
    """A UTF-8 CSV download (with a BOM, so Excel reads the Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(neutral_row(row))
    return Response(out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers=_attachment(filename))


def _xlsx_value(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    value = readable(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutral(value)


def sheet_title(title):
    """A translated sheet name as a workbook allows it: at most 31 characters,
    none of ``[]:*?/\\``."""
    text = str(title)
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    return text.strip()[:31] or "-"


def xlsx_response(sheets, filename):
    """An XLSX download of ``[(title, rows), ...]``, one sheet each (a title of
    None keeps the workbook's default name)."""
    from openpyxl import Workbook
    book = Workbook()
    for index, (title, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        if title:
            sheet.title = sheet_title(title)
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), mimetype=XLSX_MIMETYPE, headers=_attachment(filename))

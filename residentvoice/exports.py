"""Writing CSV and XLSX downloads: every export goes through here (issue 14 §13).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or WPS as a formula (a ballot titled
``=HYPERLINK(…)`` became one): such text gets a leading apostrophe, as OWASP
advises for CSV injection, in CSV and XLSX alike.  Numbers stay numbers.
Characters an XLSX file cannot hold (C0 controls) are dropped rather than
failing the download."""
import csv
import io

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Looked past before the check: "  =1+1" or "\x01=1+1" may still become a formula.
SKIPPED = " \n" + "".join(chr(c) for c in range(32) if chr(c) not in "\t\r") + "\x7f"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutral(value):
    """A cell value that no spreadsheet will run as a formula."""
    if isinstance(value, str) and value.lstrip(SKIPPED).startswith(FORMULA_START):
        return "'" + value
    return value


def neutral_row(row):
    return [neutral(value) for value in row]


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
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutral(value)


def xlsx_response(sheets, filename):
    """An XLSX download of ``[(title, rows), ...]``, one sheet each (a title of
    None keeps the workbook's default name)."""
    from openpyxl import Workbook
    book = Workbook()
    for index, (title, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        if title:
            sheet.title = title
        for row in rows:
            sheet.append([_xlsx_value(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), mimetype=XLSX_MIMETYPE, headers=_attachment(filename))

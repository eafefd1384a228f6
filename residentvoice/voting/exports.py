"""CSV and XLSX exports of results and (open ballots only) the voter list."""
import csv
import io

from flask import Response
from flask_babel import gettext as _

from ..directory.models import Household
from ..extensions import db
from .counting import percent, tally
from .models import Cast, Vote
from .presenters import option_label


def results_rows(ballot):
    result = tally(ballot)
    rows = [[_("Ballot"), ballot.title], [_("Rule"), result.rule],
            [_("Chain head"), ballot.chain_head or ballot.chain_tip], [],
            ["", _("Units"), _("Headcount"), _("Area (m²)")],
            [_("Electorate"), result.electorate.units, result.electorate.headcount,
             str(result.electorate.area_m2)],
            [_("Took part"), result.participation.units, result.participation.headcount,
             str(result.participation.area_m2)], [],
            [_("Threshold"), _("Figure"), _("Required"), _("Met")]]
    checks = list(result.participation_thresholds)
    for option in result.options:
        checks += [(option, t) for t in option.thresholds]
    for item in checks:
        option, t = item if isinstance(item, tuple) else (None, item)
        name = f"{option.label}: {t.label}" if option else str(t.label)
        rows.append([name, percent(t.part, t.whole), t.required_text,
                     _("yes") if t.met else _("no")])
    rows += [[], [_("Option"), _("Units"), _("Headcount"), _("Area (m²)"), _("Passed")]]
    for option in result.options:
        t = option.totals
        rows.append([option.label, t.units, t.headcount, str(t.area_m2),
                     (_("yes") if option.passed else _("no")) if option.judged else ""])
    rows += [[], [_("Result"), _("Passed") if result.passed else _("Not passed"),
                  result.explanation_text]]
    return rows


def voter_rows(ballot):
    """Who voted, how and what — open (non-secret) ballots only; callers check."""
    assert not ballot.secret
    query = (db.select(Household.code, Cast.channel, Cast.seq, Cast.serial, Cast.created_at,
                       Cast.option_id, Cast.voter_id)
             .select_from(Vote).join(Cast, Cast.id == Vote.cast_id)
             .join(Household, Household.id == Vote.household_id)
             .where(Vote.ballot_id == ballot.id).order_by(Household.code))
    labels = {o.id: option_label(o) for o in ballot.options}
    rows = [[_("Household"), _("Option"), _("Channel"), _("Record"), _("Serial"),
             _("Time (UTC)")]]
    for code, channel, seq, serial, created, option_id, _voter in db.session.execute(query):
        rows.append([code, labels.get(option_id, ""), str(channel.value), seq, serial or "",
                     created.strftime("%Y-%m-%d %H:%M")])
    return rows


def respond(rows, name, fmt):
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel reads UTF-8 CSV with a BOM
        csv.writer(out).writerows(rows)
        return Response(out.getvalue(), mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"'})
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), headers={
        "Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

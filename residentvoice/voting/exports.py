"""CSV and XLSX exports of the results and of who has voted."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..directory.labels import flat_label
from ..directory.models import Building, Household
from ..exports import csv_response as write_csv
from ..exports import xlsx_response as write_xlsx
from ..extensions import db
from .counting import RULE_LABELS, tally
from .models import BallotStatus, Cast, Vote
from .presenters import option_label

SHEET_TITLES = {"results": _l("Result"), "voters": _l("Who voted")}


def results_rows(ballot):
    result = tally(ballot)
    rows = [[_("Ballot"), ballot.title], [_("Rule"), RULE_LABELS[result.rule]],
            [_("Fingerprint of the votes and the count"), ballot.chain_head or ""], [],
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
        rows.append([name, t.figure, t.required_text, t.met])
    rows += [[], [_("Option"), _("Units"), _("Headcount"), _("Area (m²)"), _("Passed")]]
    for option in result.options:
        t = option.totals
        rows.append([option.label, t.units, t.headcount, str(t.area_m2),
                     option.passed if option.judged else ""])
    rows += [[], [_("Result"), _("Passed") if result.passed else _("Not passed"),
                  result.explanation_text]]
    return rows


def voter_rows(ballot):
    """Who has voted — the flat as people say it and its register code,
    channel, Beijing time — to follow up paper and proxy votes.  Never a
    choice or a count while the ballot is open, nor ever in a secret ballot;
    once an open (non-secret) ballot has closed, each household's choice and
    record too (issue 14.8)."""
    from ..auth.models import User
    choices = ballot.status in (BallotStatus.closed, BallotStatus.published) \
        and not ballot.secret
    query = (db.select(Building.number, Household.unit, Household.code, User.name,
                       Vote.channel, Cast.created_at, Cast.seq, Cast.serial, Vote.option_id)
             .select_from(Vote).join(Household, Household.id == Vote.household_id)
             .join(Building, Building.id == Household.building_id)
             .outerjoin(Cast, Cast.id == Vote.cast_id)
             .outerjoin(User, User.id == Vote.one_per_person)
             .where(Vote.ballot_id == ballot.id).order_by(Household.code, User.name))
    labels = {o.id: option_label(o) for o in ballot.options}
    header = [_("Household"), _("Household code")] + (
        [_("Resident")] if ballot.per_person else []) + [_("Channel"), _("Time (Beijing)")]
    if choices:
        header += [_("Option"), _("Record no."), _("Serial")]
    rows = [header]
    for number, unit, code, name, channel, created, seq, serial, option_id in \
            db.session.execute(query):
        row = [flat_label(number, unit), code] + ([name or ""] if ballot.per_person else []) + [
            channel, created]
        if choices:
            row += [labels.get(option_id, ""), seq or "", serial or ""]
        rows.append(row)
    return rows


def respond(rows, name, fmt):
    """Written by the shared writers, which neutralise formulas in every cell
    and write times, labels and yes/no in the reader's language."""
    if fmt == "csv":
        return write_csv(rows, f"{name}.csv")
    return write_xlsx([(SHEET_TITLES.get(name.rsplit("-", 1)[-1], _l("Ballot")), rows)],
                      f"{name}.xlsx")

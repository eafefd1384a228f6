"""The count (计票): exact thresholds of DESIGN §4 over SQL aggregates.

``judge`` is pure: it takes integer totals and returns the result with one
line per threshold.  ``tally`` feeds it from one statement over the frozen
electorate and its votes, grouped by owner so an owner of several units
counts once in the headcount while every unit's area counts in full (see
``counted_by_owner``); the definitions it must agree with are
``electorate_totals`` and ``vote_totals`` (``COUNT(DISTINCT owner_key)``).
Areas are integers in 0.01 m²; no floats anywhere.

Once a ballot has closed, ``tally`` reads the count sealed into the chain at
closing (``sealed_totals``, ``totals_text``): a closed secret ballot no longer
links its units to their choices, so it could not be counted again."""
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..percent import percent_text
from .models import (QUALIFIED_MATTERS, BallotStatus, Basis, Checkpoint, ElectoratePerson,
                     ElectorateUnit, Vote)

TWO_THIRDS = Fraction(2, 3)
THREE_QUARTERS = Fraction(3, 4)
HALF = Fraction(1, 2)


@dataclass(frozen=True)
class Totals:
    units: int = 0
    headcount: int = 0
    area_centi: int = 0

    @property
    def area_m2(self):
        return Decimal(self.area_centi).scaleb(-2)


@dataclass
class Threshold:
    """One test: ``reached`` = part / whole against ``required`` (inclusive ≥ or strict >)."""
    name: str
    measure: str          # "area" | "headcount" | "votes"
    part: int
    whole: int
    required: Fraction
    inclusive: bool
    met: bool
    explanation: tuple = ()

    @property
    def reached(self):
        return Fraction(self.part, self.whole) if self.whole else Fraction(0)

    @property
    def label(self):
        return THRESHOLD_LABELS[self.name]

    @property
    def text(self):
        """The one-line explanation in the reader's language."""
        message, params = self.explanation
        return str(message) % params

    @property
    def figure(self):
        """The share reached, as every page and export shows it (towards the verdict)."""
        return percent(self.part, self.whole, up=self.met)

    @property
    def required_text(self):
        return f"{self.required.numerator}/{self.required.denominator}"


@dataclass
class OptionResult:
    id: int
    label: str
    kind: str
    ref: tuple | None
    totals: Totals
    judged: bool
    passed: bool = False
    thresholds: list = field(default_factory=list)


@dataclass
class Result:
    rule: str
    electorate: Totals
    participation: Totals
    participation_met: bool
    participation_thresholds: list
    options: list
    passed: bool
    explanation: str

    @property
    def passed_options(self):
        return [o for o in self.options if o.passed]

    @property
    def explanation_text(self):
        """One line: why it passed, or which threshold each option missed."""
        text = str(self.explanation) % {
            "options": "、".join(o.label for o in self.passed_options)}
        if self.passed or not self.participation_met:
            return text
        missed = [str(_l("%(option)s — %(threshold)s: %(detail)s", option=o.label,
                         threshold=t.label, detail=t.text))
                  for o in self.options for t in o.thresholds if not t.met][:3]
        return " ".join([text, *missed])


RULE_LABELS = {
    "owners_three_quarters": _l("Owners: at least 2/3 take part; at least 3/4 of the "
                                "participating area and owners agree"),
    "owners_majority": _l("Owners: at least 2/3 take part; more than half of the "
                          "participating area and owners agree"),
    "residents_majority": _l("Residents: more than half take part; more than half of the "
                             "votes cast agree"),
}


def rule_name(basis, matter):
    """A stable name of the pass rule, as the API reports it."""
    if basis is Basis.residents:
        return "residents_majority"
    return "owners_three_quarters" if matter in QUALIFIED_MATTERS else "owners_majority"


THRESHOLD_LABELS = {
    "participation_area": _l("Participation by area"),
    "participation_headcount": _l("Participation by owner headcount"),
    "quorum": _l("Turnout of the electorate"),
    "agreed_area": _l("Agreement by participating area"),
    "agreed_headcount": _l("Agreement by participating headcount"),
    "agreed_votes": _l("Votes for, of the votes cast"),
}


def percent(part, whole, up=None):
    """``part/whole`` as a percentage to 0.01 (display only), by the one rule
    of ``residentvoice.percent``: towards the verdict with ``up`` (True: a
    threshold met, False: missed), else to the nearest."""
    return percent_text(part, whole, 2, towards=up)


def _test(name, measure, part, whole, required, inclusive):
    """part/whole ≥ required (inclusive) or > required (strict), in integers."""
    if whole <= 0:
        met = False
    else:
        lhs, rhs = part * required.denominator, whole * required.numerator
        met = lhs >= rhs if inclusive else lhs > rhs
    return Threshold(name, measure, part, whole, required, inclusive, met,
                     _explain(measure, part, whole, required, inclusive, met))


def _explain(measure, part, whole, required, inclusive, met):
    pct = percent(part, whole, up=met)      # = Threshold.figure
    params = {"need": f"{required.numerator}/{required.denominator}", "pct": pct}
    if inclusive:
        text = (_l("Reached %(pct)s, at least %(need)s needed: met.") if met
                else _l("Reached %(pct)s, at least %(need)s needed: not met."))
    else:
        text = (_l("Reached %(pct)s, more than %(need)s needed: met.") if met
                else _l("Reached %(pct)s, more than %(need)s needed: not met."))
    return text, params


def judge(basis, matter, electorate, participation, options):
    """Apply DESIGN §4 to totals.

    Owners (Civil Code art. 278): participation needs ≥ 2/3 of the area AND
    ≥ 2/3 of the headcount; matters (6)(7)(8) pass with ≥ 3/4 of the
    participating area AND headcount, all others with more than 1/2 of each
    (art. 1259: 以上 is inclusive, "more than half" strict).  Abstentions took
    part but did not agree.  Residents: a majority of the electorate must take
    part, and an option passes with a majority of the votes cast; a tie fails.
    ``options`` is a list of ``OptionResult`` with totals filled in; each
    judged option (agree or an alternative) is tested against the same
    thresholds."""
    rule = rule_name(basis, matter)
    if basis is Basis.owners:
        checks = [
            _test("participation_area", "area", participation.area_centi,
                  electorate.area_centi, TWO_THIRDS, True),
            _test("participation_headcount", "headcount", participation.headcount,
                  electorate.headcount, TWO_THIRDS, True),
        ]
        required, inclusive = ((THREE_QUARTERS, True) if matter in QUALIFIED_MATTERS
                               else (HALF, False))
    else:
        checks = [_test("quorum", "votes", participation.headcount, electorate.headcount,
                        HALF, False)]
        required, inclusive = HALF, False
    quorum = all(c.met for c in checks)
    for option in options:
        if not option.judged:
            continue
        if basis is Basis.owners:
            option.thresholds = [
                _test("agreed_area", "area", option.totals.area_centi,
                      participation.area_centi, required, inclusive),
                _test("agreed_headcount", "headcount", option.totals.headcount,
                      participation.headcount, required, inclusive)]
        else:
            option.thresholds = [_test("agreed_votes", "votes", option.totals.headcount,
                                       participation.headcount, required, inclusive)]
        option.passed = quorum and all(t.met for t in option.thresholds)
    passed = any(o.passed for o in options)
    if not quorum:
        explanation = (_l("Not enough owners took part, so nothing was decided.")
                       if basis is Basis.owners
                       else _l("No more than half of the electorate took part, so "
                               "nothing was decided."))
    elif passed:
        explanation = _l("Passed: %(options)s.")
    else:
        explanation = _l("No option reached the required majority.")
    return Result(rule, electorate, participation, quorum, checks, options, passed,
                  explanation)


def _totals(row):
    units, heads, area = row
    return Totals(int(units or 0), int(heads or 0), int(area or 0))


def electorate_totals(ballot):
    if ballot.per_person:
        row = db.session.execute(db.select(
            db.func.count(ElectoratePerson.id), db.func.count(ElectoratePerson.id),
            db.literal(0)).where(ElectoratePerson.ballot_id == ballot.id)).one()
        return _totals(row)
    row = db.session.execute(db.select(
        db.func.count(ElectorateUnit.id), db.func.count(db.distinct(ElectorateUnit.owner_key)),
        db.func.coalesce(db.func.sum(ElectorateUnit.area_centi), 0))
        .where(ElectorateUnit.ballot_id == ballot.id)).one()
    return _totals(row)


def _votes_joined(ballot):
    """The ballot's votes with their frozen units (units' ballots)."""
    return (db.select().select_from(Vote).join(ElectorateUnit, db.and_(
        ElectorateUnit.ballot_id == Vote.ballot_id,
        ElectorateUnit.household_id == Vote.household_id))
        .where(Vote.ballot_id == ballot.id))


def _vote_aggregates(ballot):
    if ballot.per_person:
        count = db.func.count(Vote.id)
        return count, count, db.literal(0)
    return (db.func.count(Vote.id), db.func.count(db.distinct(ElectorateUnit.owner_key)),
            db.func.coalesce(db.func.sum(ElectorateUnit.area_centi), 0))


def participation_totals(ballot):
    """Units, headcount and area that have voted so far, in one aggregate
    query (nothing per option: the ballot page shows turnout only)."""
    if ballot.per_person:
        query = db.select(*_vote_aggregates(ballot)).where(Vote.ballot_id == ballot.id)
    else:
        query = _votes_joined(ballot).add_columns(*_vote_aggregates(ballot))
    return _totals(db.session.execute(query).one())


def vote_totals(ballot):
    """(participation totals, {option_id: totals}) from two aggregate queries."""
    part = participation_totals(ballot)
    aggregates = _vote_aggregates(ballot)
    if ballot.per_person:
        rows = db.session.execute(db.select(Vote.option_id, *aggregates)
                                  .where(Vote.ballot_id == ballot.id)
                                  .group_by(Vote.option_id)).all()
    else:
        rows = db.session.execute(_votes_joined(ballot).add_columns(Vote.option_id, *aggregates)
                                  .group_by(Vote.option_id)).all()
    return part, {r[0]: _totals(r[1:]) for r in rows}


def _by_owner_statement(ballot_id):
    """Per owner (``owner_key``): the lowest and highest option its
    units voted, its units, its voted units and its area; then per (lowest,
    highest) pair: owners, units, voted units, area.  A vote is the unit's by
    ``one_per_household``, the column the one-vote-per-household constraint holds."""
    unit = ElectorateUnit
    per_owner = (db.select(db.func.min(Vote.option_id).label("lo"),
                           db.func.max(Vote.option_id).label("hi"),
                           db.func.count().label("units"),
                           db.func.count(Vote.option_id).label("voted"),
                           db.func.sum(unit.area_centi).label("area"))
                 .select_from(unit)
                 .outerjoin(Vote, db.and_(Vote.ballot_id == unit.ballot_id,
                                          Vote.one_per_household == unit.household_id))
                 .where(unit.ballot_id == ballot_id)
                 .group_by(unit.owner_key).subquery())
    o = per_owner.c
    return (db.select(o.lo, o.hi, db.func.count(), db.func.sum(o.units), db.func.sum(o.voted),
                      db.func.sum(o.area))
            .group_by(o.lo, o.hi))


def counted_by_owner(ballot):
    """(electorate, participation, {option_id: totals}) of a ballot counted per
    unit, from one statement that reads each electorate row and its vote once.

    Casting records one vote for all of an owner's units (one owner, one
    voice), so each owner voted one option with all its units or did not vote:
    then an owner is one head of its option, and of the participation.  The
    statement shows whether that holds (lowest = highest option, every unit
    voted); if any owner's units voted apart — never by casting.py — this
    returns None and the caller counts with ``COUNT(DISTINCT …)`` instead."""
    electorate, participation, by_option = [0, 0, 0], [0, 0, 0], {}
    for lo, hi, owners, units, voted, area in db.session.execute(
            _by_owner_statement(ballot.id)):
        owners, units, voted, area = int(owners), int(units), int(voted or 0), int(area or 0)
        electorate = [electorate[0] + units, electorate[1] + owners, electorate[2] + area]
        if lo is None:
            continue
        if lo != hi or voted != units:
            return None
        participation = [participation[0] + units, participation[1] + owners,
                         participation[2] + area]
        by_option[lo] = Totals(units, owners, area)
    return Totals(*electorate), Totals(*participation), by_option


def count(ballot):
    """(electorate, participation, {option_id: totals}) counted now from the
    votes and the frozen electorate."""
    counted = None if ballot.per_person else counted_by_owner(ballot)
    if counted is None:
        return (electorate_totals(ballot), *vote_totals(ballot))
    return counted


# ---- the count sealed into the chain when the ballot closes -------------------

def totals_text(electorate, participation, by_option, option_ids):
    """The count as the text the closing seal hashes (``chain.seal_hash``):
    ``e=`` electorate, ``p=`` participation, then each option by id — units,
    headcount, area in 0.01 m²."""
    def figures(t):
        return f"{t.units},{t.headcount},{t.area_centi}"
    return ";".join([f"e={figures(electorate)}", f"p={figures(participation)}",
                     *(f"{i}={figures(by_option.get(i, Totals()))}" for i in sorted(option_ids))])


def parse_totals(text):
    """``totals_text`` read back: (electorate, participation, {option_id: totals}),
    or None if the text is not in that form."""
    try:
        values = {}
        for part in (text or "").split(";"):
            key, figures = part.split("=")
            values[key] = Totals(*(int(f) for f in figures.split(",")))
        electorate, participation = values.pop("e"), values.pop("p")
        return electorate, participation, {int(k): v for k, v in values.items()}
    except (ValueError, KeyError, TypeError):
        return None


def sealed_totals(ballot):
    """The count sealed when the ballot closed (None while it is open, for a
    ballot of the first chain version, or if the sealed text is unreadable —
    ``flask ballots verify`` says so)."""
    if ballot.status not in (BallotStatus.closed, BallotStatus.published) \
            or ballot.chain_version < 2:
        return None
    text = db.session.scalar(db.select(Checkpoint.totals).where(
        Checkpoint.ballot_id == ballot.id, Checkpoint.kind == "close")
        .order_by(Checkpoint.id.desc()).limit(1))
    return parse_totals(text)


def tally(ballot):
    """The result of ``ballot``: once it has closed the count sealed then (in a
    secret ballot no row links a unit to its choice any more), before that the
    count of its votes and frozen electorate."""
    electorate, participation, by_option = sealed_totals(ballot) or count(ballot)
    options = [OptionResult(o.id, o.label, o.kind.name, o.ref, by_option.get(o.id, Totals()),
                            o.judged) for o in ballot.options]
    return judge(ballot.basis, ballot.matter, electorate, participation, options)

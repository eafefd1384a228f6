"""What the voting pages show: a user's households in a ballot, the result
figures and the server-rendered bar chart (readable without colour)."""
from dataclasses import dataclass

from flask_babel import gettext as _

from ..directory.models import Household
from ..extensions import db
from .casting import describe_vote, may_vote_for
from .counting import percent
from .models import BallotStatus, ElectorateUnit, OptionKind, Vote
from .services import scope_households

DEFAULT_LABELS = {"同意": OptionKind.agree, "反对": OptionKind.against,
                  "弃权": OptionKind.abstain}


def option_label(option):
    """Default options read in the reader's language; others as written."""
    if DEFAULT_LABELS.get(option.label) is option.kind:
        return str(option.kind.value)
    return option.label


@dataclass
class HouseholdStatus:
    household: object
    eligible: bool
    vote: object = None
    who: str | None = None
    option: str | None = None


def my_households(ballot, user):
    """The user's households in the ballot, whether they may vote and any vote."""
    roles = [r for r in user.resident_roles() if r.household.compound_id == ballot.compound_id]
    if not roles:
        return []
    ids = [r.household_id for r in roles]
    if ballot.status in (BallotStatus.draft, BallotStatus.announced):
        scoped = set(db.session.scalars(scope_households(ballot).where(
            Household.id.in_(ids))))
    else:
        scoped = set(db.session.scalars(db.select(ElectorateUnit.household_id).where(
            ElectorateUnit.ballot_id == ballot.id, ElectorateUnit.household_id.in_(ids))))
    query = db.select(Vote).where(Vote.ballot_id == ballot.id)
    if ballot.per_person:
        query = query.where(Vote.one_per_person == user.id)
    else:
        query = query.where(Vote.household_id.in_(ids))
    votes = {v.household_id: v for v in db.session.scalars(query)}
    result = []
    for role in sorted(roles, key=lambda r: r.household.code):
        h = role.household
        if h.id not in scoped:
            continue
        vote = votes.get(h.id)
        status = HouseholdStatus(h, may_vote_for(user, ballot, h), vote)
        if vote is not None and not ballot.secret:
            status.who = describe_vote(ballot, vote)
            status.option = option_label(vote.cast.option)
        result.append(status)
    return result


@dataclass
class Bar:
    label: str
    y: int
    area_width: int
    head_width: int
    area_text: str
    head_text: str
    passed: bool


CHART_WIDTH = 300   # px of the 100 % bar, inside a 360-px-wide viewBox


def chart(ballot, result):
    """Bars per option: share of the participating area and headcount, with the
    required threshold as a dashed line.  Every bar carries its figures as text."""
    part = result.participation
    bars, y = [], 8
    for option in result.options:
        area = option.totals.area_centi if ballot.is_owners else option.totals.headcount
        whole_area = part.area_centi if ballot.is_owners else part.headcount
        # rounded like the option's thresholds, so the bar and the line agree
        met = [t.met for t in option.thresholds] + [False, False]
        bars.append(Bar(
            label=option.label, y=y,
            area_width=_width(area, whole_area), head_width=_width(option.totals.headcount,
                                                                  part.headcount),
            area_text=percent(area, whole_area, up=met[0]),
            head_text=percent(option.totals.headcount, part.headcount,
                              up=met[1] if ballot.is_owners else met[0]),
            passed=option.passed))
        y += 74
    judged = next((o for o in result.options if o.thresholds), None)
    threshold_x = None
    if judged:
        required = judged.thresholds[0].required
        threshold_x = 10 + CHART_WIDTH * required.numerator // required.denominator
    return {"bars": bars, "height": y + 4, "threshold_x": threshold_x,
            "owners": ballot.is_owners, "width": CHART_WIDTH}


def _width(part, whole):
    return CHART_WIDTH * part // whole if whole else 0


def result_rows(ballot, result):
    """Rows of the result table (and the exports)."""
    rows = []
    for option in result.options:
        t = option.totals
        rows.append({"id": option.id, "label": option.label, "units": t.units,
                     "headcount": t.headcount, "area_m2": t.area_m2,
                     "passed": option.passed, "judged": option.judged,
                     "thresholds": option.thresholds})
    return rows


def passed_text(result):
    return _("Passed") if result.passed else _("Not passed")

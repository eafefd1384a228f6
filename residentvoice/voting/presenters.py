"""What the voting pages show: a user's households in a ballot, the result
figures and the server-rendered bar chart (readable without colour)."""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..directory.models import Household, OwnerLink
from ..extensions import db
from ..directory.owner_links import acting_compounds, links_of_user
from .casting import UNCONFIRMED_OWNER, describe_vote, may_vote_for, owners_refusal
from .counting import percent
from .models import (QUALIFIED_MATTERS, Ballot, BallotStatus, Basis, ElectorateUnit, OptionKind,
                     Vote)
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
    """One card of the ballot page: a household of the user's, or (owners'
    ballots) a registered owner the user acts for, covering its units."""
    household: object
    eligible: bool
    vote: object = None
    who: str | None = None
    option: str | None = None
    owner: object = None        # owners' ballots: the registered owner voted for
    capacity: object = None     # ... and in what capacity (directory.LinkCapacity)
    units: int = 1
    area: Decimal | None = None
    resident: bool = True       # the household is one the user lives in
    reason: str | None = None   # why the user may not vote (yet), and what to do
    unconfirmed: bool = False   # declared owner, not (yet) linked by the office


def _scoped(ballot, ids):
    if ballot.status in (BallotStatus.draft, BallotStatus.announced):
        return set(db.session.scalars(scope_households(ballot).where(Household.id.in_(ids))))
    return set(db.session.scalars(db.select(ElectorateUnit.household_id).where(
        ElectorateUnit.ballot_id == ballot.id, ElectorateUnit.household_id.in_(ids))))


def _owner_units(ballot, owner_ids):
    """{owner id: [(household, area)]} of the ballot's units held by these owners
    (the electorate frozen at opening; before opening, the register now), the
    households with their buildings (the cards name each flat)."""
    if not owner_ids:
        return {}
    building = joinedload(Household.building)
    if ballot.rules_locked:
        rows = db.session.execute(
            db.select(ElectorateUnit.owner_id, Household, ElectorateUnit.area_centi)
            .join(Household, Household.id == ElectorateUnit.household_id)
            .where(ElectorateUnit.ballot_id == ballot.id,
                   ElectorateUnit.owner_id.in_(owner_ids)).options(building)).all()
        rows = [(o, h, Decimal(a).scaleb(-2)) for o, h, a in rows]
    else:
        rows = [(h.owner_id, h, h.area_m2) for h in db.session.scalars(
            db.select(Household).where(Household.id.in_(scope_households(ballot)),
                                       Household.owner_id.in_(owner_ids)).options(building))]
    units = {}
    for owner_id, household, area in rows:
        units.setdefault(owner_id, []).append((household, area))
    return units


def home_ballots(user):
    """For the home page: the open and announced ballots of the user's
    households' compounds — and the owners' ballots where they act for a
    registered owner (an institution's representative need not live there) —
    soonest closing first, and the ids of those a household or owner they
    vote for has voted in: ``{"ballots", "voted"}``, or None when there are
    none.  Two statements (the compounds where they act, as a subquery)."""
    homes = user.compound_ids()
    ballots = db.session.scalars(db.select(Ballot).where(
        db.or_(Ballot.compound_id.in_(homes or {-1}),
               db.and_(Ballot.compound_id.in_(acting_compounds(user)),
                       Ballot.basis == Basis.owners)),
        Ballot.status.in_([BallotStatus.open, BallotStatus.announced]))
        .order_by(Ballot.closes_at)).all()
    if not ballots:
        return None
    owned = db.select(Household.id).join(OwnerLink, OwnerLink.owner_id == Household.owner_id) \
        .where(OwnerLink.user_id == user.id)
    voted = set(db.session.scalars(db.select(Vote.ballot_id).where(
        Vote.ballot_id.in_([b.id for b in ballots]),
        db.or_(Vote.household_id.in_(user.household_ids()), Vote.one_per_person == user.id,
               Vote.household_id.in_(owned)))))
    return {"ballots": ballots, "voted": voted}


def my_households(ballot, user):
    """The cards of the user's ballot page: whether they may vote and any vote.

    Residents' ballots: one card per household of the user's.  Owners'
    ballots: one card per registered owner the community office linked the
    user to (their own flat, an owner they are agent for, an institution they
    represent) covering all its units, then the user's other households with
    the reason they cannot vote there — above all a declared but unconfirmed
    owner, who is told how to be confirmed."""
    roles = [r for r in user.resident_roles() if r.household.compound_id == ballot.compound_id]
    links = links_of_user(user, ballot.compound_id) if ballot.is_owners else []
    if not roles and not links:
        return []
    ids = [r.household_id for r in roles]
    scoped = _scoped(ballot, ids) if ids else set()
    cards = []
    covered = set()
    if links:
        units = _owner_units(ballot, [link.owner_id for link in links])
        for link in links:
            held = units.get(link.owner_id)
            if not held:
                continue
            mine = [h for h, _a in held if h.id in scoped]
            household = min(mine or [h for h, _a in held], key=lambda h: h.code)
            covered |= {h.id for h, _a in held}
            cards.append(HouseholdStatus(
                household, True, owner=link.owner, capacity=link.capacity, units=len(held),
                area=sum((a for _h, a in held), Decimal(0)), resident=bool(mine)))
    for role in sorted(roles, key=lambda r: r.household.code):
        h = role.household
        if h.id not in scoped or h.id in covered:
            continue
        eligible = may_vote_for(user, ballot, h)
        card = HouseholdStatus(h, eligible)
        if ballot.is_owners and not eligible:
            card.reason = owners_refusal(user, ballot, h)
            card.unconfirmed = card.reason is UNCONFIRMED_OWNER
        cards.append(card)
    query = db.select(Vote).where(Vote.ballot_id == ballot.id)
    if ballot.per_person:
        query = query.where(Vote.one_per_person == user.id)
    else:
        query = query.where(Vote.household_id.in_([c.household.id for c in cards]))
    votes = {v.household_id: v for v in db.session.scalars(query)}
    for card in cards:
        card.vote = votes.get(card.household.id)
        if card.vote is not None and not ballot.secret:
            card.who = describe_vote(ballot, card.vote)
            card.option = option_label(card.vote.cast.option)
    return cards


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


def rule_text(ballot):
    """The pass rule in one sentence, as the printed notice states it (DESIGN §4)."""
    if not ballot.is_owners:
        return _("More than half of the electorate must take part; an option passes with more "
                 "than half of the votes cast, and a tie fails.")
    if ballot.matter in QUALIFIED_MATTERS:
        return _("Owners holding at least 2/3 of the total exclusive area and at least 2/3 of "
                 "all owners must take part; it passes with at least 3/4 of the participating "
                 "area and at least 3/4 of the participating owners (Civil Code art. 278).")
    return _("Owners holding at least 2/3 of the total exclusive area and at least 2/3 of all "
             "owners must take part; it passes with more than half of the participating area "
             "and more than half of the participating owners (Civil Code art. 278).")

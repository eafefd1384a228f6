"""Demo ballots (DESIGN §7): 长青园's closed owners' ballot on charging piles,
whose result shows the art. 278 headcount rule at work (the institutions count
once each), and in every compound an open ballot each demo account can vote in
(issue 17 §11): an owners' ballot for the owners and the institutions'
representatives, a residents' consultation for a tenant and for an owner the
office has not confirmed yet.  Repeated for every compound copy of
``flask demo --scale N``."""
from datetime import timedelta
from fractions import Fraction

from ..demo import demo_loader
from ..auth.models import RoleAssignment, User
from ..directory.models import Household, Owner, OwnerLink
from ..extensions import db
from ..models import utcnow
from .casting import _store
from .models import Ballot, Channel, ElectorateUnit
from .paper import new_paper_ballot
from .services import announce, close_ballot, create_ballot, open_ballot, publish

CHARGING = "在22号楼北侧腾退空间建设电动自行车充电桩"
TRASH = "垃圾桶站设在哪里：3号楼西侧还是东门内"
LIGHTING = "楼道照明改造方案意见征集"
BIKE_SHED = "24号楼南侧腾退空间建设自行车棚"
PARKING = "雨污分流施工期间院内临时停车安排意见征集"
ROOF = "使用专项维修资金更换2号楼屋面防水层"
# Their households (and the owners they act for) are left unvoted in the open ballots.
DEMO_ACCOUNTS = ("13800000001", "13800000002", "13800000003", "13800000004",
                 "13500000001", "13500000002", "13500000003")
DEMO_SECRETARIES = {"CQY": "13900000003", "DSST34": "13900000001", "BGT2": "13900000002"}


def _compounds(ctx, code):
    return [c for c in ctx.compounds() if c.code == code or c.code.startswith(code + "-S")]


def _exists(compound, title):
    return db.session.scalar(db.select(Ballot.id).where(
        Ballot.compound_id == compound.id, Ballot.title == title)) is not None


def _owner_groups(ballot):
    """{owner_key: {"units": [household ids], "user": the account the office
    linked to the owner (its first) or None, "institution": bool}} in a
    stable order."""
    linked = (db.select(OwnerLink.owner_id, db.func.min(OwnerLink.user_id).label("user_id"))
              .group_by(OwnerLink.owner_id).subquery())
    rows = db.session.execute(
        db.select(ElectorateUnit.owner_key, ElectorateUnit.household_id, linked.c.user_id,
                  Owner.kind)
        .outerjoin(Owner, Owner.id == ElectorateUnit.owner_id)
        .outerjoin(linked, linked.c.owner_id == ElectorateUnit.owner_id)
        .where(ElectorateUnit.ballot_id == ballot.id)
        .order_by(ElectorateUnit.household_id)).all()
    groups = {}
    for key, household_id, user_id, kind in rows:
        group = groups.setdefault(key, {"units": [], "user": user_id,
                                        "institution": kind is not None
                                        and kind.name == "institution"})
        group["units"].append(household_id)
    return groups


def _cast(ballot, household_id, option, n, when, secretary, user_id=None):
    """A vote by phone, or a paper ballot printed for the household (its serial
    issued as printing issues it) and entered back."""
    if user_id:
        return _store(ballot, household_id, option, Channel.phone, now=when, voter_id=user_id)
    paper = new_paper_ballot(secretary, ballot, household_id, now=when)
    return _store(ballot, household_id, option, Channel.paper, now=when,
                  entered_by_id=secretary.id if secretary else None,
                  serial=paper.serial, witness="居委会监票员")


def _charging_ballot(ctx, compound, secretary):
    now = utcnow()
    ballot = create_ballot(
        secretary, compound, title=CHARGING, basis="owners", matter="common_parts_use",
        description="拆除违建腾出约60平方米空间。方案：建设20个电动自行车充电口及防雨棚，"
                    "费用由改造资金列支，运营收益用于小区公共维修。",
        options=[], announced_at=now - timedelta(days=40), opens_at=now - timedelta(days=24),
        closes_at=now - timedelta(days=10))
    announce(secretary, ballot, now=ballot.announced_at)
    open_ballot(secretary, ballot, now=ballot.opens_at)
    agree, against, abstain = ballot.options
    groups = _owner_groups(ballot)
    institutions = [g for g in groups.values() if g["institution"]]
    persons = [g for g in groups.values() if not g["institution"]]
    # About four in five person owners take part; all three institutions agree.
    taking_part = persons[:len(persons) * 4 // 5]
    part_heads = len(institutions) + len(taking_part)
    # As many person owners agree as keeps the owner headcount just under 3/4:
    # counted per household the agreement would reach 3/4, counted by art. 278
    # (each institution once) it does not.
    agreeing = max(a for a in range(len(taking_part) + 1)
                   if Fraction(len(institutions) + a, part_heads) < Fraction(3, 4))
    when = ballot.opens_at + timedelta(hours=2)
    n = 0
    for group in institutions:      # by phone, through their representatives
        n += 1
        _cast(ballot, group["units"][0], agree, n, when, secretary, group["user"])
    for i, group in enumerate(taking_part):
        n += 1
        option = agree if i < agreeing else (abstain if i % 7 == 0 else against)
        _cast(ballot, group["units"][0], option, n, when + timedelta(minutes=i), secretary,
              group["user"])
    close_ballot(secretary, ballot, now=ballot.closes_at)
    publish(secretary, ballot, now=ballot.closes_at + timedelta(days=1))


def _demo_households(phones):
    """Households the demo accounts live in or vote for as an owner's link."""
    users = db.select(User.id).where(User.phone.in_(phones))
    lived = db.select(RoleAssignment.household_id).where(
        RoleAssignment.user_id.in_(users), RoleAssignment.household_id.isnot(None))
    owned = db.select(Household.id).join(OwnerLink, OwnerLink.owner_id == Household.owner_id) \
        .where(OwnerLink.user_id.in_(users))
    return set(db.session.scalars(lived.union(owned)))


def _open_ballot(ctx, compound, secretary, title, basis, matter, options, share, skip_phones):
    now = utcnow()
    ballot = create_ballot(
        secretary, compound, title=title, basis=basis, matter=matter, options=options,
        description="请各位居民在截止前投票。纸质票由居委会入户收集并当场录入。",
        announced_at=now - timedelta(days=20), opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=11), allow_change=basis == "residents")
    announce(secretary, ballot, now=ballot.announced_at)
    open_ballot(secretary, ballot, now=ballot.opens_at)
    skip = _demo_households(skip_phones)
    groups = [g for g in _owner_groups(ballot).values() if not set(g["units"]) & skip]
    when = ballot.opens_at + timedelta(hours=1)
    for i, group in enumerate(groups[:int(len(groups) * share)]):
        option = ballot.options[(i * 7) % len(ballot.options)]
        _cast(ballot, group["units"][0], option, i + 1, when + timedelta(minutes=i),
              secretary, group["user"] if basis == "owners" else None)


def _actor(ctx, code, compound):
    """The demo secretary where they serve; copies made by --scale have none."""
    secretary = ctx.user(DEMO_SECRETARIES[code])
    return secretary if secretary and compound.can_manage(secretary) else None


@demo_loader(60)
def load_ballots(ctx):
    for compound in _compounds(ctx, "CQY"):
        if not _exists(compound, CHARGING):
            _charging_ballot(ctx, compound, _actor(ctx, "CQY", compound))
    for code, title, basis, matter, options, share in OPEN_BALLOTS:
        for compound in _compounds(ctx, code):
            if not _exists(compound, title):
                _open_ballot(ctx, compound, _actor(ctx, code, compound), title, basis, matter,
                             options, share, DEMO_ACCOUNTS)
    db.session.flush()


OPEN_BALLOTS = [
    # compound, title, basis, matter, options, share of the electorate voted already
    ("DSST34", TRASH, "owners", "common_parts_use", ["3号楼西侧", "东门内", "弃权"], 0.4),
    ("BGT2", LIGHTING, "residents", "consultative", ["方案一：声控灯", "方案二：感应灯带", "弃权"],
     0.35),
    ("BGT2", ROOF, "owners", "use_fund", [], 0.3),
    ("CQY", BIKE_SHED, "owners", "common_parts_use", [], 0.3),
    ("CQY", PARKING, "residents", "consultative",
     ["院内单侧停车", "临时借用东侧空地停车", "弃权"], 0.25),
]

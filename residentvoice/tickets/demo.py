"""Demo tickets (DESIGN §7): the vibrating relocated air conditioner in
东四十条甲34号院 plus a spread of tickets across compounds, categories and
states (some overdue, some reopened, some rated) in every compound, routing
rules per compound and the default service levels.  Idempotent; tickets
multiply with the compounds ``flask demo --scale N`` creates.  The municipal pipe company gets a staff account (13700000003)."""
import random
from datetime import timedelta

from ..auth.models import RoleAssignment, RoleKind, User
from ..demo import demo_loader
from ..directory.models import Household, Organisation
from ..extensions import db
from ..models import utcnow
from . import actions, services, sla, stats, workflow
from .models import Category, Closure, Source, Status, Ticket, deadlines

FACADE = "北京城建建设工程有限公司"
WATER = "北京市政管网工程有限公司"
PROPERTY = "东城物业管理有限公司"
RULES = {Category.facade_ac: FACADE, Category.insulation: FACADE,
         Category.water_drainage: WATER, Category.rain_sewage: WATER}
AC_TEXT = "空调外机改造后移到了新支架上，开机时整面墙都在震动，晚上吵得睡不着。"
SPREAD = [
    # category, description, days ago, outcome
    (Category.water_drainage, "厨房下水管接口渗水，楼下邻居天花板有水印。", 3, "in_progress"),
    (Category.roads, "3号楼前新铺路面出现裂缝，老人走路容易绊倒。", 20, "fixed5"),
    (Category.insulation, "外墙保温层有一块鼓起来了，担心掉落。", 30, "reopened"),
    (Category.charging_piles, "充电桩扫码后无法启动充电。", 12, "fixed3"),
    (Category.trash_stations, "垃圾桶站周边异味大，清运不及时。", 10, "overdue"),
    (Category.greenery, "花箱里的植物枯死了，希望补种。", 40, "unconfirmed"),
    (Category.noise, "夜间施工噪音扰民。", 8, "refused"),
    (Category.bike_sheds, "车棚顶棚漏雨。", 2, "acknowledged"),
    (Category.rain_sewage, "雨污分流改造后院内雨水井堵塞，下雨积水。", 5, "overdue"),
    (Category.facade_ac, "空调冷凝水管没有接入排水管，滴到楼下阳台。", 16, "fixed4"),
]


def _org(name):
    return db.session.scalar(db.select(Organisation).where(Organisation.name == name))


def _staff(org, phone, name, ctx):
    """The organisation's first staff account, created for the demo if none."""
    if org is None:
        return None
    role = db.session.scalar(db.select(RoleAssignment).where(
        RoleAssignment.kind == RoleKind.staff, RoleAssignment.organisation_id == org.id)
        .order_by(RoleAssignment.id).limit(1))
    if role is not None:
        return role.user
    user = ctx.user(phone) or User(phone=phone, name=name, password_hash=ctx.password_hash)
    db.session.add(user)
    db.session.flush()
    db.session.add(RoleAssignment(user_id=user.id, kind=RoleKind.staff, organisation_id=org.id))
    db.session.flush()
    return user


def _rules(compound):
    existing = {r.category for r in services.rules_for(compound)}
    property_manager = _org(PROPERTY)
    for category in Category:
        org = _org(RULES.get(category, PROPERTY)) or property_manager
        if category in existing or org is None or compound not in org.compounds:
            continue
        db.session.add(services.RoutingRule(compound_id=compound.id, category=category,
                                            organisation_id=org.id))
    db.session.flush()


def _residents(compound, limit):
    return db.session.execute(
        db.select(User, Household).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Household, Household.id == RoleAssignment.household_id)
        .where(RoleAssignment.kind == RoleKind.resident, Household.compound_id == compound.id)
        .order_by(Household.id).limit(limit)).all()


def _handler(ticket, staff_by_org, secretary):
    """Staff of the organisation, or a secretary for tickets routed to them."""
    return staff_by_org.get(ticket.organisation_id) or secretary


def _play(ticket, outcome, start, reporter, handler, secretary):
    """Move a demo ticket to ``outcome`` with plausible times after ``start``."""
    if outcome in ("overdue",):
        return
    actions.acknowledge(handler, ticket, now=start + timedelta(hours=3))
    if outcome == "acknowledged":
        return
    if outcome == "refused":
        actions.refuse(secretary, ticket, "经核实为市政道路夜间施工，已转交城管部门，本平台不再处理。",
                       now=start + timedelta(days=1))
        return
    actions.start(handler, ticket, (start + timedelta(days=1, hours=8)).date(),
                  "已安排师傅上门。", now=start + timedelta(hours=5))
    if outcome == "in_progress":
        return
    actions.resolve(handler, ticket, "已上门维修完毕。", now=start + timedelta(days=2))
    if outcome == "reopened":
        actions.reopen(reporter, ticket, "修完两天又鼓起来了，没有修好。",
                       now=start + timedelta(days=3))
        actions.acknowledge(handler, ticket, now=start + timedelta(days=3, hours=2))
        actions.resolve(handler, ticket, "更换了整块保温板并加固。", now=start + timedelta(days=6))
        actions.confirm(reporter, ticket, 4, "这次修好了。", now=start + timedelta(days=7))
    elif outcome == "unconfirmed":
        workflow.apply(None, ticket, "auto_close", now=start + timedelta(days=10))
    elif outcome.startswith("fixed"):
        actions.confirm(reporter, ticket, int(outcome[-1]), "", now=start + timedelta(days=3))


@demo_loader(60)
def load_tickets(ctx):
    sla.ensure_defaults()
    staff_by_org = {}
    for name, phone, person in ((FACADE, "13700000001", "孙工"), (PROPERTY, "13700000002", "周经理"),
                                (WATER, "13700000003", "郑工")):
        org = _org(name)
        user = _staff(org, phone, person, ctx)
        if org is not None and user is not None:
            staff_by_org[org.id] = user
    now = utcnow()
    for compound in ctx.compounds():
        _rules(compound)
        if db.session.scalar(db.select(Ticket.id).where(Ticket.compound_id == compound.id)
                             .limit(1)) is not None:
            continue
        secretary = db.session.scalar(db.select(User).join(RoleAssignment).where(
            RoleAssignment.kind == RoleKind.secretary,
            RoleAssignment.community_id == compound.community_id))
        people = _residents(compound, 40)
        if not people:
            continue
        if compound.code == "DSST34":
            wang = ctx.user("13800000001")
            home = db.session.scalar(db.select(Household).where(
                Household.code == "DSST34-1-0601"))
            if wang is not None and home is not None:
                services.create_ticket(wang, compound_id=compound.id, category=Category.facade_ac,
                                       description=AC_TEXT, household_id=home.id, public=True,
                                       now=now - timedelta(hours=2))
        for n, (category, text, days, outcome) in enumerate(SPREAD):
            reporter, household = people[n % len(people)]
            start = now - timedelta(days=days, hours=n)
            ticket = services.create_ticket(
                reporter, compound_id=compound.id, category=category, description=text,
                household_id=household.id, public=n % 3 != 0, anonymous=n % 4 == 0,
                now=start)
            if secretary is None and outcome == "refused":
                outcome = "acknowledged"
            _play(ticket, outcome, start, reporter,
                  _handler(ticket, staff_by_org, secretary), secretary)
        db.session.flush()


# Every demo resident has a ticket of their own to follow (issue 17 §11); 王秀兰's
# is the vibrating air conditioner above.
RESIDENT_TICKETS = [
    # phone, category, description, outcome
    ("13800000002", Category.rain_sewage, "雨污分流施工后楼门口的雨水篦子比路面高，下雨时门口积水。",
     "in_progress"),
    ("13800000003", Category.water_drainage, "新换的上水管在厨房墙角处有滴水，已用盆接着。",
     "acknowledged"),
    ("13800000004", Category.facade_ac, "外墙保温施工后空调冷凝水管被封在墙里，现在往屋里滴水。",
     "in_progress"),
]


@demo_loader(62)
def load_resident_tickets(ctx):
    staff_by_org = {}
    for role in db.session.scalars(db.select(RoleAssignment).where(
            RoleAssignment.kind == RoleKind.staff).order_by(RoleAssignment.id.desc())):
        staff_by_org[role.organisation_id] = role.user
    now = utcnow()
    for n, (phone, category, text, outcome) in enumerate(RESIDENT_TICKETS):
        user = ctx.user(phone)
        if user is None or db.session.scalar(db.select(Ticket.id).where(
                Ticket.reporter_id == user.id).limit(1)) is not None:
            continue
        household = user.resident_roles()[0].household
        secretary = db.session.scalar(db.select(User).join(RoleAssignment).where(
            RoleAssignment.kind == RoleKind.secretary,
            RoleAssignment.community_id == household.compound.community_id))
        start = now - timedelta(days=1, hours=n)
        ticket = services.create_ticket(
            user, compound_id=household.compound_id, category=category, description=text,
            household_id=household.id, public=True, now=start)
        _play(ticket, outcome, start, user, _handler(ticket, staff_by_org, secretary), secretary)
    db.session.flush()


# ---- a district's history (``flask demo --scale N --tickets M``) -------------

HISTORY_DAYS = 730
BATCH = 5000
# By age in days: the statuses of a generated ticket and their weights — a
# day's tickets mostly waiting, a week's being handled, a month's closed.
AGES = [
    (1, [(Status.routed, 45), (Status.acknowledged, 35), (Status.in_progress, 15),
         (Status.closed, 5)]),
    (7, [(Status.routed, 5), (Status.acknowledged, 15), (Status.in_progress, 30),
         (Status.resolved, 20), (Status.reopened, 3), (Status.closed, 27)]),
    (30, [(Status.acknowledged, 2), (Status.in_progress, 8), (Status.resolved, 5),
          (Status.reopened, 2), (Status.closed, 83)]),
    (HISTORY_DAYS + 1, [(Status.closed, 99), (Status.duplicate, 1)]),
]


def _history_status(rng, age_days):
    """(status, closure, reopened, rating) of a generated ticket of that age."""
    weights = next(w for limit, w in AGES if age_days < limit)
    status = rng.choices([s for s, _ in weights], weights=[n for _, n in weights])[0]
    closure = None
    if status is Status.closed:
        closure = rng.choices([Closure.fixed, Closure.not_fixed, Closure.unconfirmed],
                              weights=[70, 8, 22])[0]
    reopened = status is Status.reopened or (status is Status.closed and rng.random() < 0.08)
    rating = None
    if closure is Closure.fixed and rng.random() < 0.6:
        rating = rng.choices([1, 2, 3, 4, 5], weights=[4, 4, 10, 30, 52])[0]
    return status, closure, reopened, rating


def _later(rng, moment, low, high, most):
    """``moment`` plus low to low + high minutes, at most ``most``."""
    return moment + timedelta(minutes=min(rng.randrange(low, int(high) + low + 1), most))


@demo_loader(65)
def load_ticket_history(ctx):
    """Up to ``ctx.tickets`` tickets in all, the missing ones generated as two
    years of history over every compound, filed day after day (oldest first,
    as they would have been) — by its residents, routed by its rules, mostly
    closed — and written with bulk INSERTs (data generation for a
    district-sized benchmark, not the filing path: no events, notifications
    or audit entries)."""
    target = getattr(ctx, "tickets", 0) or 0
    have = db.session.scalar(db.select(db.func.count(Ticket.id)))
    if target <= have:
        return
    routes = {(r.compound_id, r.category): r.organisation_id
              for r in db.session.scalars(db.select(services.RoutingRule))}
    people = {}
    for user_id, household_id, building_id, compound_id in db.session.execute(
            db.select(RoleAssignment.user_id, Household.id, Household.building_id,
                      Household.compound_id)
            .join(Household, Household.id == RoleAssignment.household_id)
            .where(RoleAssignment.kind == RoleKind.resident)
            .order_by(RoleAssignment.id)):
        people.setdefault(compound_id, []).append((user_id, household_id, building_id))
    compounds = [c for c in ctx.compounds() if c.id in people]
    if not compounds:
        return
    policies = sla.policies()
    categories = list(Category)
    now = utcnow().replace(microsecond=0)
    missing = target - have
    rng = random.Random(1_000_003 + have)
    rows = []
    for i in range(missing):
        # Oldest first, evenly over the days.
        age_seconds = (HISTORY_DAYS * 86400) * (missing - i) // (missing + 1)
        created = now - timedelta(seconds=age_seconds + rng.randrange(60))
        compound = compounds[rng.randrange(len(compounds))]
        residents = people[compound.id]
        reporter, household, building = residents[rng.randrange(len(residents))]
        category = categories[rng.randrange(len(categories))]
        status, closure, reopened, rating = _history_status(rng, (now - created).days)
        ack_minutes, resolve_minutes = policies[category.name]
        ack_due = created + timedelta(minutes=ack_minutes)
        resolve_due = created + timedelta(minutes=resolve_minutes)
        # Each step after the one before, all of them before now.
        span = (now - created).total_seconds() / 60 * 0.3
        acknowledged = resolved = closed = None
        if status not in (Status.routed, Status.duplicate):
            acknowledged = _later(rng, created, 10, ack_minutes * 1.6, span)
        if status in (Status.resolved, Status.closed):
            resolved = _later(rng, acknowledged, 30, resolve_minutes * 1.3, span)
            if status is Status.closed:
                closed = _later(rng, resolved, 120, 60 * 24 * 8, span)
        if status is Status.duplicate:
            closed = _later(rng, created, 60, 60 * 48, span)
        due_at, overdue_at = deadlines(status, ack_due, resolve_due)
        rows.append({
            "compound_id": compound.id, "community_id": compound.community_id,
            "building_id": building, "household_id": household,
            "category": category.name, "description": SPREAD[i % len(SPREAD)][1],
            "public": i % 3 != 0, "anonymous": i % 4 == 0, "source": Source.web.name,
            "reporter_id": reporter, "token": f"{rng.getrandbits(96):024x}",
            "status": status.name, "closure": closure.name if closure else None,
            "organisation_id": routes.get((compound.id, category)),
            "routing_basis": "rule", "first_ack_due_at": ack_due, "ack_due_at": ack_due,
            "resolve_due_at": resolve_due, "due_at": due_at, "overdue_at": overdue_at,
            "acknowledged_at": acknowledged, "first_acknowledged_at": acknowledged,
            "resolved_at": resolved, "closed_at": closed,
            "updated_at": closed or resolved or acknowledged or created,
            "reopen_count": 1 if reopened else 0, "rating": rating,
            "created_at": created})
        if len(rows) >= BATCH:
                db.session.execute(db.insert(Ticket.__table__), rows)
                rows = []
    if rows:
        db.session.execute(db.insert(Ticket.__table__), rows)
    db.session.flush()
    # As the nightly ``flask tickets refresh-stats`` would have.
    stats.refresh()

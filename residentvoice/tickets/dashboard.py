"""The ticket dashboard (DESIGN §5): the three rates of Beijing's 12345 work,
weekly flow, medians, reopen rate and breakdowns — counted by the database.

Definitions (shown on the page), each written once, as SQL (``_flags``):
- 响应率 response rate: tickets acknowledged no later than their first
  acknowledge deadline ÷ tickets acknowledged or past that deadline.
- 解决率 resolution rate: tickets closed as fixed (confirmed by the reporter or
  a secretary for them) ÷ closed tickets.  "Closed, not fixed" and "closed
  without confirmation" are closed but never resolved.
- 满意率 satisfaction rate: tickets rated 4 or 5 ÷ rated tickets.
- Reopen rate: tickets reopened at least once ÷ tickets resolved at least once.
Duplicates are left out everywhere.  Denominators under ``SMALL`` are shown
as "n/N", not as a percentage.

Every figure is an aggregate in SQL (sums of the definitions' 0/1 flags,
grouped by organisation, compound, category code and local month; opened
and closed per local day; medians by position): a fixed number of
statements whatever the number of tickets, and no ticket row travels to
Python.  Category labels are translated once per row of the result."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..dates import shift
from ..directory.models import Building, Compound, Organisation
from ..extensions import db
from ..models import utcnow
from .models import Closure, Status, Ticket

SMALL = 10
SHANGHAI = timedelta(hours=8)


@dataclass
class Rate:
    num: int
    den: int

    @property
    def small(self):
        return self.den < SMALL

    @property
    def percent(self):
        return None if not self.den else round(100 * self.num / self.den, 1)

    def as_dict(self):
        return {"num": self.num, "den": self.den, "percent": self.percent,
                "small": self.small}


# ---- the definitions ---------------------------------------------------------

def _flags(now):
    """The definitions as SQL conditions on a ticket (name → condition)."""
    t = Ticket
    closed = t.status == Status.closed
    return {
        "in_time": db.and_(t.first_acknowledged_at.is_not(None), t.first_ack_due_at.is_not(None),
                           t.first_acknowledged_at <= t.first_ack_due_at),
        "due": db.or_(t.first_acknowledged_at.is_not(None),
                      db.and_(t.first_ack_due_at.is_not(None), t.first_ack_due_at < now)),
        "closed": closed,
        "fixed": db.and_(closed, t.closure == Closure.fixed),
        "rated": t.rating.is_not(None),
        "satisfied": t.rating >= 4,
        "ever_resolved": db.or_(t.reopen_count > 0, t.status == Status.resolved,
                                db.and_(closed, t.closure.in_([Closure.fixed,
                                                               Closure.unconfirmed]))),
        "reopened": t.reopen_count > 0,
    }


def _count(condition):
    return db.func.coalesce(db.func.sum(db.case((condition, 1), else_=0)), 0)


def _counters(now):
    f = _flags(now)
    return [db.func.count(Ticket.id).label("total"),
            _count(db.and_(f["due"], f["in_time"])).label("in_time"),
            _count(f["due"]).label("due"),
            _count(f["fixed"]).label("fixed"), _count(f["closed"]).label("closed"),
            _count(db.and_(f["rated"], f["satisfied"])).label("satisfied"),
            _count(f["rated"]).label("rated"),
            _count(db.and_(f["ever_resolved"], f["reopened"])).label("reopened"),
            _count(f["ever_resolved"]).label("ever_resolved")]


def _rates(row):
    return {"response": Rate(int(row.in_time), int(row.due)),
            "resolution": Rate(int(row.fixed), int(row.closed)),
            "satisfaction": Rate(int(row.satisfied), int(row.rated)),
            "reopen": Rate(int(row.reopened), int(row.ever_resolved)),
            "total": int(row.total)}


def _scope(community_ids, compound_id=None):
    condition = db.and_(Ticket.community_id.in_(community_ids or {-1}),
                        Ticket.status != Status.duplicate)
    if compound_id:
        condition = db.and_(condition, Ticket.compound_id == compound_id)
    return condition


# ---- dialect spellings: local dates and hours between two moments ------------

def _dialect():
    return db.session.get_bind().dialect.name


def _local(column, fmt):
    """A UTC timestamp as Asia/Shanghai text: ``fmt`` "day" (YYYY-MM-DD) or "month"."""
    if _dialect() == "postgresql":
        local = column + db.text("interval '8 hours'")
        return db.func.to_char(local, "YYYY-MM-DD" if fmt == "day" else "YYYY-MM")
    return db.func.strftime("%Y-%m-%d" if fmt == "day" else "%Y-%m", column, "+8 hours")


def _hours(start, end):
    if _dialect() == "postgresql":
        return db.func.extract("epoch", end - start) / 3600.0
    return (db.func.julianday(end) - db.func.julianday(start)) * 24.0


# ---- the figures --------------------------------------------------------------

def rates(community_ids, compound_id=None, now=None, counters=None):
    """The four rates and the number of tickets, over the scope."""
    counters = counters or _counters(now or utcnow())
    row = db.session.execute(db.select(*counters)
                             .where(_scope(community_ids, compound_id))).one()
    return _rates(row)


def _median(scope, start, end, condition, n):
    """The median of the hours from ``start`` to ``end`` over ``n`` tickets:
    the middle one (or the mean of the middle two) in order."""
    if not n:
        return None
    hours = _hours(start, end)
    values = db.session.scalars(db.select(hours).where(scope, condition)
                                .order_by(hours).limit(2 - n % 2).offset((n - 1) // 2)).all()
    return round(sum(values) / len(values), 1) if values else None


def medians(community_ids, compound_id=None, now=None):
    scope = _scope(community_ids, compound_id)
    fixed = _flags(now or utcnow())["fixed"]
    acknowledged = Ticket.first_acknowledged_at.is_not(None)
    resolved = db.and_(fixed, Ticket.resolved_at.is_not(None))
    n_ack, n_resolved = db.session.execute(db.select(
        _count(acknowledged), _count(resolved)).where(scope)).one()
    return {
        "acknowledge": _median(scope, Ticket.created_at, Ticket.first_acknowledged_at,
                               acknowledged, int(n_ack)),
        "resolve": _median(scope, Ticket.created_at, Ticket.resolved_at, resolved,
                           int(n_resolved)),
    }


def local_month(moment):
    return shift(moment, SHANGHAI).strftime("%Y-%m")


def breakdown(community_ids, compound_id, by, now=None, counters=None):
    """[(name, rates)] grouped ``by`` "organisation", "compound", "category" or
    "month", sorted by name."""
    counters = counters or _counters(now or utcnow())
    scope = _scope(community_ids, compound_id)
    if by == "organisation":
        query = (db.select(Organisation.name, *counters)
                 .outerjoin(Organisation, Organisation.id == Ticket.organisation_id)
                 .group_by(Ticket.organisation_id, Organisation.name))
        name = lambda key: key or "—"
    elif by == "compound":
        query = (db.select(Compound.name, *counters)
                 .join(Compound, Compound.id == Ticket.compound_id)
                 .group_by(Ticket.compound_id, Compound.name))
        name = str
    elif by == "category":
        # Grouped by its code; the label translated once per row.
        query = db.select(Ticket.category, *counters).group_by(Ticket.category)
        name = lambda key: key.value
    else:
        month = _local(Ticket.created_at, "month")
        query = db.select(month, *counters).group_by(month)
        name = str
    groups = [(name(row[0]), _rates(row))
              for row in db.session.execute(query.select_from(Ticket).where(scope))]
    return sorted(groups, key=lambda item: str(item[0]))


def weekly(community_ids, compound_id=None, now=None, weeks=12):
    """Opened and closed per week (Monday to Sunday, Asia/Shanghai), oldest
    first; counted per local day by the database."""
    now = now or utcnow()
    today = (now + SHANGHAI).date()
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    buckets = [{"week": start + timedelta(weeks=i), "opened": 0, "closed": 0}
               for i in range(weeks)]
    since = datetime.combine(start, time()) - SHANGHAI      # local midnight, in UTC
    scope = _scope(community_ids, compound_id)
    for kind, column, condition in (
            ("opened", Ticket.created_at, Ticket.created_at >= since),
            ("closed", Ticket.closed_at, db.and_(Ticket.status == Status.closed,
                                                 Ticket.closed_at >= since))):
        day = _local(column, "day")
        for value, count in db.session.execute(
                db.select(day, db.func.count(Ticket.id)).where(scope, condition)
                .group_by(day)):
            i = (date.fromisoformat(value) - start).days // 7
            if 0 <= i < weeks:
                buckets[i][kind] += count
    return buckets


def summary(community_ids, compound_id=None, now=None):
    now = now or utcnow()
    counters = _counters(now)
    return {
        "rates": rates(community_ids, compound_id, now, counters),
        "medians": medians(community_ids, compound_id, now),
        "weekly": weekly(community_ids, compound_id, now),
        **{f"by_{by}": breakdown(community_ids, compound_id, by, now, counters)
           for by in ("organisation", "compound", "category", "month")},
    }


# ---- per-ticket rows (the exports) ---------------------------------------------

@dataclass
class Row:
    id: int
    created_at: object
    compound: str
    organisation: str
    category: object
    status: object
    closure: object
    first_ack_due_at: object
    first_acknowledged_at: object
    responded_in_time: bool
    resolved_at: object
    closed_at: object
    reopen_count: int
    rating: int | None
    building: str = ""


def rows(community_ids, compound_id=None):
    """One row per ticket (duplicates left out) in the given communities."""
    in_time = db.case((_flags(utcnow())["in_time"], True), else_=False)
    query = (db.select(Ticket.id, Ticket.created_at, Compound.name, Organisation.name,
                       Ticket.category, Ticket.status, Ticket.closure,
                       Ticket.first_ack_due_at, Ticket.first_acknowledged_at, in_time,
                       Ticket.resolved_at, Ticket.closed_at, Ticket.reopen_count,
                       Ticket.rating, Building.number)
             .join(Compound, Compound.id == Ticket.compound_id)
             .outerjoin(Organisation, Organisation.id == Ticket.organisation_id)
             .outerjoin(Building, Building.id == Ticket.building_id)
             .where(_scope(community_ids, compound_id))
             .order_by(Ticket.id))
    return [Row(r[0], r[1], r[2], r[3] or "", *r[4:9], bool(r[9]), *r[10:14], r[14] or "")
            for r in db.session.execute(query).all()]


def chart(buckets, width=340, height=160):
    """Bar geometry for the weekly SVG: opened (solid) and closed (hatched)
    side by side, each bar labelled with its count so no colour is needed."""
    top = max([1] + [max(b["opened"], b["closed"]) for b in buckets])
    slot = width / max(1, len(buckets))
    bar = max(2.0, slot / 2 - 2)
    plot = height - 30
    bars = []
    for i, b in enumerate(buckets):
        x = i * slot + 1
        for j, kind in enumerate(("opened", "closed")):
            h = plot * b[kind] / top
            bars.append({"x": round(x + j * (bar + 1), 1), "y": round(10 + plot - h, 1),
                         "w": round(bar, 1), "h": round(h, 1), "kind": kind,
                         "value": b[kind]})
    labels = [{"x": round(i * slot + slot / 2, 1), "text": b["week"].strftime("%m/%d")}
              for i, b in enumerate(buckets) if i % 2 == 0]
    return {"width": width, "height": height, "bars": bars, "labels": labels,
            "base": 10 + plot}


EXPORT_COLUMNS = ["number", "compound", "building", "category", "organisation", "status",
                  "closure", "created_at", "first_ack_due_at", "first_acknowledged_at",
                  "acknowledged_in_time", "resolved_at", "closed_at", "reopen_count",
                  "rating"]


def export_rows(items):
    """Per-ticket rows without personal data, for CSV/XLSX."""
    def iso(moment):
        return shift(moment, SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""
    for r in items:
        yield [f"T{r.id:06d}", r.compound, r.building, r.category.name, r.organisation,
               r.status.name, r.closure.name if r.closure else "", iso(r.created_at),
               iso(r.first_ack_due_at), iso(r.first_acknowledged_at),
               "yes" if r.responded_in_time else "no", iso(r.resolved_at), iso(r.closed_at),
               r.reopen_count, "" if r.rating is None else r.rating]

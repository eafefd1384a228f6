"""The ticket dashboard (DESIGN §5): the three rates of Beijing's 12345 work,
weekly flow, medians, reopen rate and breakdowns, computed from one query.

Definitions (shown on the page):
- 响应率 response rate: tickets acknowledged no later than their first
  acknowledge deadline ÷ tickets acknowledged or past that deadline.
- 解决率 resolution rate: tickets closed as fixed (confirmed by the reporter or
  a secretary for them) ÷ closed tickets.  "Closed, not fixed" and "closed
  without confirmation" are closed but never resolved.
- 满意率 satisfaction rate: tickets rated 4 or 5 ÷ rated tickets.
Duplicates are left out everywhere.  Denominators under ``SMALL`` are shown
as "n/N", not as a percentage."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from ..dates import shift
from ..directory.models import Compound, Organisation
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


@dataclass
class Row:
    id: int
    created_at: object
    compound: str
    compound_id: int
    organisation: str
    category: object
    status: object
    closure: object
    first_ack_due_at: object
    first_acknowledged_at: object
    resolved_at: object
    closed_at: object
    reopen_count: int
    rating: int | None
    building: str = ""

    @property
    def responded_in_time(self):
        return bool(self.first_acknowledged_at and self.first_ack_due_at
                    and self.first_acknowledged_at <= self.first_ack_due_at)

    def response_due(self, now):
        return self.first_acknowledged_at is not None or (
            self.first_ack_due_at is not None and self.first_ack_due_at < now)

    @property
    def fixed(self):
        return self.status is Status.closed and self.closure is Closure.fixed

    @property
    def ever_resolved(self):
        return self.reopen_count > 0 or self.status is Status.resolved or (
            self.status is Status.closed and self.closure in (Closure.fixed,
                                                              Closure.unconfirmed))


def rows(community_ids, compound_id=None):
    """One row per ticket (duplicates left out) in the given communities."""
    from ..directory.models import Building
    query = (db.select(Ticket.id, Ticket.created_at, Compound.name, Compound.id,
                       Organisation.name, Ticket.category, Ticket.status, Ticket.closure,
                       Ticket.first_ack_due_at, Ticket.first_acknowledged_at,
                       Ticket.resolved_at, Ticket.closed_at, Ticket.reopen_count,
                       Ticket.rating, Building.number)
             .join(Compound, Compound.id == Ticket.compound_id)
             .outerjoin(Organisation, Organisation.id == Ticket.organisation_id)
             .outerjoin(Building, Building.id == Ticket.building_id)
             .where(Ticket.community_id.in_(community_ids or {-1}),
                    Ticket.status != Status.duplicate)
             .order_by(Ticket.id))
    if compound_id:
        query = query.where(Ticket.compound_id == compound_id)
    return [Row(*r[:4], r[4] or "", *r[5:14], r[14] or "")
            for r in db.session.execute(query).all()]


def rates(items, now=None):
    now = now or utcnow()
    due = [r for r in items if r.response_due(now)]
    closed = [r for r in items if r.status is Status.closed]
    rated = [r for r in items if r.rating is not None]
    resolved_once = [r for r in items if r.ever_resolved]
    return {
        "response": Rate(sum(r.responded_in_time for r in due), len(due)),
        "resolution": Rate(sum(r.fixed for r in closed), len(closed)),
        "satisfaction": Rate(sum(r.rating >= 4 for r in rated), len(rated)),
        "reopen": Rate(sum(r.reopen_count > 0 for r in resolved_once), len(resolved_once)),
        "total": len(items),
    }


def _hours(deltas):
    values = [d.total_seconds() / 3600 for d in deltas if d is not None]
    return round(median(values), 1) if values else None


def medians(items):
    return {
        "acknowledge": _hours(r.first_acknowledged_at - r.created_at for r in items
                              if r.first_acknowledged_at),
        "resolve": _hours(r.resolved_at - r.created_at for r in items
                          if r.fixed and r.resolved_at),
    }


def local_month(moment):
    return shift(moment, SHANGHAI).strftime("%Y-%m")


def breakdown(items, key, now=None):
    groups = defaultdict(list)
    for r in items:
        groups[key(r)].append(r)
    return [(name, rates(group, now)) for name, group in sorted(groups.items(),
                                                                key=lambda kv: str(kv[0]))]


def weekly(items, now=None, weeks=12):
    """Opened and closed per week (Monday to Sunday, Asia/Shanghai), oldest first."""
    now = now or utcnow()
    today = (now + SHANGHAI).date()
    start = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    buckets = [{"week": start + timedelta(weeks=i), "opened": 0, "closed": 0}
               for i in range(weeks)]

    def index(moment):
        day = shift(moment, SHANGHAI).date()
        i = (day - start).days // 7
        return i if 0 <= i < weeks else None

    for r in items:
        i = index(r.created_at)
        if i is not None:
            buckets[i]["opened"] += 1
        if r.closed_at is not None and r.status is Status.closed:
            i = index(r.closed_at)
            if i is not None:
                buckets[i]["closed"] += 1
    return buckets


def summary(community_ids, compound_id=None, now=None):
    now = now or utcnow()
    items = rows(community_ids, compound_id)
    return {
        "rates": rates(items, now),
        "medians": medians(items),
        "weekly": weekly(items, now),
        "by_organisation": breakdown(items, lambda r: r.organisation or "—", now),
        "by_compound": breakdown(items, lambda r: r.compound, now),
        "by_category": breakdown(items, lambda r: r.category.value, now),
        "by_month": breakdown(items, lambda r: local_month(r.created_at), now),
        "items": items,
    }


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

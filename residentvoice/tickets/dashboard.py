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
Python.  Category labels are translated once per row of the result.

Settled tickets (closed, their figures final) are counted once by ``flask
tickets refresh-stats`` into ``ticket_stats`` (see ``stats``); the figures
add those counts to a live count of the rest, so they are exact and current
whenever the refresh last ran.  The medians are over the tickets filed in
the last ``MEDIAN_WEEKS`` weeks (a median does not add up from counts; over
a district's whole history it would sort a million rows on every view)."""
import heapq
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from ..dates import SHANGHAI
from ..directory.models import Building, Compound, Organisation
from ..extensions import db
from ..models import utcnow
from ..percent import percent_number
from . import queries, stats
from .models import Category, Status, Ticket
from .stats import COUNTERS, TicketStats, TicketStatsWatermark

SMALL = 10
WEEKS = 12              # the weekly chart
MEDIAN_WEEKS = 4        # the medians: tickets filed in the last four weeks
LONG_TABLE = 20         # rows of the compound and organisation tables before "show all"
OVERDUE_SHOWN = 10      # the most overdue tickets listed; every one is in the queue


@dataclass
class Rate:
    num: int
    den: int

    @property
    def small(self):
        return self.den < SMALL

    @property
    def percent(self):
        """To 0.1 %, by the one rounding rule (``residentvoice.percent``)."""
        return None if not self.den else float(percent_number(self.num, self.den, 1))

    @property
    def percent_whole(self):
        """To a whole percent, for the narrow tables; the same rule."""
        return None if not self.den else int(percent_number(self.num, self.den, 0))

    def as_dict(self):
        return {"num": self.num, "den": self.den, "percent": self.percent,
                "small": self.small}


# ---- the definitions ---------------------------------------------------------


def _rates(counts):
    """The rates from the counters (in ``stats.COUNTERS`` order)."""
    c = dict(zip(COUNTERS, counts, strict=True))
    return {"response": Rate(c["in_time"], c["due"]),
            "resolution": Rate(c["fixed"], c["closed"]),
            "satisfaction": Rate(c["satisfied"], c["rated"]),
            "reopen": Rate(c["reopened"], c["ever_resolved"]),
            "total": c["total"]}


def _scope(community_ids, compound_id=None):
    """The tickets counted: of these communities (ids, or a query of them,
    ``User.managed_communities``), duplicates left out."""
    condition = db.and_(Ticket.community_id.in_(community_ids),
                        Ticket.status != Status.duplicate)
    if compound_id:
        condition = db.and_(condition, Ticket.compound_id == compound_id)
    return condition


# ---- hours between two moments ----------------------------------------------

def _hours(start, end):
    if stats.dialect() == "postgresql":
        return db.cast(db.func.extract("epoch", end - start), db.Float) / 3600.0
    return (db.func.julianday(end) - db.func.julianday(start)) * 24.0


# ---- the figures --------------------------------------------------------------

def _add(total, counts):
    return [a + int(b or 0) for a, b in zip(total, counts, strict=True)]


def _stored(community_ids, compound_id):
    """The counts of settled tickets in the scope, with the watermark they
    go with, read in one statement (one snapshot, should a refresh commit
    meanwhile): ``(watermark, {(dimension, key): counts})``; compounds are
    the keys of "all"."""
    s, w = TicketStats, TicketStatsWatermark
    key = db.case((s.dimension == "all", db.cast(s.compound_id, db.String)), else_=s.key)
    on = s.community_id.in_(community_ids)
    if compound_id:
        on = db.and_(on, s.compound_id == compound_id)
    rows = db.session.execute(
        db.select(w.settled_before, s.dimension, key,
                  *[db.func.sum(getattr(s, name)) for name in COUNTERS])
        .select_from(w).outerjoin(s, on).where(w.id == 1)
        .group_by(w.settled_before, s.dimension, key)).all()
    if not rows:
        return None, {}
    return rows[0][0], {(r[1], r[2]): r[3:] for r in rows if r[1] is not None}


def _live_keys():
    """The groups counted live, name → SQL key (a closed week only for closed tickets)."""
    closed = Ticket.status == Status.closed
    return {"compound": Ticket.compound_id, "organisation": Ticket.organisation_id,
            "category": Ticket.category, "month": stats.local_month(Ticket.created_at),
            "opened": stats.local_week(Ticket.created_at),
            "closed": db.case((closed, stats.local_week(Ticket.closed_at)))}


def _live(community_ids, compound_id, before, counters):
    """{name: {key: counts}} of the tickets in the scope not counted in
    ``ticket_stats``: on PostgreSQL in one pass (GROUPING SETS), elsewhere
    one statement of six GROUP BYs (UNION ALL)."""
    keys = _live_keys()
    where = (_scope(community_ids, compound_id), stats.unsettled(before))
    out = {name: {} for name in keys}
    if stats.dialect() == "postgresql":
        columns = list(keys.values())
        sets = db.func.grouping_sets(*[db.tuple_(c) for c in columns])
        # GROUPING(…) has a 1 bit, leftmost first, for each key not grouped by.
        mask = {(1 << len(columns)) - 1 - (1 << (len(columns) - 1 - i)): i
                for i in range(len(columns))}
        names = list(keys)
        for row in db.session.execute(db.select(db.func.grouping(*columns), *columns,
                                                *counters).where(*where).group_by(sets)):
            i = mask[row[0]]
            out[names[i]][row[1 + i]] = row[1 + len(columns):]
        return out
    # Elsewhere (SQLite) the six GROUP BYs in one statement, their keys as text.
    groups = [db.select(db.literal(name), db.cast(key, db.String), *counters)
              .where(*where).group_by(key) for name, key in keys.items()]
    for row in db.session.execute(db.union_all(*groups)):
        out[row[0]][_read_key(row[0], row[1])] = row[2:]
    return out


_KEY_READERS = {"compound": int, "organisation": int, "category": Category.__getitem__}


def _read_key(name, text):
    """A group's key read back from text (None stays None: no organisation,
    not closed)."""
    return None if text is None else _KEY_READERS.get(name, str)(text)


def counts(community_ids, compound_id=None, now=None):
    """{name: {key: counters}} for "compound" (key: its id), "organisation"
    (id or None), "category" (the Category), "month" (local YYYY-MM),
    "opened" and "closed" (local week, its Monday as YYYY-MM-DD; closed
    tickets only), settled and live tickets together."""
    counters = stats.counters(now or utcnow())
    before, stored = _stored(community_ids, compound_id)
    parse = {"all": ("compound", int),
             "organisation": ("organisation", lambda k: int(k) if k else None),
             "category": ("category", lambda k: Category[k]),
             "month": ("month", str), "opened": ("opened", str), "closed": ("closed", str)}
    zero = [0] * len(COUNTERS)
    out = {name: {} for name, _read in parse.values()}
    for (dimension, key), values in stored.items():
        name, read = parse[dimension]
        out[name][read(key)] = _add(zero, values)
    for name, groups in _live(community_ids, compound_id, before, counters).items():
        for key, values in groups.items():
            if key is not None or name != "closed":
                out[name][key] = _add(out[name].get(key, zero), values)
    return out


def rates(community_ids, compound_id=None, now=None):
    """The four rates and the number of tickets, over the scope."""
    total = [0] * len(COUNTERS)
    for values in counts(community_ids, compound_id, now)["compound"].values():
        total = _add(total, values)
    return _rates(total)


def _median(scope, start, end, condition):
    """SQL: the median of the hours from ``start`` to ``end`` over the tickets
    of ``scope`` meeting ``condition`` — the middle one (or the mean of the
    middle two) in order, NULL when there are none."""
    hours = _hours(start, end)
    n = db.select(db.func.count()).where(scope, condition).scalar_subquery()
    middle = (db.select(hours.label("hours")).where(scope, condition).order_by(hours)
              .limit(2 - n % 2).offset((n - 1) // 2).subquery())
    return db.select(db.func.avg(middle.c.hours)).scalar_subquery()


def medians(community_ids, compound_id=None, now=None, since=None):
    """Median hours to acknowledge and to resolve (closed as fixed), over the
    tickets filed since ``since`` (default: ``MEDIAN_WEEKS`` ago): one statement."""
    now = now or utcnow()
    since = since or now - timedelta(weeks=MEDIAN_WEEKS)
    scope = db.and_(_scope(community_ids, compound_id), Ticket.created_at >= since)
    fixed = stats.flags(now)["fixed"]
    acknowledged = Ticket.first_acknowledged_at.is_not(None)
    resolved = db.and_(fixed, Ticket.resolved_at.is_not(None))
    kinds = ((Ticket.first_acknowledged_at, acknowledged), (Ticket.resolved_at, resolved))
    if stats.dialect() == "postgresql":      # the database's own median, both in one pass
        ack, res = db.session.execute(db.select(*[
            db.func.percentile_cont(0.5).within_group(_hours(Ticket.created_at, end))
            .filter(condition) for end, condition in kinds]).where(scope)).one()
    else:
        ack, res = db.session.execute(db.select(*[
            _median(scope, Ticket.created_at, end, condition)
            for end, condition in kinds])).one()
    return {"acknowledge": None if ack is None else round(ack, 1),
            "resolve": None if res is None else round(res, 1)}


def _names(groups):
    """{("organisation" or "compound", id): name} of the organisations and
    compounds in ``groups``, read in one statement."""
    parts = [db.select(db.literal(by), model.id, model.name)
             .where(model.id.in_([k for k in groups[by] if k is not None]))
             for by, model in (("organisation", Organisation), ("compound", Compound))
             if any(k is not None for k in groups[by])]
    if not parts:
        return {}
    return {(by, id_): name for by, id_, name in db.session.execute(db.union_all(*parts))}


def _named(groups, by, names):
    """[(name, rates)] of ``groups[by]`` sorted by name: organisations and
    compounds by ``names``, categories by their translated label (once per row)."""
    if by in ("organisation", "compound"):
        named = [(names.get((by, k), "—") if k is not None else "—", v)
                 for k, v in groups[by].items()]
    elif by == "category":
        named = [(k.value, v) for k, v in groups[by].items()]
    else:
        named = [(k or "—", v) for k, v in groups[by].items()]
    return sorted(((name, _rates(v)) for name, v in named), key=lambda item: str(item[0]))


def _lowest_rate(item):
    """A row's sort key, worst first: its lowest of the three rates, taken
    over rates of at least ``SMALL`` tickets (the page shows fewer as a count,
    not a percentage: one late ticket of two says little); rows with only
    such small figures after those, by theirs; a row with none yet last.
    Then more tickets first, then the name."""
    name, r = item
    rates = [rate for rate in (r["response"], r["resolution"], r["satisfaction"]) if rate.den]
    telling = [rate.num / rate.den for rate in rates if not rate.small]
    small = [rate.num / rate.den for rate in rates if rate.small]
    tier, lowest = (0, min(telling)) if telling else (1, min(small)) if small else (2, 0)
    return (tier, lowest, -r["total"], str(name))


def worst_first(items, limit=None):
    """The ``limit`` rows of ``items`` [(name, rates)] that need looking at
    first: a street office with hundreds of compounds sees those whose
    response, resolution or satisfaction rate is lowest (the full table is
    one click away, and in the Excel download)."""
    return heapq.nsmallest(limit or LONG_TABLE, items, key=_lowest_rate)


def shorten(data, limit=None):
    """Cut the organisation and compound tables of a ``summary`` longer than
    ``limit`` rows to their worst rows; {table: its full length} of those cut."""
    cut, limit = {}, limit or LONG_TABLE
    for key in ("by_organisation", "by_compound"):
        if len(data[key]) > limit:
            cut[key] = len(data[key])
            data[key] = worst_first(data[key], limit)
    return cut


def most_overdue(communities):
    """The ``OVERDUE_SHOWN`` most overdue open tickets of ``communities`` (a
    query of their ids, ``User.managed_communities``),
    with one more when there are more (the page then links to the queue).
    The list takes their ids, not the query: PostgreSQL misjudges how many
    open tickets are overdue and, given a subquery, compares every community
    with each of them (112 ms at a district's size, 12 ms with the ids)."""
    ids = set(db.session.scalars(communities))
    return db.session.scalars(queries.with_details_of(
        queries.overdue_in(ids).limit(OVERDUE_SHOWN + 1))).unique().all()


def breakdown(community_ids, compound_id, by, now=None):
    """[(name, rates)] grouped ``by`` "organisation", "compound", "category" or
    "month", sorted by name."""
    groups = counts(community_ids, compound_id, now)
    return _named(groups, by, _names(groups) if by in ("organisation", "compound") else {})


def _weeks_start(now, weeks=WEEKS):
    """The first local day (a Monday) of the weekly chart."""
    today = (now + SHANGHAI).date()
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)


def weekly(community_ids, compound_id=None, now=None, weeks=WEEKS, groups=None):
    """Opened and closed per week (Monday to Sunday, Asia/Shanghai), oldest first."""
    now = now or utcnow()
    groups = groups or counts(community_ids, compound_id, now)
    start = _weeks_start(now, weeks)
    buckets = [{"week": start + timedelta(weeks=i), "opened": 0, "closed": 0}
               for i in range(weeks)]
    total = COUNTERS.index("total")
    for kind in ("opened", "closed"):
        for key, values in groups[kind].items():
            # A stored time past year 9999 in local time: NULL on SQLite,
            # "10000-…" on PostgreSQL; either way not in the last weeks.
            if key is None or len(key) != 10:
                continue
            i = (date.fromisoformat(key) - start).days // 7
            if 0 <= i < weeks:
                buckets[i][kind] += values[total]
    return buckets


def summary(community_ids, compound_id=None, now=None):
    now = now or utcnow()
    groups = counts(community_ids, compound_id, now)
    total = [0] * len(COUNTERS)
    for values in groups["compound"].values():
        total = _add(total, values)
    names = _names(groups)
    return {
        "rates": _rates(total),
        "medians": medians(community_ids, compound_id, now),
        "weekly": weekly(community_ids, compound_id, now, groups=groups),
        **{f"by_{by}": _named(groups, by, names)
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
    in_time = db.case((stats.flags(utcnow())["in_time"], True), else_=False)
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


EXPORT_COLUMNS = [_l("Ticket number"), _l("Compound"), _l("Building"), _l("Category"),
                  _l("Handled by"), _l("Status"), _l("How it ended"), _l("Filed at"),
                  _l("Acknowledge by"), _l("Acknowledged at"), _l("Acknowledged in time"),
                  _l("Resolved at"), _l("Closed at"), _l("Times reopened"), _l("Rating")]
# The XLSX's sheets by group: (sheet title, key in ``summary``), and their columns.
GROUP_SHEETS = [(_l("By organisation"), "by_organisation"), (_l("By compound"), "by_compound"),
                (_l("By category"), "by_category"), (_l("By month"), "by_month")]
GROUP_COLUMNS = [_l("Group"), _l("Tickets"), _l("Acknowledged in time"),
                 _l("Due for acknowledgement"), _l("Closed as fixed"), _l("Tickets closed"),
                 _l("Rated 4 or 5"), _l("Rated"), _l("Reopened"), _l("Resolved at least once")]


def export_rows(items):
    """Per-ticket rows without personal data, for CSV/XLSX: the shared writer
    shows the labels, yes/no and Beijing time in the reader's language."""
    for r in items:
        yield [f"T{r.id:06d}", r.compound, r.building, r.category, r.organisation,
               r.status, r.closure or "", r.created_at, r.first_ack_due_at,
               r.first_acknowledged_at, r.responded_in_time, r.resolved_at, r.closed_at,
               r.reopen_count, "" if r.rating is None else r.rating]

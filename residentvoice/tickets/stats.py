"""Counted history for the ticket dashboard (issue 15 §3): a street office
over a whole district reads the figures of a million tickets.

A closed ticket never changes again — no transition leaves ``closed`` — so
every figure the dashboard counts it in is final once it is closed and its
first deadline to acknowledge has passed or it was acknowledged.  Such a
ticket is *settled*.  ``flask tickets refresh-stats`` (cron, e.g. nightly;
idempotent) counts every ticket settled before a watermark into
``ticket_stats`` — per compound: all of them, and grouped by organisation,
by category and by local month — and stores the watermark.  The dashboard
adds those counts to a live count of the tickets *not* settled before the
watermark (the open ones and those closed since), so its figures are exact
and current however long ago the refresh ran: a late refresh costs only
speed.  Nothing in the ticket's own write path changes.

A ticket's ``closed_at`` is the time of the request that closed it, so the
watermark is an hour before the refresh (a transaction that closed a ticket
a moment earlier may not have committed yet), and never after the
closing of a ticket that was closed without being acknowledged before its
deadline to acknowledge came (its response figure changes when it comes)."""
from datetime import timedelta

from ..dates import SHANGHAI
from ..extensions import db
from ..models import utcnow
from .models import Closure, Status, Ticket

MARGIN = timedelta(hours=1)
DIMENSIONS = ("all", "organisation", "category", "month", "opened", "closed")
# Weeks kept for the weekly chart ("opened", "closed"): those it can still show.
WEEKS_KEPT = 14
COUNTERS = ("total", "in_time", "due", "fixed", "closed", "satisfied", "rated", "reopened",
            "ever_resolved")


class TicketStats(db.Model):
    """Counts of settled tickets of one compound, in one group of a dimension
    ("all": key ""; "organisation": its id or ""; "category": the code;
    "month": local YYYY-MM of filing).  Derived data: rebuilt by ``refresh``."""
    __tablename__ = "ticket_stats"
    __table_args__ = (db.Index("ix_ticket_stats_scope", "community_id", "dimension",
                               "compound_id"),)
    id = db.Column(db.Integer, primary_key=True)
    community_id = db.Column(db.Integer, nullable=False)
    compound_id = db.Column(db.Integer, nullable=False)
    dimension = db.Column(db.String(16), nullable=False)
    key = db.Column(db.String(32), nullable=False)
    total = db.Column(db.Integer, nullable=False)
    in_time = db.Column(db.Integer, nullable=False)
    due = db.Column(db.Integer, nullable=False)
    fixed = db.Column(db.Integer, nullable=False)
    closed = db.Column(db.Integer, nullable=False)
    satisfied = db.Column(db.Integer, nullable=False)
    rated = db.Column(db.Integer, nullable=False)
    reopened = db.Column(db.Integer, nullable=False)
    ever_resolved = db.Column(db.Integer, nullable=False)


class TicketStatsWatermark(db.Model):
    """One row: the tickets settled before ``settled_before`` are in ``ticket_stats``."""
    __tablename__ = "ticket_stats_watermark"
    id = db.Column(db.Integer, primary_key=True)
    settled_before = db.Column(db.DateTime, nullable=False)
    refreshed_at = db.Column(db.DateTime, nullable=False)


def watermark():
    """The stored watermark, or None when nothing was counted yet."""
    return db.session.scalar(db.select(TicketStatsWatermark.settled_before)
                             .where(TicketStatsWatermark.id == 1))


def settled(before):
    """SQL: closed before the watermark (its figures final, see ``refresh``)."""
    return db.and_(Ticket.status == Status.closed, Ticket.closed_at < before)


# Every status but closed and merged, spelled out so that an index on the
# status serves the condition.
_NOT_CLOSED = [s for s in Status if s not in (Status.closed, Status.duplicate)]


# ---- the definitions, as SQL over the tickets (the dashboard counts with them) ----

def flags(now):
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


def count_if(condition):
    return db.func.coalesce(db.func.sum(db.case((condition, 1), else_=0)), 0)


def counters(now):
    f = flags(now)
    return [db.func.count(Ticket.id).label("total"),
            count_if(db.and_(f["due"], f["in_time"])).label("in_time"),
            count_if(f["due"]).label("due"),
            count_if(f["fixed"]).label("fixed"), count_if(f["closed"]).label("closed"),
            count_if(db.and_(f["rated"], f["satisfied"])).label("satisfied"),
            count_if(f["rated"]).label("rated"),
            count_if(db.and_(f["ever_resolved"], f["reopened"])).label("reopened"),
            count_if(f["ever_resolved"]).label("ever_resolved")]


def dialect():
    return db.session.get_bind().dialect.name


LOCAL_HOURS = int(SHANGHAI / timedelta(hours=1))  # the offset as SQL writes it


def local_month(column):
    """A UTC timestamp's Asia/Shanghai month, YYYY-MM."""
    if dialect() == "postgresql":
        return db.func.to_char(column + db.text(f"interval '{LOCAL_HOURS} hours'"), "YYYY-MM")
    return db.func.strftime("%Y-%m", column, f"+{LOCAL_HOURS} hours")


def local_week(column):
    """A UTC timestamp's Asia/Shanghai week: its Monday, YYYY-MM-DD."""
    if dialect() == "postgresql":
        local = column + db.text(f"interval '{LOCAL_HOURS} hours'")
        return db.func.to_char(db.func.date_trunc("week", local), "YYYY-MM-DD")
    return db.func.date(column, f"+{LOCAL_HOURS} hours", "weekday 0", "-6 days")


def unsettled(before):
    """SQL: the tickets ``ticket_stats`` does not count (``before``: the
    watermark, None when nothing is counted).  Duplicates are left out by the
    dashboard's scope."""
    if before is None:
        return db.true()
    return db.or_(Ticket.status.in_(_NOT_CLOSED), Ticket.closed_at >= before)


def refresh(now=None):
    """Count the settled tickets again, from scratch, and move the watermark
    (one transaction; the caller commits).  Returns the watermark."""
    now = now or utcnow()
    before = now - MARGIN
    # A ticket closed without acknowledgement before its deadline came counts
    # as "due" only once it comes: keep such tickets out until it has.
    pending = db.session.scalar(db.select(db.func.min(Ticket.closed_at)).where(
        Ticket.status == Status.closed, Ticket.first_acknowledged_at.is_(None),
        Ticket.first_ack_due_at >= now))
    if pending is not None and pending < before:
        before = pending
    figures = counters(now)
    recent = now - timedelta(weeks=WEEKS_KEPT)
    keys = {"all": (db.literal(""), True),
            "organisation": (db.func.coalesce(db.cast(Ticket.organisation_id, db.String), ""),
                             True),
            "category": (db.cast(Ticket.category, db.String), True),
            "month": (local_month(Ticket.created_at), True),
            "opened": (local_week(Ticket.created_at), Ticket.created_at >= recent),
            "closed": (local_week(Ticket.closed_at), Ticket.closed_at >= recent)}
    db.session.execute(db.delete(TicketStats))
    columns = ["community_id", "compound_id", "dimension", "key", *COUNTERS]
    for dimension in DIMENSIONS:
        key, condition = keys[dimension]
        db.session.execute(db.insert(TicketStats).from_select(columns, db.select(
            Ticket.community_id, Ticket.compound_id, db.literal(dimension), key, *figures)
            .where(settled(before), condition)
            .group_by(Ticket.community_id, Ticket.compound_id, key)))
    mark = db.session.get(TicketStatsWatermark, 1)
    if mark is None:
        db.session.add(TicketStatsWatermark(id=1, settled_before=before, refreshed_at=now))
    else:
        mark.settled_before, mark.refreshed_at = before, now
    db.session.flush()
    return before

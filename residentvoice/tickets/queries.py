"""Which tickets a user sees, loaded with what their pages need in a fixed
number of queries (DESIGN §8: queries per page do not grow with the data)."""
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy.orm import joinedload, lazyload, selectinload

from ..extensions import db
from ..models import utcnow
from .models import FINISHED_STATUSES, OPEN_STATUSES, Affected, Category, Status, Ticket
from .sla import overdue_clause


def by_deadline(query):
    """Soonest deadline first (overdue on top), tickets with none (closed,
    merged) last: the stored ``due_at``, which the queue indexes serve."""
    return query.order_by(Ticket.due_at.asc().nulls_last(), Ticket.id)


def queue_scope(user):
    """SQL condition: tickets routed to the user's organisations, routed to
    their community's secretaries, or in communities they manage."""
    conditions = []
    orgs = user.organisation_ids()
    if orgs:
        conditions.append(Ticket.organisation_id.in_(orgs))
    communities = user.managed_community_ids()
    if communities:
        conditions.append(Ticket.community_id.in_(communities))
    return db.or_(*conditions) if conditions else db.false()


def visible_to(user):
    """SQL condition: the tickets ``user`` may see (``Ticket.can_view`` as a
    query) — their queue, those they reported or joined ("me too"), and the
    public tickets of their home compounds.  The API's list and search use it."""
    joined = db.select(Affected.ticket_id).where(Affected.user_id == user.id)
    return db.or_(queue_scope(user), Ticket.reporter_id == user.id, Ticket.id.in_(joined),
                  db.and_(Ticket.public.is_(True),
                          Ticket.compound_id.in_(user.compound_ids() or {-1})))


def _places():
    return (joinedload(Ticket.compound), joinedload(Ticket.community),
            joinedload(Ticket.organisation), joinedload(Ticket.building),
            joinedload(Ticket.household))


def with_details(query):
    """Tickets with their places, organisation and "me too" households (the
    API's list reads them for each ticket's actions)."""
    return query.options(*_places(), selectinload(Ticket.affected))


def page_places():
    """The ticket's compound, community, building, household and organisation
    (its page names them), read with it rather than each on first use.  The
    page's guard loads it so."""
    return _places()


def load_places(ticket):
    """``page_places`` for a ticket loaded without them (an action's form sent
    back shows the page again), unless they are read already."""
    if "compound" in db.inspect(ticket).unloaded:
        db.session.scalars(for_list(db.select(Ticket).where(Ticket.id == ticket.id))).all()
    return ticket


def for_list(query):
    """Tickets with what a list item (``tickets/_macros.html``) shows: their
    places and organisation.  Not their "me too" households, which no list
    item reads (loaded if something does)."""
    return query.options(*_places(), lazyload(Ticket.affected))


def queue(user, status=None, compound_id=None, category=None, overdue=False, now=None):
    """The staff queue, sorted by deadline (soonest first, overdue on top):
    which tickets, from the ticket table alone.  Load a slice of it with
    ``with_details_of`` (or page it with ``QueuePagination``)."""
    query = _queue_filtered(db.select(Ticket), queue_scope(user), status, category, overdue,
                            now)
    if compound_id:
        query = query.where(Ticket.compound_id == compound_id)
    return by_deadline(query)


def overdue_in(communities, now=None):
    """The open overdue tickets of these communities (ids, or a query of
    them), by deadline (the dashboard's list: its viewer manages every one of
    the communities, so their queue there is exactly this)."""
    return by_deadline(_queue_filtered(db.select(Ticket),
                                       Ticket.community_id.in_(communities),
                                       "open", None, True, now))


def with_details_of(limited):
    """The tickets ``limited`` (ordered, with its LIMIT) selects, in its order,
    with what their list items show.  The slice is chosen first, as a derived
    table of ids, and only its rows are joined: PostgreSQL then keeps one
    prepared plan for the statement instead of planning a six-table join with
    ORDER BY and LIMIT on every request (which took longer the more data its
    statistics describe)."""
    page = limited.with_only_columns(Ticket.id).subquery("page")
    return by_deadline(for_list(db.select(Ticket).join(page, page.c.id == Ticket.id)))


class QueuePagination(SelectPagination):
    """``db.paginate`` for ``queue()``: the page's tickets loaded by
    ``with_details_of``; the total counted on the ticket table alone."""

    def _query_items(self):
        limited = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(db.session.scalars(with_details_of(limited)).unique())

    def _query_count(self):
        # count(ticket.id) under the queue's conditions, not count(*) over a
        # derived table of every column of every ticket in it.
        select = self._query_args["select"]
        return db.session.scalar(select.with_only_columns(db.func.count(Ticket.id))
                                 .order_by(None))


def _queue_filtered(query, scope, status, category, overdue, now):
    query = filter_status(query.where(scope), status)
    if category in Category.__members__:
        query = query.where(Ticket.category == Category[category])
    if overdue:
        query = query.where(overdue_clause(Ticket, now or utcnow()))
    return query


def queue_compounds(user, status=None, category=None, overdue=False, selected=None,
                    now=None):
    """The compounds to filter the queue by: those with tickets in it under
    the other filters (an organisation serving hundreds of compounds does not
    get hundreds of choices, nor choices that show nothing), and the chosen
    one while the user has any ticket there.  One query."""
    from ..directory.models import Compound
    scope = queue_scope(user)
    listed = _queue_filtered(db.select(Ticket.compound_id), scope, status, category,
                             overdue, now)
    condition = Compound.id.in_(listed.distinct())
    if selected:
        condition = db.or_(condition, db.and_(Compound.id == selected, Compound.id.in_(
            db.select(Ticket.compound_id).where(scope, Ticket.compound_id == selected))))
    return db.session.scalars(db.select(Compound).where(condition)
                              .order_by(Compound.name, Compound.id)).all()


def filter_status(query, status):
    """"open" (everything not closed or merged, resolved included) or one
    status.  Every ticket gets both deadlines when filed (``sla.start_clock``)
    and keeps them, so open tickets are exactly those with a ``due_at``:
    saying so lets the database read a queue index in order and stop after
    one page instead of passing over every closed ticket.  "Not closed or
    merged" rather than the list of open statuses (the same set), so that
    PostgreSQL does not also scan the status index, whose open part grows
    with every organisation's queue."""
    if status == "open":
        return query.where(Ticket.status.not_in(FINISHED_STATUSES), Ticket.due_at.is_not(None))
    if status in Status.__members__:
        return query.where(Ticket.status == Status[status])
    return query


def mine(user):
    """Tickets the user reported or joined ("me too")."""
    # A UNION of the two id lists, not an OR: with the OR PostgreSQL walked
    # every ticket backwards, filtering (2.2× slower with 100× the data).
    ids = db.union(db.select(Ticket.id).where(Ticket.reporter_id == user.id),
                   db.select(Affected.ticket_id).where(Affected.user_id == user.id))
    return for_list(db.select(Ticket).where(Ticket.id.in_(ids.scalar_subquery()))
                    ).order_by(Ticket.id.desc())


def reported_by(user, latest=20):
    """For the home page: the user's tickets resolved and awaiting their
    confirmation (soonest resolved first), and the ``latest`` of those still
    open (newest first), read in one statement — bare (the lists show
    number, category and status: nothing is loaded with them, not even their
    "me too" rows)."""
    mine = Ticket.reporter_id == user.id
    awaiting = db.select(Ticket.id).where(mine, Ticket.status == Status.resolved)
    still_open = (db.select(Ticket.id).where(mine, Ticket.status.in_(OPEN_STATUSES))
                  .order_by(Ticket.id.desc()).limit(latest).subquery())
    tickets = db.session.scalars(db.select(Ticket).where(Ticket.id.in_(db.union_all(
        awaiting, db.select(still_open.c.id)))).options(lazyload(Ticket.affected))).all()
    resolved = [t for t in tickets if t.status is Status.resolved]
    return (sorted(resolved, key=lambda t: t.resolved_at),
            sorted((t for t in tickets if t.status is not Status.resolved),
                   key=lambda t: t.id, reverse=True))


def queue_count(user):
    return db.session.scalar(db.select(db.func.count(Ticket.id)).where(
        queue_scope(user), Ticket.status.in_(OPEN_STATUSES)))

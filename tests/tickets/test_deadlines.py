"""The stored deadlines (``Ticket.due_at``, ``Ticket.overdue_at``) follow every
change of status or deadline, and the queue sorted and filtered on them shows
what the old computed expressions showed: ``next_due`` (acknowledge deadline
while waiting for acknowledgement, else resolve deadline) and the old overdue
clause (late to acknowledge or late to resolve).  The old expressions are
written out here as the reference."""
import importlib.util
from datetime import timedelta

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations

from residentvoice.config import ROOT
from residentvoice.dates import beijing_today
from residentvoice.models import utcnow
from residentvoice.tickets import actions, queries, workflow
from residentvoice.tickets.models import Status, Ticket, deadlines
from residentvoice.tickets.sla import is_overdue, overdue_clause
from residentvoice.tickets.sweep import sweep

S = Status
OLD_WAITING_ACK = (S.routed, S.reopened, S.not_responsible)
OLD_WORKING = (S.routed, S.acknowledged, S.in_progress, S.reopened, S.not_responsible)
FINISHED = (S.closed, S.duplicate)


def old_next_due(db):
    """The queue's sort key before it was stored."""
    return db.case((Ticket.status.in_(OLD_WAITING_ACK), Ticket.ack_due_at),
                   else_=Ticket.resolve_due_at)


def old_overdue(db, now):
    """The overdue filter before it was stored."""
    return db.or_(db.and_(Ticket.status.in_(OLD_WAITING_ACK), Ticket.ack_due_at < now),
                  db.and_(Ticket.status.in_(OLD_WORKING), Ticket.resolve_due_at < now))


def probe_times(ticket):
    """Moments around each deadline, where the answers change."""
    times = [utcnow(), utcnow() + timedelta(days=400)]
    for deadline in (ticket.ack_due_at, ticket.resolve_due_at):
        if deadline is not None:
            times += [deadline - timedelta(minutes=1), deadline,
                      deadline + timedelta(minutes=1)]
    return times


def check(db, ticket):
    """Stored values (read back from the database) agree with the old
    expressions at every moment that matters, and with ``is_overdue``."""
    db.session.flush()
    stored, old = db.session.execute(
        db.select(Ticket.due_at, old_next_due(db)).where(Ticket.id == ticket.id)).one()
    if ticket.status in FINISHED:
        assert stored is None, ticket.status
    else:
        assert stored is not None and stored == old, ticket.status
    for now in probe_times(ticket):
        was = db.session.scalar(db.select(Ticket.id).where(
            Ticket.id == ticket.id, old_overdue(db, now))) is not None
        stored_says = db.session.scalar(db.select(Ticket.id).where(
            Ticket.id == ticket.id, overdue_clause(Ticket, now))) is not None
        assert stored_says == was == is_overdue(ticket, now), (ticket.status, now)
    return stored


def test_the_rule(world):
    # the queue's "open" (not closed or merged) is the list of open statuses
    assert set(queries.OPEN_STATUSES + (S.resolved,)) == set(Status) - set(FINISHED)
    ack, resolve = utcnow(), utcnow() + timedelta(days=7)
    assert deadlines(S.submitted, ack, resolve) == (resolve, None)
    for status in OLD_WAITING_ACK:
        assert deadlines(status, ack, resolve) == (ack, ack)
        # rerouted late: the new time to acknowledge runs past the resolve deadline
        assert deadlines(status, resolve, ack) == (resolve, ack)
        assert deadlines(status, None, resolve) == (None, resolve)
    for status in (S.acknowledged, S.in_progress):
        assert deadlines(status, ack, resolve) == (resolve, resolve)
    assert deadlines(S.resolved, ack, resolve) == (resolve, None)
    for status in FINISHED:
        assert deadlines(status, ack, resolve) == (None, None)
    assert deadlines(None, ack, resolve) == (resolve, None)  # the column default


def test_due_at_follows_the_whole_flow(world, file_ticket, db):
    start = utcnow() - timedelta(days=3)
    ticket = file_ticket(now=start)
    assert ticket.status is S.routed
    assert check(db, ticket) == ticket.ack_due_at  # filed: time to acknowledge

    actions.acknowledge(world.staff, ticket, now=start + timedelta(hours=1))
    assert check(db, ticket) == ticket.resolve_due_at
    actions.start(world.staff, ticket, beijing_today() + timedelta(days=1),
                  now=start + timedelta(hours=2))
    assert ticket.status is S.in_progress and check(db, ticket) == ticket.resolve_due_at
    actions.resolve(world.staff, ticket, "修好了", now=start + timedelta(days=1))
    assert ticket.status is S.resolved and check(db, ticket) == ticket.resolve_due_at

    reopened_at = start + timedelta(days=2)
    actions.reopen(world.resident, ticket, "还在震", now=reopened_at)
    assert ticket.status is S.reopened and ticket.ack_due_at > reopened_at
    assert check(db, ticket) == ticket.ack_due_at  # a new clock

    actions.hand_back(world.staff, ticket, "不是我们的", now=reopened_at + timedelta(hours=1))
    assert ticket.status is S.not_responsible and check(db, ticket) == ticket.ack_due_at

    old_ack = ticket.ack_due_at
    rerouted_at = reopened_at + timedelta(hours=2)
    actions.reroute(world.secretary, ticket, world.other_org.id, now=rerouted_at)
    assert ticket.status is S.routed and ticket.ack_due_at > old_ack
    assert check(db, ticket) == ticket.ack_due_at  # the new party's time

    actions.acknowledge(world.other_staff, ticket, now=rerouted_at + timedelta(hours=1))
    actions.resolve(world.other_staff, ticket, "换了支架", now=rerouted_at + timedelta(hours=2))
    actions.confirm(world.resident, ticket, 5, now=rerouted_at + timedelta(hours=3))
    assert ticket.status is S.closed and check(db, ticket) is None
    assert ticket.overdue_at is None


def test_refused_and_merged_tickets_have_no_deadline(world, file_ticket, factory, db):
    refused = file_ticket()
    actions.acknowledge(world.staff, refused)
    actions.refuse(world.secretary, refused, "不属于本平台")
    assert refused.status is S.closed and check(db, refused) is None

    original = file_ticket(public=True)
    copy = file_ticket(reporter=factory.resident(world.household_a2),
                       household=world.household_a2)
    actions.mark_duplicate(world.secretary, copy, original.id)
    assert copy.status is S.duplicate and check(db, copy) is None
    assert check(db, original) == original.ack_due_at


def test_rerouted_late_is_overdue_by_the_resolve_deadline(world, file_ticket, db):
    """A ticket rerouted near its resolve deadline gets a time to acknowledge
    past it: it sorts by the acknowledge deadline (as before) but is overdue
    from the resolve deadline (as before), so one stored column is not enough."""
    start = utcnow() - timedelta(days=7)
    ticket = file_ticket(now=start)  # facade_ac: 2 days to acknowledge, 15 to resolve
    actions.hand_back(world.staff, ticket, "不是我们的", now=start + timedelta(hours=1))
    rerouted_at = ticket.resolve_due_at - timedelta(hours=1)
    actions.reroute(world.secretary, ticket, world.other_org.id, now=rerouted_at)
    assert ticket.ack_due_at > ticket.resolve_due_at
    assert check(db, ticket) == ticket.ack_due_at
    between = ticket.resolve_due_at + timedelta(minutes=30)
    assert ticket.overdue_at == ticket.resolve_due_at and is_overdue(ticket, between)
    assert ticket.id in [t.id for t in db.session.scalars(queries.queue(
        world.other_staff, status="open", overdue=True, now=between))]


def test_the_sweep_keeps_them(world, file_ticket, db):
    start = utcnow() - timedelta(days=20)
    late = file_ticket(now=start)
    resolved = file_ticket(now=start)
    actions.acknowledge(world.staff, resolved, now=start + timedelta(hours=1))
    actions.resolve(world.staff, resolved, "修好了", now=start + timedelta(hours=2))
    assert sweep(start + timedelta(days=3)) == {"secretaries": 1, "street_office": 0,
                                                "auto_closed": 0}
    assert late.escalation_level == 1 and check(db, late) == late.ack_due_at
    assert sweep(start + timedelta(days=5))["street_office"] == 1
    assert late.escalation_level == 2 and check(db, late) == late.ack_due_at
    assert sweep()["auto_closed"] == 1
    assert resolved.status is S.closed and check(db, resolved) is None


def test_a_status_changed_behind_the_orm_is_caught_at_the_next_flush(world, file_ticket, db):
    """``workflow.apply`` moves the status with a conditional UPDATE, then on
    the object: the flush stores the deadlines of the new status."""
    ticket = file_ticket()
    workflow.apply(world.staff, ticket, "acknowledge")
    assert check(db, ticket) == ticket.resolve_due_at


def test_an_edit_of_a_deadline_alone_is_stored(world, file_ticket, db):
    ticket = file_ticket()
    ticket.ack_due_at = ticket.ack_due_at + timedelta(hours=5)
    assert check(db, ticket) == ticket.ack_due_at


def _spread(world, file_ticket):
    """Tickets in every state, with deadlines in the past and the future, for
    the organisation and for the secretaries (no rule for insulation)."""
    base = utcnow() - timedelta(days=30)
    tickets = []
    for n in range(14):
        t = file_ticket(category="facade_ac" if n % 2 else "insulation", emergency=n % 5 == 0,
                        now=base + timedelta(days=2 * n, hours=n))
        handler = world.staff if t.organisation_id else world.secretary
        stage = n % 7
        at = base + timedelta(days=2 * n, hours=n + 1)
        if stage >= 1:
            actions.acknowledge(handler, t, now=at)
        if stage >= 2:
            actions.start(handler, t, beijing_today() + timedelta(days=1), now=at)
        if stage >= 3:
            actions.resolve(handler, t, "修好了", now=at)
        if stage == 4:
            actions.confirm(world.resident, t, 4, now=at)
        if stage == 5:
            actions.reopen(world.resident, t, "没修好", now=at)
        if stage == 6:
            actions.reopen(world.resident, t, "没修好", now=at)
            actions.hand_back(handler, t, "不是我们的", now=at)
        tickets.append(t)
    return tickets


@pytest.mark.parametrize("who", ["staff", "secretary", "street_admin"])
def test_queue_order_and_overdue_filter_match_the_old_expressions(
        world, file_ticket, db, who):
    tickets = _spread(world, file_ticket)
    assert {t.status for t in tickets} >= {S.routed, S.acknowledged, S.in_progress,
                                           S.resolved, S.closed, S.reopened,
                                           S.not_responsible}
    user = getattr(world, who)
    scope = queries.queue_scope(user)
    db.session.flush()

    def ids(query):
        return [t.id for t in db.session.scalars(query)]

    # Open tickets: exactly the old order, on the old expression.
    old_open = db.select(Ticket).where(
        scope, Ticket.status.in_(queries.OPEN_STATUSES + (S.resolved,))).order_by(
        old_next_due(db).asc().nulls_last(), Ticket.id)
    assert ids(queries.queue(user, status="open")) == ids(old_open)
    assert len(ids(old_open)) > 3
    # ... and so are the pages, loaded with their details
    for offset in (0, 2):
        page = queries.queue(user, status="open").limit(3).offset(offset)
        assert [t.id for t in db.session.scalars(queries.with_details_of(page)).unique()] \
            == ids(old_open)[offset:offset + 3]

    # Every ticket: the open ones in that order, then closed and merged ones
    # (which have no deadline any more) by number.
    finished = ids(db.select(Ticket).where(scope, Ticket.status.in_(FINISHED))
                   .order_by(Ticket.id))
    assert finished
    assert ids(queries.queue(user, status="")) == ids(old_open) + finished
    for status in Status:
        expected = [i for i in finished if db.session.get(Ticket, i).status is status] \
            if status in FINISHED else ids(old_open.where(Ticket.status == status))
        assert ids(queries.queue(user, status=status.name)) == expected, status

    # Overdue, at moments around every deadline.
    moments = {utcnow()}
    for t in tickets:
        moments.update(probe_times(t))
    for now in sorted(moments):
        for status in ("open", ""):
            new = ids(queries.queue(user, status=status, overdue=True, now=now))
            assert new == ids(old_open.where(old_overdue(db, now))), now


def test_queue_compound_choices_are_those_with_tickets(world, file_ticket, factory, db):
    """An organisation serving many compounds gets as choices the compounds
    its queue has tickets in (and the one chosen), not all of them."""
    quiet = [factory.compound(world.community_a) for _ in range(3)]
    world.organisation.compounds.extend(quiet)
    ticket = file_ticket()
    db.session.flush()
    assert queries.queue_compounds(world.staff, "open") == [world.compound_a]
    actions.acknowledge(world.staff, ticket)
    actions.refuse(world.secretary, ticket, "不处理")
    assert queries.queue_compounds(world.staff, "open") == []
    assert queries.queue_compounds(world.staff, "closed") == [world.compound_a]
    assert queries.queue_compounds(world.staff, "open", selected=world.compound_a.id) == \
        [world.compound_a]
    # a compound without any of the user's tickets is not named, even when asked for
    assert queries.queue_compounds(world.staff, "open", selected=quiet[0].id) == []
    assert queries.queue_compounds(world.staff, "open", selected=world.compound_b.id) == []


def _migration():
    path = next((ROOT / "migrations" / "versions").glob("e22a7d48972a_*.py"))
    spec = importlib.util.spec_from_file_location("migration_e22a7d48972a", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_fills_existing_rows_by_the_same_rule(world, file_ticket, db):
    tickets = _spread(world, file_ticket)
    odd = file_ticket()
    odd.ack_due_at = odd.resolve_due_at + timedelta(hours=1)  # rerouted late
    tickets.append(odd)
    db.session.flush()
    # every status, including those the flow reaches only briefly
    statuses = list(Status)
    for n, t in enumerate(tickets[:len(statuses)]):
        db.session.execute(db.update(Ticket).where(Ticket.id == t.id)
                           .values(status=statuses[n]))
    db.session.execute(db.update(Ticket).values(due_at=None, overdue_at=None))
    connection = db.session.connection()
    with Operations.context(MigrationContext.configure(connection)):
        _migration().fill_deadlines()
    rows = db.session.execute(db.select(Ticket.status, Ticket.ack_due_at,
                                        Ticket.resolve_due_at, Ticket.due_at,
                                        Ticket.overdue_at)).all()
    assert {r.status for r in rows} == set(Status)
    for r in rows:
        assert (r.due_at, r.overdue_at) == deadlines(r.status, r.ack_due_at,
                                                     r.resolve_due_at), r.status


def _plan(db, statement):
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    return "\n".join(row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql)))


def test_the_queue_reads_its_index_in_order(world, file_ticket, db):
    """SQLite's plan for an organisation's queue (PostgreSQL's depends on the
    table's size; see EXPLAIN on a demo database): the (organisation, due_at)
    index read in order and no sort, so a page costs its 50 rows however many
    tickets there are; for open tickets only the range with a deadline, so
    closed tickets cost nothing."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner; PostgreSQL chooses by table statistics")
    file_ticket()
    for status in ("open", ""):
        plan = _plan(db, queries.queue(world.staff, status=status).limit(50))
        assert "USING INDEX ix_ticket_organisation_due" in plan and \
            "TEMP B-TREE FOR ORDER BY" not in plan, (status, plan)
    plan = _plan(db, queries.queue(world.staff, status="open").limit(50))
    assert "ix_ticket_organisation_due (organisation_id=? AND due_at>?)" in plan, plan
    plan = _plan(db, queries.queue(world.secretary, status="open").limit(50))
    assert "ix_ticket_community_due (community_id=? AND due_at>?)" in plan and \
        "TEMP B-TREE FOR ORDER BY" not in plan, plan
    # the page with its details: that slice first, then its rows joined by key
    plan = _plan(db, queries.with_details_of(
        queries.queue(world.staff, status="open").limit(50)))
    assert "ix_ticket_organisation_due (organisation_id=? AND due_at>?)" in plan, plan
    assert "SCAN ticket" not in plan and "SCAN compound" not in plan, plan

"""The unread count shown on every page is answered from the partial index
ix_notification_unread alone (only unread rows; no visit to the table)."""
from sqlalchemy import event

from residentvoice.models import utcnow
from residentvoice.notifications import services
from residentvoice.notifications.models import Notification


def _explain(db, user):
    """The plan of the very statement ``unread_count`` runs."""
    seen = []

    def before(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        count = services.unread_count(user)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    statement, parameters = [s for s in seen if "notification" in s[0]][-1]
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        # A handful of rows: make the planner show which index it would use.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return count, "\n".join(r[0] for r in rows)
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return count, "\n".join(r[-1] for r in rows)


def test_the_unread_count_is_read_from_the_partial_index(factory, db):
    user, other = factory.user(), factory.user()
    services.notify([user.id, other.id], "t", "Household %(code)s added.", {"code": "A"})
    services.notify([user.id], "t", "Household %(code)s added.", {"code": "B"})
    first = db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id)).first()
    first.read_at = utcnow()
    db.session.flush()
    count, plan = _explain(db, user)
    assert count == 1
    if db.engine.dialect.name == "postgresql":
        assert "Index Only Scan using ix_notification_unread" in plan, plan
        return
    # SQLite answers it from a covering index; without table statistics it may
    # take the full (user_id, read_at) one, which visits the same unread entries.
    assert "COVERING INDEX" in plan, plan
    forced = db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM notification INDEXED BY "
        "ix_notification_unread WHERE user_id = ? AND read_at IS NULL", (user.id,)).all()
    assert "COVERING INDEX ix_notification_unread" in forced[-1][-1], forced

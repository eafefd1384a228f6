""""My tickets" finds the tickets a user joined ("me too") through the index
(user_id, ticket_id) of ticket_affected, not by reading every row."""
from residentvoice.tickets import queries


def test_my_tickets_reads_the_me_too_rows_by_user_from_the_index(factory, db):
    user = factory.user()
    statement = queries.mine(user)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        # Empty tables: make the planner show which access path it would take.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(r[0] for r in connection.exec_driver_sql(f"EXPLAIN {compiled}"))
    else:
        plan = "\n".join(r[-1] for r in connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}"))
    assert "ix_ticket_affected_user" in plan, plan

"""The audit log (DESIGN §3): append-only, written by services, browsed by the
community's secretaries, filtered by object; its page's queries do not grow
with the entries."""
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from residentvoice.audit.models import AuditEntry
from residentvoice.audit.services import AuditLogIsAppendOnly, record


@contextmanager
def count_queries(db):
    seen = []
    engine = db.session.get_bind()
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def test_entries_cannot_be_changed_or_deleted(factory, db):
    w = factory.world()
    record(w.secretary, "test.done", w.household_a, summary="first",
           community_id=w.community_a.id)
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "test.done")).one()
    savepoint = db.session.begin_nested()
    entry.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    savepoint.rollback()
    savepoint = db.session.begin_nested()
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    savepoint.rollback()


def test_secretaries_see_their_community_only_filtered_by_object(factory, client, auth, db):
    w = factory.world()
    record(w.secretary, "household.updated", w.household_a, summary="mine-a",
           community_id=w.community_a.id)
    record(w.secretary, "household.updated", w.household_a2, summary="mine-a2",
           community_id=w.community_a.id)
    record(w.other_secretary, "household.updated", w.household_b, summary="theirs",
           community_id=w.community_b.id)
    db.session.commit()
    auth.login(w.secretary)
    page = client.get("/audit/").get_data(as_text=True)
    a, a2, b = w.household_a.label, w.household_a2.label, w.household_b.label
    assert a in page and a2 in page and b not in page
    page = client.get(f"/audit/?type=Household&id={w.household_a2.id}").get_data(as_text=True)
    assert a2 in page and a not in page


def test_log_page_queries_do_not_grow_with_entries(factory, client, auth, db):
    w = factory.world()
    auth.login(w.secretary)

    def measure():
        db.session.commit()
        with count_queries(db) as seen:
            assert client.get("/audit/").status_code == 200
        return len(seen)

    for n in range(3):
        actor = factory.secretary(w.community_a)
        record(actor, "x.done", w.household_a, community_id=w.community_a.id)
    few = measure()
    for n in range(30):
        actor = factory.secretary(w.community_a)
        record(actor, "x.done", w.household_a, community_id=w.community_a.id)
    assert measure() == few
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) >= 33

"""Keeping the search index current.

Each searchable model has a ``document`` function giving what search reads
for one of its records.  Mapper events rewrite a record's document in the
same flush (and so the same transaction) that inserts or changes one of the
columns it is built from, and delete it with the record; ``reindex`` rebuilds
everything (``flask search reindex``, after the migration that adds the
index or after bulk SQL that bypassed the ORM)."""
from sqlalchemy import event, inspect

from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from ..spaces.models import SUPPORTABLE, Proposal, ProposalStatus
from ..tickets.models import Ticket
from ..voting.models import Ballot, BallotStatus
from .models import SearchDocument

TITLE_MAX = 300
ACTIVE_PROPOSALS = SUPPORTABLE | {ProposalStatus.submitted, ProposalStatus.under_review,
                                  ProposalStatus.returned, ProposalStatus.draft}
ACTIVE_MEETINGS = (MeetingStatus.draft, MeetingStatus.announced, MeetingStatus.in_session)
ACTIVE_BALLOTS = (BallotStatus.draft, BallotStatus.announced, BallotStatus.open)


def _joined(*parts):
    return "\n".join(p for p in parts if p)


def proposal_documents(p):
    return [dict(kind="proposal", ref_id=p.id, compound_id=p.compound_id, status=p.status.name,
                 active=p.status in ACTIVE_PROPOSALS, happened_at=p.created_at,
                 title=p.title, text=_joined(p.title, p.description))]


def ticket_documents(t):
    """The complaint as the ticket page shows it: redacted text only, and no
    reporter or contact details."""
    return [dict(kind="ticket", ref_id=t.id, compound_id=t.compound_id, status=t.status.name,
                 active=t.is_open, happened_at=t.created_at,
                 title=f"{t.number} {t.location_text}".strip(),
                 text=_joined(t.number, t.location_text, t.description))]


def meeting_documents(m):
    """The meeting, and once they are published its minutes as a second document."""
    docs = [dict(kind="meeting", ref_id=m.id, compound_id=m.compound_id, status=m.status.name,
                 active=m.status in ACTIVE_MEETINGS, happened_at=m.starts_at, title=m.title,
                 text=_joined(m.title, m.place))]
    if m.status is MeetingStatus.minutes_published and m.minutes_text:
        docs.append(dict(kind="minutes", ref_id=m.id, compound_id=m.compound_id,
                         status=m.status.name, active=False,
                         happened_at=m.minutes_published_at or m.starts_at, title=m.title,
                         text=_joined(m.title, m.minutes_text)))
    return docs


def ballot_documents(b):
    return [dict(kind="ballot", ref_id=b.id, compound_id=b.compound_id, status=b.status.name,
                 active=b.status in ACTIVE_BALLOTS, happened_at=b.opens_at, title=b.title,
                 text=_joined(b.title, b.description))]


# model → (kinds its documents have, builder, columns the documents are built from)
INDEXED = {
    Proposal: (("proposal",), proposal_documents, ("title", "description", "status")),
    Ticket: (("ticket",), ticket_documents, ("description", "location_text", "status")),
    Meeting: (("meeting", "minutes"), meeting_documents,
              ("title", "place", "starts_at", "status", "minutes_text")),
    Ballot: (("ballot",), ballot_documents, ("title", "description", "status", "opens_at")),
}


def _write(connection, kinds, ref_id, documents, new=False):
    """Replace the record's documents (a new record has none to delete)."""
    table = SearchDocument.__table__
    if not new:
        connection.execute(table.delete().where(table.c.kind.in_(kinds),
                                                table.c.ref_id == ref_id))
    for doc in documents:
        doc["title"] = (doc["title"] or "")[:TITLE_MAX]
    if documents:
        connection.execute(table.insert(), documents)


def _changed(obj, columns):
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in columns)


def _listen(model, kinds, build, columns):
    @event.listens_for(model, "after_insert")
    def inserted(_mapper, connection, obj):
        _write(connection, kinds, obj.id, build(obj), new=True)

    @event.listens_for(model, "after_update")
    def updated(_mapper, connection, obj):
        if _changed(obj, columns):
            _write(connection, kinds, obj.id, build(obj))

    @event.listens_for(model, "after_delete")
    def deleted(_mapper, connection, obj):
        _write(connection, kinds, obj.id, [])


for _model, (_kinds, _build, _columns) in INDEXED.items():
    _listen(_model, _kinds, _build, _columns)


def reindex(batch=500):
    """Rebuild the whole index from the records; returns the number of documents."""
    db.session.execute(db.delete(SearchDocument))
    count = 0
    for model, (_kinds, build, _columns) in INDEXED.items():
        last = 0
        while True:
            rows = db.session.scalars(db.select(model).where(model.id > last)
                                      .order_by(model.id).limit(batch)).all()
            if not rows:
                break
            docs = [doc for row in rows for doc in build(row)]
            for doc in docs:
                doc["title"] = (doc["title"] or "")[:TITLE_MAX]
            if docs:
                db.session.execute(db.insert(SearchDocument), docs)
            count += len(docs)
            last = rows[-1].id
            db.session.expunge_all()
    return count

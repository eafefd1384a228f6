"""The search index: one document per searchable record.

Chinese has no spaces between words, so words are found as substrings: on
SQLite through an FTS5 table with the ``trigram`` tokenizer over
``search_document.text`` (kept in step by triggers), on PostgreSQL through a
GIN ``pg_trgm`` index on the same column.  Both answer ``LIKE '%word%'``
style matches for words of three characters or more; shorter words (电梯,
楼) are matched with LIKE over this table, already narrowed to what the user
may see (``services.matching``)."""
from sqlalchemy import DDL, event

from ..extensions import db

KINDS = ("proposal", "ticket", "meeting", "minutes", "ballot")


class SearchDocument(db.Model):
    """What search reads for one record of another feature (``kind``,
    ``ref_id``): its title, the text searched, the compound, its status and
    whether it is still active, and the date it is filed under."""
    __tablename__ = "search_document"
    __table_args__ = (
        db.UniqueConstraint("kind", "ref_id", name="uq_search_document_kind_ref"),
        db.Index("ix_search_document_happened", "happened_at", "id"),
        db.Index("ix_search_document_text_trgm", "text", postgresql_using="gin",
                 postgresql_ops={"text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False)
    ref_id = db.Column(db.Integer, nullable=False)
    compound_id = db.Column(db.Integer, index=True)
    status = db.Column(db.String(24), nullable=False, default="")
    active = db.Column(db.Boolean, nullable=False, default=True)
    happened_at = db.Column(db.DateTime, nullable=False)
    title = db.Column(db.String(300), nullable=False, default="")
    text = db.Column(db.Text, nullable=False, default="")


# The SQLite side: an external-content FTS5 table over ``text`` and the
# triggers that keep it in step.  The migration creates the same.
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "text, content='search_document', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS search_fts_ai AFTER INSERT ON search_document BEGIN "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_ad AFTER DELETE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS search_fts_au AFTER UPDATE ON search_document BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO search_fts(rowid, text) VALUES (new.id, new.text); END",
)
SQLITE_FTS_DROP = ("DROP TRIGGER IF EXISTS search_fts_au", "DROP TRIGGER IF EXISTS search_fts_ad",
                   "DROP TRIGGER IF EXISTS search_fts_ai", "DROP TABLE IF EXISTS search_fts")
PG_TRGM = "CREATE EXTENSION IF NOT EXISTS pg_trgm"

# ``db.create_all()`` (tests, a fresh development database) builds what the
# migration builds: the extension before the table, the FTS table after it.
event.listen(SearchDocument.__table__, "before_create",
             DDL(PG_TRGM).execute_if(dialect="postgresql"))
for _statement in SQLITE_FTS:
    event.listen(SearchDocument.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_FTS_DROP:
    event.listen(SearchDocument.__table__, "before_drop",
                 DDL(_statement).execute_if(dialect="sqlite"))

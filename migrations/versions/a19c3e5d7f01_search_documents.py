"""search: one document per searchable record, with a trigram index

Issue 19 §3.  ``search_document`` holds the text search reads; on SQLite an
FTS5 table with the trigram tokenizer (kept in step by triggers) indexes it,
on PostgreSQL a GIN pg_trgm index.  Existing records are indexed by
``flask search reindex`` (the documents are built by the features' own
models, which a migration should not import).

Revision ID: a19c3e5d7f01
Revises: b7e2d4f6a813
Create Date: 2026-12-05 00:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a19c3e5d7f01"
down_revision = "b7e2d4f6a813"
branch_labels = None
depends_on = None

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


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("happened_at", sa.DateTime(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "ref_id", name="uq_search_document_kind_ref"),
    )
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.create_index("ix_search_document_compound_id", ["compound_id"], unique=False)
        batch_op.create_index("ix_search_document_happened", ["happened_at", "id"], unique=False)
    if dialect == "postgresql":
        op.create_index("ix_search_document_text_trgm", "search_document", ["text"],
                        postgresql_using="gin", postgresql_ops={"text": "gin_trgm_ops"})
    elif dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in ("DROP TRIGGER IF EXISTS search_fts_au",
                          "DROP TRIGGER IF EXISTS search_fts_ad",
                          "DROP TRIGGER IF EXISTS search_fts_ai",
                          "DROP TABLE IF EXISTS search_fts"):
            op.execute(statement)
    elif dialect == "postgresql":
        op.drop_index("ix_search_document_text_trgm", table_name="search_document")
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.drop_index("ix_search_document_happened")
        batch_op.drop_index("ix_search_document_compound_id")
    op.drop_table("search_document")

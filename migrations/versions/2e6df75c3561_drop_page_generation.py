"""drop page_generation: the page cache is gone (issue 15 §2)

Every writing transaction replaced the token in this one row, so writers on
PostgreSQL queued on it even with the cache off; the cache only helped
read-only traffic.  The downgrade recreates the table with a fresh token.

Revision ID: 2e6df75c3561
Revises: f1588eba2f3c
Create Date: 2026-12-04

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "2e6df75c3561"
down_revision = "f1588eba2f3c"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("page_generation")


def downgrade():
    table = op.create_table(
        "page_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16)}])

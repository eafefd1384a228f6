"""page cache: the data generation token

Revision ID: c2ee0008d4d8
Revises: 4676753a4186
Create Date: 2026-11-25

"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "c2ee0008d4d8"
down_revision = "4676753a4186"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "page_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16)}])


def downgrade():
    op.drop_table("page_generation")

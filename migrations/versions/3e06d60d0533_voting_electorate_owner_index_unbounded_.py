"""voting: electorate owner index, unbounded cast households

Revision ID: 3e06d60d0533
Revises: 7202f3d9f40c
Create Date: 2026-11-25

Every vote looks up the owner's other units of the ballot by (owner, ballot):
an index for it (owner first, so the tally's scan of a ballot grouped by owner
keeps its plan).  A cast's household list was VARCHAR(2000), about 285 ids:
an institution owning more units of a compound could not vote on PostgreSQL.
SQLite never enforces a VARCHAR length, so its column stays (rebuilding the
table would need its foreign keys off).
"""
import sqlalchemy as sa
from alembic import op

revision = "3e06d60d0533"
down_revision = "7202f3d9f40c"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("ballot_cast", "households", existing_type=sa.VARCHAR(length=2000),
                        type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table("ballot_electorate", schema=None) as batch_op:
        batch_op.create_index("ix_ballot_electorate_owner", ["owner_key", "ballot_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("ballot_electorate", schema=None) as batch_op:
        batch_op.drop_index("ix_ballot_electorate_owner")
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("ballot_cast", "households", existing_type=sa.Text(),
                        type_=sa.VARCHAR(length=2000), existing_nullable=False)

"""meetings: the last move of an announced meeting

Moving a meeting after its notice went out sends an updated notice, and the
printed notice shows the change (issue 17 §8): when it changed, and the time
and place it replaced.

Revision ID: b9e3d5f7a2c4
Revises: a8d4f1c6e3b9
Create Date: 2026-12-05 01:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b9e3d5f7a2c4"
down_revision = "a8d4f1c6e3b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("previous_starts_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("previous_place", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("previous_place")
        batch_op.drop_column("previous_starts_at")
        batch_op.drop_column("changed_at")

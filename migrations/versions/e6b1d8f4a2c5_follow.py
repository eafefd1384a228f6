"""follow: a user's choice to follow, or to stop following, a record

Issue 19 §4.  Authors, supporters and "me too" households follow without a
row; a row records an explicit follow or an explicit stop.

Revision ID: e6b1d8f4a2c5
Revises: 8a3c5e7f9b12
Create Date: 2026-12-05 01:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e6b1d8f4a2c5"
down_revision = "8a3c5e7f9b12"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("following", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "kind", "ref_id", name="uq_follow_user_ref"),
    )
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.create_index("ix_follow_ref", ["kind", "ref_id"], unique=False)


def downgrade():
    with op.batch_alter_table("follow", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_ref")
    op.drop_table("follow")

"""spaces: the support a proposal needs before the council, per compound

Issue 19 §5: the compound's secretaries set the number of supporting
households (上会门槛); the proposal page shows how far each proposal is from it.

Revision ID: f2c9a4e7b3d8
Revises: e6b1d8f4a2c5
Create Date: 2026-12-05 01:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "f2c9a4e7b3d8"
down_revision = "e6b1d8f4a2c5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "support_threshold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("households > 0", name="ck_support_threshold_positive"),
        sa.ForeignKeyConstraint(["compound_id"], ["compound.id"]),
        sa.ForeignKeyConstraint(["set_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("compound_id"),
    )


def downgrade():
    op.drop_table("support_threshold")

"""siteplan: the compound's site plan and the buildings and spaces marked on it

Issue 19 §1: one plan picture per compound (an upload); marks are fractions
(0–1) of the picture's width and height.

Revision ID: a7d3f9c2e5b8
Revises: d5a8c2e7f4b1
Create Date: 2026-12-05 00:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a7d3f9c2e5b8"
down_revision = "d5a8c2e7f4b1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "site_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["compound_id"], ["compound.id"]),
        sa.ForeignKeyConstraint(["upload_id"], ["upload.id"]),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("compound_id"),
    )
    op.create_table(
        "plan_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.Column("x", sa.Float(), nullable=False),
        sa.Column("y", sa.Float(), nullable=False),
        sa.CheckConstraint("(building_id IS NULL) <> (space_id IS NULL)",
                           name="ck_plan_mark_one_target"),
        sa.CheckConstraint("x >= 0 AND x <= 1 AND y >= 0 AND y <= 1",
                           name="ck_plan_mark_inside"),
        sa.ForeignKeyConstraint(["plan_id"], ["site_plan.id"]),
        sa.ForeignKeyConstraint(["building_id"], ["building.id"]),
        sa.ForeignKeyConstraint(["space_id"], ["space.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "building_id"),
        sa.UniqueConstraint("plan_id", "space_id"),
    )
    op.create_index("ix_plan_mark_plan_id", "plan_mark", ["plan_id"])


def downgrade():
    op.drop_index("ix_plan_mark_plan_id", table_name="plan_mark")
    op.drop_table("plan_mark")
    op.drop_table("site_plan")

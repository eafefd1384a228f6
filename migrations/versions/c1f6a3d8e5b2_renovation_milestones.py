"""renovation: each building's dated steps with before / during / after photos

Issue 19 §8.  ``renovation_milestone`` holds a building's steps; their photos
are uploads of type ``renovation_milestone``.

Revision ID: c1f6a3d8e5b2
Revises: b9e3d5f7a2c4
Create Date: 2026-12-05 01:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c1f6a3d8e5b2"
down_revision = "b9e3d5f7a2c4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "renovation_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("building_id", sa.Integer(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("stage", sa.Enum("before", "during", "after", name="stage",
                                   native_enum=False, length=8), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["building_id"], ["building.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["renovation_project.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("renovation_milestone", schema=None) as batch_op:
        batch_op.create_index("ix_renovation_milestone_building",
                              ["project_id", "building_id", "happened_on"], unique=False)


def downgrade():
    with op.batch_alter_table("renovation_milestone", schema=None) as batch_op:
        batch_op.drop_index("ix_renovation_milestone_building")
    op.drop_table("renovation_milestone")

"""meetings: votes cast on phones during a live meeting

Issue 19 §7.  One row per checked-in attendee per motion (unique pair),
changed in place while the vote is open; the recorded count adds them to
the hands counted in the room.

Revision ID: d5a8c2e7f4b1
Revises: c1f6a3d8e5b2
Create Date: 2026-12-05 00:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "d5a8c2e7f4b1"
down_revision = "c1f6a3d8e5b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "phone_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("motion_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.Enum("yes", "no", "abstain", name="votechoice",
                                    native_enum=False, length=8), nullable=False),
        sa.Column("cast_at", sa.DateTime(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["motion_id"], ["motion.id"],
                                name=op.f("fk_phone_vote_motion_id_motion")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"],
                                name=op.f("fk_phone_vote_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phone_vote")),
        sa.UniqueConstraint("motion_id", "user_id", name="uq_phone_vote_motion_user"),
    )
    with op.batch_alter_table("phone_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_phone_vote_motion_id"), ["motion_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_phone_vote_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("phone_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_phone_vote_user_id"))
        batch_op.drop_index(batch_op.f("ix_phone_vote_motion_id"))
    op.drop_table("phone_vote")

"""meetings: calendar event sequences and per-user calendar feeds

Issue 19 §6.  ``calendar_event`` stores the SEQUENCE of each meeting's and
ballot window's calendar event (raised on every change the event shows);
``calendar_feed`` the hash of each user's secret subscription address.

Revision ID: c4a7e2b9d6f3
Revises: a19c3e5d7f01
Create Date: 2026-12-05 00:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c4a7e2b9d6f3"
down_revision = "a19c3e5d7f01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "ref_id", name="uq_calendar_event_kind_ref"),
    )
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("user_id"),
    )


def downgrade():
    op.drop_table("calendar_feed")
    op.drop_table("calendar_event")

"""tickets: counted history for the dashboard (ticket_stats and its
watermark), indexes on the tickets' filing and closing times (issue 15 §3)

A street office over a whole district reads the figures of a million
tickets: settled (closed) tickets are counted once by ``flask tickets
refresh-stats``; the dashboard adds the live rest.  Derived data — the
upgrade leaves the tables empty (everything counted live until the first
refresh).

Revision ID: 7d1e5a9c3b20
Revises: 5f2b8c0d9e14
Create Date: 2026-12-05 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "7d1e5a9c3b20"
down_revision = "5f2b8c0d9e14"
branch_labels = None
depends_on = None

COUNTERS = ("total", "in_time", "due", "fixed", "closed", "satisfied", "rated", "reopened",
            "ever_resolved")


def upgrade():
    op.create_table(
        "ticket_stats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sa.Integer(), nullable=False),
        sa.Column("compound_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTERS],
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_stats")),
    )
    with op.batch_alter_table("ticket_stats", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_stats_scope", ["community_id", "dimension",
                                                        "compound_id"], unique=False)
    op.create_table(
        "ticket_stats_watermark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("settled_before", sa.DateTime(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_stats_watermark")),
    )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_ticket_closed_at", ["closed_at"], unique=False)


def downgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_closed_at")
        batch_op.drop_index("ix_ticket_created_at")
    op.drop_table("ticket_stats_watermark")
    with op.batch_alter_table("ticket_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_stats_scope")
    op.drop_table("ticket_stats")

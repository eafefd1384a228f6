"""notifications: SMS channel choice, opt-outs, the SMS outbox, reminders sent once

Issue 18 §3: residents choose SMS (``sms_choice``), numbers that replied TD are
kept (``sms_opt_out``), every SMS is an outbox row with its delivery status
(``sms_message``), and a reminder such as "ballot closing in 2 days" goes out
once (``reminder_sent``).

Revision ID: 5c8e1f3a7d24
Revises: a19c3e5d7f01
Create Date: 2026-12-05 00:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "5c8e1f3a7d24"
down_revision = "a19c3e5d7f01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_choice",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "sms_opt_out",
        sa.Column("phone", sa.String(length=11), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.Enum("account", "reply", name="optoutsource",
                                    native_enum=False, length=16), nullable=False),
        sa.PrimaryKeyConstraint("phone"),
    )
    op.create_table(
        "sms_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Enum("queued", "sent", "failed", "capped", "opted_out",
                                    name="smsstatus", native_enum=False, length=16),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("provider_id", sa.String(length=80), nullable=False),
        sa.Column("cost_units", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sms_message", schema=None) as batch_op:
        batch_op.create_index("ix_sms_message_user_id", ["user_id"], unique=False)
        batch_op.create_index("ix_sms_message_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_sms_message_user_sent", ["user_id", "sent_at"], unique=False)
    op.create_table(
        "reminder_sent",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade():
    op.drop_table("reminder_sent")
    with op.batch_alter_table("sms_message", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_message_user_sent")
        batch_op.drop_index("ix_sms_message_due")
        batch_op.drop_index("ix_sms_message_user_id")
    op.drop_table("sms_message")
    op.drop_table("sms_opt_out")
    op.drop_table("sms_choice")

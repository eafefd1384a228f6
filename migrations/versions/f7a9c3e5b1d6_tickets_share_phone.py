"""tickets: the reporter may let the staff handling a ticket see their phone

(issue 17 §7: each side sees how to reach the other; the contractor sees the
resident's mobile number only when the resident allowed it.)

Revision ID: f7a9c3e5b1d6
Revises: f2c9a4e7b3d8
Create Date: 2026-12-05 01:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "f7a9c3e5b1d6"
down_revision = "f2c9a4e7b3d8"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share_phone", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("share_phone")

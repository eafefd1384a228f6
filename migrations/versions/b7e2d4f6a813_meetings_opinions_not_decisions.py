"""meetings: a show of hands that cannot decide is recorded as an opinion

Without a quorum, or on a matter the owners decide by ballot, what a show of
hands carries is the meeting's opinion or suggestion (意见/建议), never a
decision (issue 17 §10): ``motion.advisory`` says why, and the agenda item
keeps such motions in ``opinion`` beside its ``decision``.

Revision ID: b7e2d4f6a813
Revises: 7d1e5a9c3b20
Create Date: 2026-12-05 00:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b7e2d4f6a813"
down_revision = "7d1e5a9c3b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opinion", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("motion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("advisory", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("motion", schema=None) as batch_op:
        batch_op.drop_column("advisory")
    with op.batch_alter_table("agenda_item", schema=None) as batch_op:
        batch_op.drop_column("opinion")

"""voting: why a ballot closed before its closing time

Closing a ballot early needs a reason, printed on the results notice
(issue 17 §10).

Revision ID: d3f5b7a9c1e2
Revises: a19c3e5d7f01
Create Date: 2026-12-05 00:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "d3f5b7a9c1e2"
down_revision = "a19c3e5d7f01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("early_close_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_column("early_close_reason")

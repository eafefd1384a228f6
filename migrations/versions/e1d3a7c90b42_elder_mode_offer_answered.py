"""auth: the one-time offer of elder mode (长辈版) was answered

Elder mode (issue 18 §1) is offered once, by an inline banner after the first
sign-in; ``user.elder_offer_answered`` keeps the answer with the account so the
banner does not come back on another phone.  Existing accounts have not been
asked.

Revision ID: e1d3a7c90b42
Revises: 2e6df75c3561
Create Date: 2026-12-05 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e1d3a7c90b42"
down_revision = "2e6df75c3561"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("elder_offer_answered", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("elder_offer_answered")

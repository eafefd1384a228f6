"""voting: proxies without a phone are told apart by name and ID

Proxies without a mobile number were lumped together by name: two different
people called 王五 shared one cap.  They are now told apart by name and the
last four characters of their ID card (issue 14.13).

Revision ID: 5f2b8c0d9e14
Revises: 9c4e2a7b51d0
Create Date: 2026-12-05 10:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "5f2b8c0d9e14"
down_revision = "9c4e2a7b51d0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("ballot_proxy", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proxy_id_tail", sa.String(length=4), nullable=False,
                                      server_default=""))


def downgrade():
    with op.batch_alter_table("ballot_proxy", schema=None) as batch_op:
        batch_op.drop_column("proxy_id_tail")

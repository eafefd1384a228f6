"""meetings: a calendar address stops working when the password changes

``calendar_feed.password_stamp`` fingerprints the account's password hash
when the address was made; a password change or reset (which ends every
session and API token) thereby ends the address too.  Existing addresses
get an empty stamp and stop working: their owners make a new one.

Revision ID: a8d4f1c6e3b9
Revises: f7a9c3e5b1d6
Create Date: 2026-12-05 01:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a8d4f1c6e3b9"
down_revision = "f7a9c3e5b1d6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_stamp", sa.String(length=16), nullable=False,
                                      server_default=""))


def downgrade():
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.drop_column("password_stamp")

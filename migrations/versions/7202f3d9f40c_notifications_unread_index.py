"""notifications: a partial index for the unread count

The count on every page (``SELECT count(*) … WHERE user_id = ? AND read_at IS
NULL``) is answered from this index alone, which holds only the unread rows
(an index-only scan on PostgreSQL, a covering index on SQLite); marking all
read finds its rows there too.

Revision ID: 7202f3d9f40c
Revises: e22a7d48972a
Create Date: 2026-11-25 16:27:19.701034

"""
import sqlalchemy as sa
from alembic import op

revision = "7202f3d9f40c"
down_revision = "e22a7d48972a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notification_unread", "notification", ["user_id", "read_at"],
                    unique=False, sqlite_where=sa.text("read_at IS NULL"),
                    postgresql_where=sa.text("read_at IS NULL"))


def downgrade():
    op.drop_index("ix_notification_unread", table_name="notification")

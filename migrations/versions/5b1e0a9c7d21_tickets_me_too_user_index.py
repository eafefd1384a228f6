"""tickets: an index on the "me too" rows by user

"My tickets" lists the tickets a user reported or joined ("me too"); the
joined ones were found by reading every row of ticket_affected.  The index
(user_id, ticket_id) answers that from the index alone.

Revision ID: 5b1e0a9c7d21
Revises: 3e06d60d0533
Create Date: 2026-12-04 09:00:00

"""
from alembic import op

revision = "5b1e0a9c7d21"
down_revision = "3e06d60d0533"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_ticket_affected_user", "ticket_affected", ["user_id", "ticket_id"],
                    unique=False)


def downgrade():
    op.drop_index("ix_ticket_affected_user", table_name="ticket_affected")

"""tickets: one compound-wide routing rule per (compound, category)

The unique constraint on (compound_id, category, project_id) never held for
the compound-wide rules: their project_id is NULL, and NULLs are distinct to
a unique constraint (SQLite and PostgreSQL alike), so two secretaries saving
the same rule at once stored it twice (issue 14.4).  A partial unique index
on (compound_id, category) where project_id IS NULL closes that.

Duplicates already stored are removed first, keeping the oldest of each
(compound, category): the one routing has been using (``find_rule`` takes the
compound-wide rule with the lowest id), so no ticket routes differently.
Nothing refers to a routing rule by foreign key; audit entries keep its id as
plain data.

Revision ID: c226a26db590
Revises: e1d3a7c90b42
Create Date: 2026-12-06 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c226a26db590"
down_revision = "e1d3a7c90b42"
branch_labels = None
depends_on = None

COMPOUND_WIDE = sa.text("project_id IS NULL")


def upgrade():
    op.execute(
        "DELETE FROM ticket_routing_rule WHERE project_id IS NULL AND EXISTS ("
        " SELECT 1 FROM ticket_routing_rule AS older"
        " WHERE older.project_id IS NULL"
        " AND older.compound_id = ticket_routing_rule.compound_id"
        " AND older.category = ticket_routing_rule.category"
        " AND older.id < ticket_routing_rule.id)")
    op.create_index("uq_ticket_routing_rule_compound_wide", "ticket_routing_rule",
                    ["compound_id", "category"], unique=True,
                    sqlite_where=COMPOUND_WIDE, postgresql_where=COMPOUND_WIDE)


def downgrade():
    op.drop_index("uq_ticket_routing_rule_compound_wide", table_name="ticket_routing_rule")

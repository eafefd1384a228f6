"""tickets: stored next deadline

``ticket.due_at`` (the deadline the queue sorts by) and ``ticket.overdue_at``
(when the organisation is late), kept by ``tickets.models.deadlines`` on every
flush, filled here for existing tickets with the same rule in SQL; indexes
for the queue (organisation's or community's tickets by deadline) and for the
sweep (overdue tickets).

Revision ID: e22a7d48972a
Revises: c2ee0008d4d8
Create Date: 2026-11-25 15:31:12.684314

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e22a7d48972a'
down_revision = 'c2ee0008d4d8'
branch_labels = None
depends_on = None

# Status names as stored (non-native enum); frozen here, as a migration must be.
WAITING_ACK = ('routed', 'reopened', 'not_responsible')
WORKING = ('acknowledged', 'in_progress')
FINISHED = ('closed', 'duplicate')


def fill_deadlines():
    """One UPDATE for all rows: the rule of ``tickets.models.deadlines``."""
    ticket = sa.table('ticket', sa.column('status', sa.String),
                      sa.column('ack_due_at', sa.DateTime),
                      sa.column('resolve_due_at', sa.DateTime),
                      sa.column('due_at', sa.DateTime), sa.column('overdue_at', sa.DateTime))
    ack, resolve, status = ticket.c.ack_due_at, ticket.c.resolve_due_at, ticket.c.status
    earlier = sa.case((ack.is_(None), resolve), (resolve.is_(None), ack),
                      (ack <= resolve, ack), else_=resolve)
    op.execute(ticket.update().values(
        due_at=sa.case((status.in_(FINISHED), sa.null()),
                       (status.in_(WAITING_ACK), ack), else_=resolve),
        overdue_at=sa.case((status.in_(WAITING_ACK), earlier),
                           (status.in_(WORKING), resolve), else_=sa.null())))


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('overdue_at', sa.DateTime(), nullable=True))
    fill_deadlines()
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_community_due', ['community_id', 'due_at', 'id'], unique=False)
        batch_op.create_index('ix_ticket_organisation_due', ['organisation_id', 'due_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_overdue_at'), ['overdue_at'], unique=False)


def downgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_overdue_at'))
        batch_op.drop_index('ix_ticket_organisation_due')
        batch_op.drop_index('ix_ticket_community_due')
        batch_op.drop_column('overdue_at')
        batch_op.drop_column('due_at')

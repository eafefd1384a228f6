"""directory: owner links (who acts for a registered owner)

Owners' ballots count the owners of the owner register, not whoever ticked
"owner" when registering (issue 14.5, 14.6): an account acts for a registered
owner only once the community office has linked it — the owner themself, a
co-owner, a family member or agent with a written authorisation, or an
institution's representative.  ``owner.user_id`` (the one account an owner
could have) becomes a link of the owner themself and is dropped.

Revision ID: 9c4e2a7b51d0
Revises: b4d8f2a61c37
Create Date: 2026-12-05 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "9c4e2a7b51d0"
down_revision = "b4d8f2a61c37"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "owner_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Enum("owner", "co_owner", "agent", "representative",
                                      name="linkcapacity", native_enum=False, length=16),
                  nullable=False),
        sa.Column("authorisation", sa.String(length=200), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["owner.id"],
                                name=op.f("fk_owner_link_owner_id_owner")),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_owner_link_user_id_user")),
        sa.ForeignKeyConstraint(["linked_by_id"], ["user.id"],
                                name=op.f("fk_owner_link_linked_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_link")),
        sa.UniqueConstraint("owner_id", "user_id", name=op.f("uq_owner_link_owner_id_user_id")),
    )
    with op.batch_alter_table("owner_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_owner_link_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_owner_link_user_id"), ["user_id"], unique=False)
    # The account recorded on an owner was the owner's own.
    op.execute("INSERT INTO owner_link (owner_id, user_id, capacity, authorisation, created_at) "
               "SELECT id, user_id, 'owner', '', created_at FROM owner "
               "WHERE user_id IS NOT NULL")
    with op.batch_alter_table("owner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_owner_user_id"))
        batch_op.drop_constraint(batch_op.f("fk_owner_user_id_user"), type_="foreignkey")
        batch_op.drop_column("user_id")


def downgrade():
    with op.batch_alter_table("owner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_owner_user_id_user"), "user", ["user_id"],
                                    ["id"])
        batch_op.create_index(batch_op.f("ix_owner_user_id"), ["user_id"], unique=False)
    # Each owner's own account comes back (a co-owner's, agent's or
    # representative's link has no place in the old schema).
    op.execute("UPDATE owner SET user_id = (SELECT min(l.user_id) FROM owner_link l "
               "WHERE l.owner_id = owner.id AND l.capacity = 'owner')")
    with op.batch_alter_table("owner_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_owner_link_user_id"))
        batch_op.drop_index(batch_op.f("ix_owner_link_owner_id"))
    op.drop_table("owner_link")

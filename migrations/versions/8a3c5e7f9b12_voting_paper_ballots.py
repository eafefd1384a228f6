"""voting: paper ballots issued with a serial

Each printed paper ballot names its household (or, per-person ballots, its
resident) and carries a serial the system issued; entering it back looks the
serial up (issue 18 §4, issue 17 §2).

Revision ID: 8a3c5e7f9b12
Revises: 5c8e1f3a7d24, c4a7e2b9d6f3, d3f5b7a9c1e2
Create Date: 2026-12-05 00:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "8a3c5e7f9b12"
# Also joins the three heads that were current (SMS outbox, calendar feeds, early close
# reason), written at the same time from one parent.
down_revision = ("5c8e1f3a7d24", "c4a7e2b9d6f3", "d3f5b7a9c1e2")
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ballot_paper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("holder", sa.String(length=24), nullable=False),
        sa.Column("serial", sa.String(length=8), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("voided_at", sa.DateTime(), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=True),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"],
                                name=op.f("fk_ballot_paper_ballot_id_ballot")),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"],
                                name=op.f("fk_ballot_paper_household_id_household")),
        sa.ForeignKeyConstraint(["person_id"], ["user.id"],
                                name=op.f("fk_ballot_paper_person_id_user")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["user.id"],
                                name=op.f("fk_ballot_paper_issued_by_id_user")),
        sa.ForeignKeyConstraint(["voided_by_id"], ["user.id"],
                                name=op.f("fk_ballot_paper_voided_by_id_user")),
        sa.ForeignKeyConstraint(["replaces_id"], ["ballot_paper.id"],
                                name=op.f("fk_ballot_paper_replaces_id_ballot_paper")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_paper")),
        sa.UniqueConstraint("serial", name=op.f("uq_ballot_paper_serial")),
    )
    op.create_index(op.f("ix_ballot_paper_ballot_id"), "ballot_paper", ["ballot_id"])
    op.create_index(op.f("ix_ballot_paper_household_id"), "ballot_paper", ["household_id"])
    op.create_index("uq_ballot_paper_live", "ballot_paper", ["ballot_id", "holder"],
                    unique=True, sqlite_where=sa.text("voided_at IS NULL"),
                    postgresql_where=sa.text("voided_at IS NULL"))


def downgrade():
    op.drop_index("uq_ballot_paper_live", table_name="ballot_paper")
    op.drop_index(op.f("ix_ballot_paper_household_id"), table_name="ballot_paper")
    op.drop_index(op.f("ix_ballot_paper_ballot_id"), table_name="ballot_paper")
    op.drop_table("ballot_paper")

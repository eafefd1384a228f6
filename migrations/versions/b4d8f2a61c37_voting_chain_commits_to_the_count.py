"""voting: the chain commits to everything that determines the count; checkpoints;
secret ballots forget who voted what at closing

Issue 14.7: each link hashes the units it covers with their weights (in secret
ballots as a salted commitment, ``ballot_cast.commitment``/``commit_salt``)
and the link it replaces (``supersedes``); the chain starts from a hash of the
frozen electorate; its head is recorded at opening, at each day's end and at
closing, with the sealed count (``ballot_checkpoint``).  Ballots opened
before keep their format: ``ballot.chain_version`` 1 (new ballots 2).

Issue 14.8: when a secret ballot closes, its links lose their units, voter,
channel… and its vote rows their option and link, so ``ballot_cast.households``
and ``channel``, ``ballot_vote.option_id`` and ``cast_id`` become nullable.
SQLite rebuilds a table to change that; ``ballot_cast`` is rebuilt while
``ballot_vote`` (its only referrer) is set aside, since dropping a referenced
table with its foreign keys on fails.

Revision ID: b4d8f2a61c37
Revises: c226a26db590
Create Date: 2026-12-06 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "b4d8f2a61c37"
down_revision = "c226a26db590"
branch_labels = None
depends_on = None

VOTE_COLUMNS = "id, ballot_id, household_id, option_id, cast_id, channel, one_per_household, " \
               "one_per_person"


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain_version", sa.Integer(), nullable=False,
                                      server_default="1"))
    if sqlite:
        op.execute(f"CREATE TABLE _ballot_vote_kept AS SELECT {VOTE_COLUMNS} FROM ballot_vote")
        op.execute("DELETE FROM ballot_vote")
    with op.batch_alter_table("ballot_cast", schema=None,
                              recreate="always" if sqlite else "auto") as batch_op:
        batch_op.add_column(sa.Column("commitment", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("commit_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("supersedes", sa.Integer(), nullable=True))
        batch_op.alter_column("households", existing_type=sa.String(length=2000) if sqlite
                              else sa.Text(), nullable=True)
        batch_op.alter_column("channel", existing_type=sa.String(length=16), nullable=True)
    with op.batch_alter_table("ballot_vote", schema=None,
                              recreate="always" if sqlite else "auto") as batch_op:
        batch_op.alter_column("option_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("cast_id", existing_type=sa.Integer(), nullable=True)
    if sqlite:
        op.execute(f"INSERT INTO ballot_vote ({VOTE_COLUMNS}) "
                   f"SELECT {VOTE_COLUMNS} FROM _ballot_vote_kept")
        op.execute("DROP TABLE _ballot_vote_kept")
    op.create_table(
        "ballot_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.Column("totals", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"],
                                name=op.f("fk_ballot_checkpoint_ballot_id_ballot")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_checkpoint")),
    )
    with op.batch_alter_table("ballot_checkpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_checkpoint_ballot_id"), ["ballot_id"],
                              unique=False)


def downgrade():
    """Fails on a database where a secret ballot has closed since the upgrade
    (its erased columns cannot be NOT NULL again)."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("ballot_checkpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ballot_checkpoint_ballot_id"))
    op.drop_table("ballot_checkpoint")
    if sqlite:
        op.execute(f"CREATE TABLE _ballot_vote_kept AS SELECT {VOTE_COLUMNS} FROM ballot_vote")
        op.execute("DELETE FROM ballot_vote")
    with op.batch_alter_table("ballot_vote", schema=None,
                              recreate="always" if sqlite else "auto") as batch_op:
        batch_op.alter_column("cast_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("option_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("ballot_cast", schema=None,
                              recreate="always" if sqlite else "auto") as batch_op:
        batch_op.alter_column("channel", existing_type=sa.String(length=16), nullable=False)
        batch_op.alter_column("households", existing_type=sa.String(length=2000) if sqlite
                              else sa.Text(), nullable=False)
        batch_op.drop_column("supersedes")
        batch_op.drop_column("commit_salt")
        batch_op.drop_column("commitment")
    if sqlite:
        op.execute(f"INSERT INTO ballot_vote ({VOTE_COLUMNS}) "
                   f"SELECT {VOTE_COLUMNS} FROM _ballot_vote_kept")
        op.execute("DROP TABLE _ballot_vote_kept")
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_column("chain_version")

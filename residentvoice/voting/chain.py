"""The hash chain of a ballot's votes (DESIGN §4).

Each cast's hash covers the previous hash, the ballot, its sequence number,
the option and a random receipt salt; for open ballots also the households it
covers and the channel.  Secret ballots leave the voter's identity out of the
hashed public part, so the published chain reveals nothing about who voted."""
import hashlib
import secrets

from ..extensions import db
from .models import Ballot, Cast, Vote

GENESIS = "0" * 64
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_receipt():
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))


def new_salt():
    return secrets.token_hex(16)


def record_hash(prev_hash, ballot_id, seq, option_id, salt, identity):
    payload = "|".join([prev_hash, str(ballot_id), str(seq), str(option_id), salt, identity])
    return hashlib.sha256(payload.encode()).hexdigest()


def identity_of(ballot, households, channel):
    """The voter identity in the hashed part: none for secret ballots."""
    if ballot.secret:
        return ""
    return f"{channel}:{households}"


def cast_hash(ballot, cast):
    return record_hash(cast.prev_hash, ballot.id, cast.seq, cast.option_id, cast.salt,
                       identity_of(ballot, cast.households, cast.channel.name))


def head(ballot_id):
    """(last seq, last hash) of the ballot's chain."""
    row = db.session.execute(db.select(Cast.seq, Cast.hash).where(Cast.ballot_id == ballot_id)
                             .order_by(Cast.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def verify(ballot):
    """Recompute the chain and each unit's vote from the raw rows.

    Returns a list of problems (empty when everything agrees): a broken link,
    a hash that does not match its row, a vote whose option or cast does not
    match the latest cast that covers its household, or a published chain
    head that differs from the recomputed one."""
    problems = []
    prev = GENESIS
    expected_votes = {}
    casts = db.session.scalars(db.select(Cast).where(Cast.ballot_id == ballot.id)
                               .order_by(Cast.seq)).all()
    for number, cast in enumerate(casts, start=1):
        if cast.seq != number:
            problems.append(f"record {cast.id}: sequence {cast.seq}, expected {number}")
        if cast.prev_hash != prev:
            problems.append(f"record {cast.seq}: previous hash does not match record "
                            f"{cast.seq - 1}")
        if cast_hash(ballot, cast) != cast.hash:
            problems.append(f"record {cast.seq}: hash does not match its contents")
        prev = cast.hash
        if cast.superseded_at is None:
            for household_id in cast.households.split(","):
                expected_votes[int(household_id), cast.voter_id if ballot.per_person
                               else None] = (cast.id, cast.option_id)
    if ballot.chain_head and ballot.chain_head != prev:
        problems.append("published chain head differs from the recomputed head")
    votes = db.session.execute(db.select(Vote.household_id, Vote.one_per_person, Vote.cast_id,
                                         Vote.option_id).where(Vote.ballot_id == ballot.id)).all()
    seen = {}
    for household_id, person, cast_id, option_id in votes:
        seen[household_id, person] = (cast_id, option_id)
    for key in sorted(set(expected_votes) | set(seen), key=lambda k: (k[0], k[1] or 0)):
        if expected_votes.get(key) != seen.get(key):
            problems.append(f"household {key[0]}: counted vote {seen.get(key)} differs from "
                            f"the chain {expected_votes.get(key)}")
    return problems, prev


def load_ballot(ballot_id):
    return db.session.get(Ballot, ballot_id)

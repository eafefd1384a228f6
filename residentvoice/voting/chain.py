"""The hash chain of a ballot's votes (DESIGN §4, issue 14.7).

The chain commits to everything that determines the count:

- its start (the *genesis*, recorded at opening) hashes the electorate frozen
  then — every unit with its area and owner key, and in per-person ballots
  the roll of adult residents;
- each link (a ``Cast``) hashes the previous link, its option, the link it
  replaces if it is a changed vote (``supersedes``), a random salt and the
  units it covers with their weights (``h:area:owner_key``; per-person
  ballots ``h:0:p<person>``).  Open ballots hash the units in the clear with
  the channel; secret ballots hash a *commitment* — sha256 of a random salt
  and the units — so the published chain names no voter, yet changing the
  units of a link breaks it;
- at closing the count is sealed on top of the last link
  (``seal_hash``): the published chain head covers every vote and the result.

While a ballot is open its head is recorded at each day's end
(``record_checkpoints``), so links removed from the end are found.  When a
secret ballot closes, ``forget_voters`` erases what tied a link to its voter;
the chain still verifies, and the count is the sealed one.

``voting.verification.check`` recomputes all of it from the raw rows and
reports each discrepancy."""
import hashlib
import secrets

from ..dates import SHANGHAI
from ..extensions import db
from ..models import utcnow
from .counting import count, totals_text
from .models import (Ballot, BallotStatus, Cast, Checkpoint, ElectoratePerson, ElectorateUnit,
                     Vote)

VERSION = 2
GENESIS = "0" * 64           # the start of a version-1 chain
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CLOSED = (BallotStatus.closed, BallotStatus.published)


def new_receipt():
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))


def new_salt():
    return secrets.token_hex(16)


def _sha(*parts):
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


# ---- what the chain hashes --------------------------------------------------

def weights(ballot, units, person_id=None):
    """The weighted units of one vote: ``units`` are (household id, area in
    0.01 m², owner key) from the frozen electorate; per-person ballots count
    the person, not the unit's area or owner."""
    if ballot.per_person:
        return [(h, 0, f"p{person_id}") for h, _area, _key in units]
    return list(units)


def unit_lines(units):
    return ";".join(f"{h}:{area}:{key}" for h, area, key in sorted(units))


def commitment(commit_salt, lines):
    return _sha("units", commit_salt, lines)


def link_hash(prev_hash, ballot_id, seq, option_id, supersedes, salt, content):
    return _sha("v2", prev_hash, ballot_id, seq, option_id, supersedes or 0, salt, content)


def _content(ballot, cast, lines):
    """What a link hashes of its units: the commitment (secret ballots) or the
    channel and the units in the clear."""
    if ballot.secret:
        return cast.commitment or ""
    return f"{cast.channel.name if cast.channel else ''}:{lines}"


def record_hash(prev_hash, ballot_id, seq, option_id, salt, identity):
    """A version-1 link (ballots opened before the chain committed to the units)."""
    payload = "|".join([prev_hash, str(ballot_id), str(seq), str(option_id), salt, identity])
    return hashlib.sha256(payload.encode()).hexdigest()


def seal_link(ballot, cast, units, person_id=None):
    """Fill in a new link's commitment (secret ballots) and hash."""
    if ballot.chain_version < VERSION:
        cast.hash = record_hash(cast.prev_hash, ballot.id, cast.seq, cast.option_id, cast.salt,
                                "" if ballot.secret else f"{cast.channel.name}:{cast.households}")
        return cast
    lines = unit_lines(weights(ballot, units, person_id))
    if ballot.secret:
        cast.commit_salt = new_salt()
        cast.commitment = commitment(cast.commit_salt, lines)
    cast.hash = link_hash(cast.prev_hash, ballot.id, cast.seq, cast.option_id, cast.supersedes,
                          cast.salt, _content(ballot, cast, lines))
    return cast


def _electorate(ballot):
    """{household id: (area, owner key)} and, per-person ballots, {person: household}."""
    units = {h: (area, key) for h, area, key in db.session.execute(
        db.select(ElectorateUnit.household_id, ElectorateUnit.area_centi,
                  ElectorateUnit.owner_key).where(ElectorateUnit.ballot_id == ballot.id))}
    roll = dict(db.session.execute(
        db.select(ElectoratePerson.user_id, ElectoratePerson.household_id)
        .where(ElectoratePerson.ballot_id == ballot.id)).all()) if ballot.per_person else {}
    return units, roll


def genesis(ballot, electorate=None):
    """The start of the chain: a hash of the electorate frozen at opening."""
    units, roll = electorate or _electorate(ballot)
    return _sha("v2", "open", ballot.id, unit_lines((h, a, k) for h, (a, k) in units.items()),
                ";".join(f"p{p}:{h}" for p, h in sorted(roll.items())))


def seal_hash(ballot_id, length, tip, totals):
    """The head published at closing: the last link and the count."""
    return _sha("v2", "close", ballot_id, length, tip, totals)


# ---- opening, each day, closing ---------------------------------------------

def start(ballot, now):
    """At opening, once the electorate is frozen: the chain starts from its hash."""
    db.session.flush()
    ballot.chain_version = VERSION
    ballot.chain_length, ballot.chain_tip = 0, genesis(ballot)
    db.session.add(Checkpoint(ballot_id=ballot.id, kind="open", taken_at=now, length=0,
                              head=ballot.chain_tip))


def _local_day(when):
    return (when + SHANGHAI).date()


def record_checkpoints(now=None, new_day_only=False):
    """Record the head of every open ballot whose chain grew since its last
    checkpoint (``flask ballots checkpoint``, run from cron at the end of each
    day); with ``new_day_only`` (``flask ballots close-due``, run often) only
    for a ballot whose last checkpoint was taken on an earlier day.  Returns
    the ballots checkpointed."""
    now = now or utcnow()
    ballots = db.session.scalars(db.select(Ballot).where(
        Ballot.status == BallotStatus.open, Ballot.chain_version >= VERSION)).all()
    recorded = []
    for ballot in ballots:
        last = db.session.scalars(db.select(Checkpoint).where(Checkpoint.ballot_id == ballot.id)
                                  .order_by(Checkpoint.id.desc()).limit(1)).first()
        if last is not None and last.length == ballot.chain_length:
            continue
        if new_day_only and last is not None and _local_day(last.taken_at) >= _local_day(now):
            continue
        db.session.add(Checkpoint(ballot_id=ballot.id, kind="day", taken_at=now,
                                  length=ballot.chain_length, head=ballot.chain_tip))
        recorded.append(ballot)
    db.session.flush()
    return recorded


def close(ballot, now):
    """At closing, under the ballot's row lock (its final chain read): seal
    the count on top of the last link and publish that head; a secret ballot
    then forgets who voted what.  Version-1 chains publish the last link."""
    if ballot.chain_version < VERSION:
        ballot.chain_head = ballot.chain_tip
        return
    electorate, participation, by_option = count(ballot)
    totals = totals_text(electorate, participation, by_option, [o.id for o in ballot.options])
    ballot.chain_head = seal_hash(ballot.id, ballot.chain_length, ballot.chain_tip, totals)
    db.session.add(Checkpoint(ballot_id=ballot.id, kind="close", taken_at=now,
                              length=ballot.chain_length, head=ballot.chain_head, totals=totals))
    db.session.flush()
    if ballot.secret:
        forget_voters(ballot, now)


def forget_voters(ballot, now):
    """A secret ballot has closed: no change of vote is possible any more, so
    nothing may link a voter to a choice.  The links lose their units (and
    the salt that opens their commitment: without it no one can test which
    units a link covered), their voter, proxy, serial number, channel and
    time; the vote rows keep only who took part — no option, no link — and
    are written again in household order, so neither their ids nor their
    order follow the order of the chain.  The chain still verifies and the
    count is the sealed one.  SQLite overwrites the old contents
    (``secure_delete``), so a copy of the file taken later holds none of it;
    PostgreSQL keeps dead row versions until VACUUM (``pg_dump`` never
    includes them)."""
    was = None
    if db.session.get_bind().dialect.name == "sqlite":
        # What is deleted or shortened is overwritten, not left in free space.
        was = db.session.execute(db.text("PRAGMA secure_delete")).scalar()
        db.session.execute(db.text("PRAGMA secure_delete = ON"))
    try:
        _forget(ballot, now)
    finally:
        if was is not None:
            db.session.execute(db.text(f"PRAGMA secure_delete = {int(was)}"))


def _forget(ballot, now):
    forgotten = dict(households=None, commit_salt=None, voter_id=None, entered_by_id=None,
                     proxy_id=None, serial=None, witness=None, channel=None, created_at=now)
    db.session.execute(db.update(Cast).where(Cast.ballot_id == ballot.id).values(**forgotten),
                       execution_options={"synchronize_session": False})
    db.session.execute(db.update(Cast).where(Cast.ballot_id == ballot.id,
                                             Cast.superseded_at.is_not(None))
                       .values(superseded_at=now),
                       execution_options={"synchronize_session": False})
    took_part = db.session.execute(
        db.select(Vote.household_id, Vote.one_per_household, Vote.one_per_person, Vote.channel)
        .where(Vote.ballot_id == ballot.id)
        .order_by(Vote.household_id, Vote.one_per_person)).all()
    db.session.execute(db.delete(Vote).where(Vote.ballot_id == ballot.id),
                       execution_options={"synchronize_session": False})
    if took_part:
        db.session.execute(db.insert(Vote), [
            {"ballot_id": ballot.id, "household_id": h, "one_per_household": household,
             "one_per_person": person, "channel": channel}
            for h, household, person, channel in took_part])
    # The session's copies of those rows are stale now (or gone).
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Cast) and obj.ballot_id == ballot.id:
            db.session.expire(obj)
        elif isinstance(obj, Vote) and obj.ballot_id == ballot.id:
            db.session.expunge(obj)

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

``check`` recomputes all of it from the raw rows and reports each
discrepancy with the stored votes, the sealed count and the checkpoints.
Ballots opened before this format (``chain_version`` 1) are checked as they
were hashed then (``_check_v1``)."""
import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field

from ..dates import SHANGHAI
from ..extensions import db
from ..models import utcnow
from .counting import Totals, count, electorate_totals, parse_totals, totals_text, vote_totals
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


# ---- verification -----------------------------------------------------------

@dataclass
class Report:
    """What ``check`` found: ``problems`` (empty when everything agrees); the
    head (the seal once closed, else the last link); the count recomputed from
    the chain alone — ``counted`` (participation, {option: totals}) when every
    counted link's units are known, always ``voices`` (links counted per
    option: each link is one voice); the sealed count if closed."""
    problems: list = field(default_factory=list)
    head: str = GENESIS
    length: int = 0
    counted: tuple | None = None
    voices: dict = field(default_factory=dict)
    sealed: tuple | None = None


def verify(ballot):
    """(problems, head) of ``check``."""
    report = check(ballot)
    return report.problems, report.head


def _figures(t):
    return f"{t.units} units, {t.headcount} heads, {t.area_m2} m²"


def _differs(problems, what, first, second, names=("the chain counts", "the sealed count")):
    if first != second:
        problems.append(f"{what}: {names[0]} {_figures(first)}, {names[1]} {_figures(second)}")


def check(ballot):
    """Recompute the chain, its count and its checkpoints from the raw rows."""
    if ballot.chain_version < VERSION:
        return _check_v1(ballot)
    if ballot.status in (BallotStatus.draft, BallotStatus.announced):   # no chain yet
        records = db.session.scalar(db.select(db.func.count(Cast.id)).where(
            Cast.ballot_id == ballot.id))
        return Report(problems=[f"{records} records although voting never opened"]
                      if records else [], head=ballot.chain_tip)
    report, problems = Report(), []
    report.problems = problems
    options = {o.id for o in ballot.options}
    electorate = _electorate(ballot)
    units_of, roll = electorate
    start_hash = genesis(ballot, electorate)
    casts = db.session.scalars(db.select(Cast).where(Cast.ballot_id == ballot.id)
                               .order_by(Cast.seq)).all()
    is_open = ballot.status not in CLOSED
    hashes, counted, replaced_by = {0: start_hash}, {}, {}
    prev = start_hash
    for number, cast in enumerate(casts, start=1):
        name = f"record {cast.seq}"
        if cast.seq != number:
            problems.append(f"record id {cast.id}: sequence {cast.seq}, expected {number}")
        if cast.prev_hash != prev:
            problems.append(f"{name}: previous hash does not match "
                            + (f"record {number - 1}" if number > 1 else
                               "the start of the chain (the electorate frozen at opening)"))
        units = _units(ballot, cast, units_of, roll, problems)
        lines = unit_lines(units) if units is not None else ""
        if ballot.secret and units is not None and (
                not cast.commit_salt or commitment(cast.commit_salt, lines) != cast.commitment):
            problems.append(f"{name}: the units or weights it covers do not match its "
                            "commitment")
        if units is None and (is_open or not ballot.secret):
            problems.append(f"{name}: the units it covers are missing")
        if link_hash(cast.prev_hash, ballot.id, cast.seq, cast.option_id, cast.supersedes,
                     cast.salt, _content(ballot, cast, lines)) != cast.hash:
            problems.append(f"{name}: hash does not match its contents")
        if cast.option_id not in options:
            problems.append(f"{name}: its option is not one of this ballot's")
        if cast.supersedes:
            old = counted.pop(cast.supersedes, None)
            if old is None:
                problems.append(f"{name} replaces record {cast.supersedes}, which is not an "
                                "earlier counted record")
            else:
                replaced_by[cast.supersedes] = cast.seq
                if units is not None and old[1] is not None and \
                        sorted(units) != sorted(old[1]):
                    problems.append(f"{name} replaces record {cast.supersedes}, which covers "
                                    "other units")
        counted[cast.seq] = (cast, units)
        prev = hashes[cast.seq] = cast.hash
    report.length, tip = len(casts), prev
    for cast in casts:
        if cast.superseded_at is not None and cast.seq not in replaced_by:
            problems.append(f"record {cast.seq} is marked as replaced, but no later record "
                            "replaces it")
        if cast.superseded_at is None and cast.seq in replaced_by:
            problems.append(f"record {cast.seq} is replaced by record "
                            f"{replaced_by[cast.seq]} but not marked as replaced")
    if (ballot.chain_length, ballot.chain_tip) != (report.length, tip):
        problems.append(f"the ballot records a chain of {ballot.chain_length} records ending "
                        f"{ballot.chain_tip[:12]}…; the records make {report.length} ending "
                        f"{tip[:12]}…")
    report.voices = dict(Counter(cast.option_id for cast, _units in counted.values()))
    if all(units is not None for _cast, units in counted.values()):
        report.counted = _count_links(ballot, counted, problems)
        _compare_votes(ballot, counted, problems)
    if ballot.secret and not is_open:
        _check_forgotten(ballot, problems)
    for h in db.session.scalars(db.select(Vote.household_id).outerjoin(
            ElectorateUnit, db.and_(ElectorateUnit.ballot_id == Vote.ballot_id,
                                    ElectorateUnit.household_id == Vote.household_id))
            .where(Vote.ballot_id == ballot.id, ElectorateUnit.id.is_(None))):
        problems.append(f"household {h} has a vote row but is not in the electorate")
    took_part = vote_totals(ballot)[0]
    if report.counted:
        _differs(problems, "participation", report.counted[0], took_part,
                 ("the chain counts", "the vote rows"))
    report.head = tip
    if not is_open:
        report.head = _check_seal(ballot, report, hashes, took_part, problems)
    elif ballot.chain_head:
        problems.append("a chain head is published although the ballot is open")
    _check_checkpoints(ballot, hashes, start_hash, problems)
    return report


def _units(ballot, cast, units_of, roll, problems):
    """The weighted units a link covers, from its household ids and the frozen
    electorate; None once forgotten (a closed secret ballot)."""
    if not cast.households:
        return None
    ids = cast.household_ids
    outside = [h for h in ids if h not in units_of]
    if outside:
        problems.append(f"record {cast.seq}: household(s) {', '.join(map(str, outside))} are "
                        "not in the electorate")
    if ballot.per_person and roll.get(cast.voter_id) not in ids:
        problems.append(f"record {cast.seq}: its voter was not on the roll of this household")
    raw = [(h, *units_of.get(h, (0, f"h{h}"))) for h in ids]
    return weights(ballot, raw, cast.voter_id)


def _count_links(ballot, counted, problems):
    """(participation, {option: totals}) of the counted links: each unit once,
    each owner (or person) one head, every unit's area."""
    seen, units, heads, area = {}, Counter(), {}, Counter()
    for seq, (cast, covered) in sorted(counted.items()):
        for h, unit_area, key in covered:
            unit = (h, key) if ballot.per_person else h
            if unit in seen:
                problems.append(f"household {h} is counted twice: records {seen[unit]} and {seq}")
            seen[unit] = seq
            for target in (None, cast.option_id):
                units[target] += 1
                area[target] += unit_area
                heads.setdefault(target, set()).add(key)
    totals = {k: Totals(units[k], len(heads.get(k, ())), area[k]) for k in units}
    return totals.pop(None, Totals()), totals


def _compare_votes(ballot, counted, problems):
    """Each unit's stored vote is the one of the link that counts for it."""
    seq_of = {cast.id: cast.seq for cast, _units in counted.values()}
    expected = {}
    for cast, covered in counted.values():
        for h in cast.household_ids:
            expected[h, cast.voter_id if ballot.per_person else None] = (cast.seq, cast.option_id)
    stored = {}
    for h, person, cast_id, option_id in db.session.execute(
            db.select(Vote.household_id, Vote.one_per_person, Vote.cast_id, Vote.option_id)
            .where(Vote.ballot_id == ballot.id)):
        stored[h, person] = (seq_of.get(cast_id, f"id {cast_id}" if cast_id else None),
                             option_id)

    def said(value):
        return f"record {value[0]}, option {value[1]}" if value else "no vote"
    for key in sorted(set(expected) | set(stored), key=lambda k: (k[0], k[1] or 0)):
        if expected.get(key) != stored.get(key):
            problems.append(f"household {key[0]}: the vote stored ({said(stored.get(key))}) "
                            f"differs from the chain ({said(expected.get(key))})")


def _check_forgotten(ballot, problems):
    """A closed secret ballot: no link names its voter, no vote row a choice."""
    for seq in db.session.scalars(db.select(Cast.seq).where(
            Cast.ballot_id == ballot.id, db.or_(
                Cast.households.is_not(None), Cast.commit_salt.is_not(None),
                Cast.voter_id.is_not(None), Cast.proxy_id.is_not(None),
                Cast.entered_by_id.is_not(None), Cast.serial.is_not(None)))):
        problems.append(f"record {seq} still names its voter after the secret ballot closed")
    linked = db.session.scalars(db.select(Vote.household_id).where(
        Vote.ballot_id == ballot.id,
        db.or_(Vote.option_id.is_not(None), Vote.cast_id.is_not(None)))).all()
    for h in linked:
        problems.append(f"household {h}: its vote row still names a choice or a record "
                        "after the secret ballot closed")


def _check_seal(ballot, report, hashes, took_part, problems):
    """The count sealed at closing, against the chain and the vote rows."""
    seal = db.session.scalars(db.select(Checkpoint).where(
        Checkpoint.ballot_id == ballot.id, Checkpoint.kind == "close")
        .order_by(Checkpoint.id.desc()).limit(1)).first()
    if seal is None:
        problems.append("the ballot is closed but its count was never sealed")
        return hashes[report.length]
    sealed = report.sealed = parse_totals(seal.totals)
    if seal.length != report.length:
        problems.append(f"the count was sealed over {seal.length} records; the chain has "
                        f"{report.length}")
    if seal_hash(ballot.id, seal.length, hashes.get(seal.length, ""), seal.totals) != seal.head:
        problems.append("the sealed count or the records before it differ from what was "
                        "sealed at closing")
    if ballot.chain_head != seal.head:
        problems.append("the published chain head differs from the seal recorded at closing")
    if sealed is None:
        problems.append("the sealed count cannot be read")
        return seal.head
    electorate, participation, by_option = sealed
    _differs(problems, "electorate", electorate_totals(ballot), electorate,
             ("the frozen electorate has", "the sealed count"))
    _differs(problems, "participation", took_part, participation,
             ("the vote rows (who took part) have", "the sealed count"))
    if report.counted:
        counted_part, counted_options = report.counted
        _differs(problems, "participation", counted_part, participation)
        for option in ballot.options:
            _differs(problems, f"option {option.id} ({option.label})",
                     counted_options.get(option.id, Totals()),
                     by_option.get(option.id, Totals()))
    for option in ballot.options:
        voices, heads = report.voices.get(option.id, 0), by_option.get(option.id,
                                                                       Totals()).headcount
        if voices != heads:
            problems.append(f"option {option.id} ({option.label}): the chain has {voices} "
                            f"counted records, the sealed count {heads} heads")
    return seal.head


def _check_checkpoints(ballot, hashes, start_hash, problems):
    length = 0
    for point in db.session.scalars(db.select(Checkpoint).where(
            Checkpoint.ballot_id == ballot.id).order_by(Checkpoint.id)):
        when = point.taken_at.strftime("%Y-%m-%d %H:%M")
        if point.kind == "open" and (point.length, point.head) != (0, start_hash):
            problems.append(f"the electorate differs from the one frozen at opening ({when})")
        elif point.kind == "day" and hashes.get(point.length) != point.head:
            problems.append(f"the chain no longer extends the head recorded at {when} "
                            f"(record {point.length})")
        if point.length < length:
            problems.append(f"the checkpoint of {when} is shorter than an earlier one")
        length = max(length, point.length)


# ---- version 1 (ballots opened before the chain committed to the units) ------

def record_hash(prev_hash, ballot_id, seq, option_id, salt, identity):
    payload = "|".join([prev_hash, str(ballot_id), str(seq), str(option_id), salt, identity])
    return hashlib.sha256(payload.encode()).hexdigest()


def _check_v1(ballot):
    """The first format: each hash covers the previous one, the option and a
    salt, and for open ballots the channel and households.  Checks the links
    and each unit's vote against the latest link that covers it."""
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
        identity = "" if ballot.secret else \
            f"{cast.channel.name if cast.channel else ''}:{cast.households}"
        if record_hash(cast.prev_hash, ballot.id, cast.seq, cast.option_id, cast.salt,
                       identity) != cast.hash:
            problems.append(f"record {cast.seq}: hash does not match its contents")
        prev = cast.hash
        if cast.superseded_at is None:
            for household_id in cast.household_ids:
                expected_votes[household_id, cast.voter_id if ballot.per_person
                               else None] = (cast.id, cast.option_id)
    if ballot.chain_head and ballot.chain_head != prev:
        problems.append("published chain head differs from the recomputed head")
    seen = {}
    for household_id, person, cast_id, option_id in db.session.execute(
            db.select(Vote.household_id, Vote.one_per_person, Vote.cast_id, Vote.option_id)
            .where(Vote.ballot_id == ballot.id)):
        seen[household_id, person] = (cast_id, option_id)
    for key in sorted(set(expected_votes) | set(seen), key=lambda k: (k[0], k[1] or 0)):
        if expected_votes.get(key) != seen.get(key):
            problems.append(f"household {key[0]}: counted vote {seen.get(key)} differs from "
                            f"the chain {expected_votes.get(key)}")
    return Report(problems=problems, head=prev, length=len(casts))

"""Checking a ballot's hash chain (DESIGN §4, issue 14.7): ``check``
recomputes everything ``voting.chain`` hashed — the start, each link, the
seal and the daily checkpoints — from the raw rows, and reports each
discrepancy with the stored votes, the sealed count and the checkpoints.
Ballots opened before the current format (``chain_version`` 1) are checked as
they were hashed then (``_check_v1``)."""
from collections import Counter
from dataclasses import dataclass, field

from ..extensions import db
from .chain import (CLOSED, GENESIS, VERSION, _content, _electorate, commitment, genesis,
                    link_hash, record_hash, seal_hash, unit_lines, weights)
from .counting import Totals, electorate_totals, parse_totals, vote_totals
from .models import (BallotStatus, Cast, Checkpoint, ElectorateUnit,
                     Vote)


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

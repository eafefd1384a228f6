"""Casting votes by phone, and the rules paper and proxy entry share (DESIGN §4;
the entry itself: ``paper_entry`` and ``proxy_entry``).

Whatever the channel, a vote covers the voter's unit — in owners' ballots
every unit of the same owner (one owner, one voice: 法释〔2020〕17号 art. 9) —
and the database's unique constraints refuse a second vote for any of them.
Each cast is appended to the ballot's hash chain under a row lock on the
ballot, taken before the existing votes are read and before anything is
written, so a refused vote leaves nothing behind."""
from contextlib import nullcontext

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from ..audit.services import record
from ..auth.models import Relation
from ..directory.models import Household, Owner, OwnerLink
from ..errors_domain import Conflict, InvalidInput, NotAllowed, NotEligible
from ..extensions import db
from ..models import utcnow
from . import chain
from .models import (Ballot, BallotOption, BallotStatus, Cast, Channel, ElectoratePerson,
                     ElectorateUnit, Proxy, ProxyPrincipal, Vote)
from .services import close_if_due

OWNER_RELATIONS = (Relation.owner, Relation.co_owner)


class AlreadyVoted(Conflict):
    code = "already_voted"


class NotOpen(Conflict):
    code = "ballot_not_open"


def check_open(ballot, now=None):
    """Votes are taken only while the ballot is open and before ``closes_at``."""
    now = now or utcnow()
    close_if_due(ballot, now)
    if ballot.status is not BallotStatus.open or now < ballot.opens_at:
        raise NotOpen(_l("This ballot is not open for voting."))


def option_of(ballot, option_id):
    option = db.session.get(BallotOption, option_id) if isinstance(option_id, int) else None
    if option is None or option.ballot_id != ballot.id:
        raise InvalidInput(_l("Choose one of this ballot's options."), "option")
    return option


def electorate_unit(ballot, household_id):
    return db.session.scalar(db.select(ElectorateUnit).where(
        ElectorateUnit.ballot_id == ballot.id, ElectorateUnit.household_id == household_id))


def is_proxy_for(user, ballot, household_id):
    return db.session.scalar(db.select(ProxyPrincipal.id).join(Proxy).where(
        ProxyPrincipal.ballot_id == ballot.id, ProxyPrincipal.household_id == household_id,
        Proxy.proxy_phone == user.phone)) is not None


def unit_owner_id(ballot, household_id):
    """(A scalar subquery:) the registered owner the electorate froze for the
    unit at opening; before opening, the owner registered now."""
    if ballot.rules_locked:
        return db.select(ElectorateUnit.owner_id).where(
            ElectorateUnit.ballot_id == ballot.id,
            ElectorateUnit.household_id == household_id).scalar_subquery()
    return db.select(Household.owner_id).where(Household.id == household_id).scalar_subquery()


def _acts_for_owner(user, ballot, household_id):
    return db.exists().where(OwnerLink.owner_id == unit_owner_id(ballot, household_id),
                             OwnerLink.user_id == user.id)


def is_frozen_owner(user, ballot, household_id):
    """The community office has linked the user to the unit's registered owner
    (``unit_owner_id``): the owner themself, a co-owner, an authorised agent
    or an institution's representative (issue 14.5, 14.6)."""
    return bool(db.session.scalar(db.select(_acts_for_owner(user, ballot, household_id))))


def may_vote_for(user, ballot, household):
    """Owners' ballots: whoever the community office linked to the unit's
    registered owner (the owner register, not the "owner" a resident declared
    when registering), or the owners' proxy recorded with this user's mobile
    number — in one statement; residents' ballots: an adult resident."""
    if ballot.is_owners:
        proxied = db.exists().where(
            ProxyPrincipal.ballot_id == ballot.id, ProxyPrincipal.household_id == household.id,
            Proxy.id == ProxyPrincipal.proxy_id, Proxy.proxy_phone == user.phone)
        return bool(db.session.scalar(db.select(
            db.or_(_acts_for_owner(user, ballot, household.id), proxied))))
    return user.relation_to(household.id) is not None and user.is_adult()


def owners_refusal(user, ballot, household):
    """Why ``user`` may not vote for ``household`` in an owners' ballot, and
    what to do about it."""
    owner = db.session.scalar(db.select(Owner).where(
        Owner.id == unit_owner_id(ballot, household.id)))
    if owner is not None and owner.is_institution:
        return _l("This unit belongs to %(owner)s, an institution: it votes through the "
                  "representative the community office has recorded, not through the "
                  "people who live in the unit.", owner=owner.name)
    if user.relation_to(household.id) in OWNER_RELATIONS:
        return UNCONFIRMED_OWNER
    return _l("Only the unit's registered owner, or someone the community office has linked "
              "to them, may vote in an owners' ballot.")


UNCONFIRMED_OWNER = _l(
    "You registered as an owner of this unit, but the community office has not confirmed it "
    "yet: owners' ballots count the owners in the property register. Bring your property "
    "certificate and ID card to the community office; once they link your account to the "
    "registered owner, you can vote here.")


# Proxy entries lock the ballot's row through this table (``_LOCK_PROXIES``).
_BALLOT = Ballot.__table__


def covered_votes(ballot, household_id, person_id=None):
    """The units one vote for ``household_id`` covers — in owners' ballots all
    units of the same registered owner in the electorate — with their weights,
    and the votes already recorded for them (per-person ballots: the voter's
    vote) with their links, in one query.  Returns (sorted (household id,
    area in 0.01 m², owner key), votes by id), or (None, []) when the
    household is not in the electorate.  Read under the chain lock, it sees
    every vote committed before."""
    unit, same = ElectorateUnit, aliased(ElectorateUnit)
    match = unit.household_id == household_id
    if ballot.is_owners and person_id is None:
        owner_key = db.select(same.owner_key).where(
            same.ballot_id == ballot.id, same.household_id == household_id).scalar_subquery()
        match = db.or_(match, db.and_(unit.owner_key == owner_key,
                                      unit.owner_key.startswith("o")))
    voted = Vote.one_per_person == person_id if person_id is not None else \
        Vote.one_per_household == unit.household_id
    rows = db.session.execute(
        db.select(unit.household_id, unit.area_centi, unit.owner_key, Vote)
        .outerjoin(Vote, db.and_(Vote.ballot_id == unit.ballot_id, voted))
        .where(unit.ballot_id == ballot.id, match)
        .options(joinedload(Vote.cast))
        .order_by(unit.household_id)).all()
    units = sorted({(h, area, key) for h, area, key, _vote in rows})
    if household_id not in {h for h, _area, _key in units}:
        return None, []
    return units, sorted({v for *_unit, v in rows if v is not None}, key=lambda v: v.id)


def describe_vote(ballot, vote):
    """Who cast an existing vote — only for open (non-secret) ballots."""
    if ballot.secret or vote.cast is None:
        return None
    cast = vote.cast
    if cast.channel is Channel.phone:
        return _l("%(name)s, from the phone", name=cast.voter.name if cast.voter else "")
    if cast.channel is Channel.paper:
        if cast.serial is None:
            return _l("paper ballot entered without its serial")
        return _l("paper ballot no. %(serial)s", serial=cast.serial)
    proxy = db.session.get(Proxy, cast.proxy_id)
    return _l("proxy %(name)s", name=proxy.proxy_name if proxy else "")


def _already_voted(ballot, votes, household_id):
    vote = votes[0]
    if ballot.per_person:
        return AlreadyVoted(_l("This resident has already voted."), "voter_phone")
    if vote.household_id != household_id:
        return AlreadyVoted(_l("The owner of this unit has already voted: one vote covers "
                               "all the units of the same owner."), "household")
    who = describe_vote(ballot, vote)
    if who is None:
        return AlreadyVoted(_l("This household has already voted."), "household")
    return AlreadyVoted(_l("This household has already voted (%(who)s).", who=who),
                        "household")


def _lock_chain(ballot):
    """Lock the ballot's row and read its chain: (length, tip).

    PostgreSQL: ``SELECT … FOR NO KEY UPDATE`` — the lock an UPDATE of the row
    takes, so rows that only refer to the ballot (a proxy, a cast) can still be
    inserted meanwhile — waits for any other vote (or the close) on this
    ballot to commit and re-checks that it is still open.
    SQLite has no row locks: a request that writes began its transaction with
    ``BEGIN IMMEDIATE`` (``residentvoice._sqlite_begin``), so it has held the
    database's one write lock since before it read anything.  Every statement
    after this in the transaction sees the votes committed before it."""
    link = db.session.execute(
        db.select(Ballot.chain_length, Ballot.chain_tip)
        .where(Ballot.id == ballot.id, Ballot.status == BallotStatus.open)
        .with_for_update(key_share=True)).first()
    if link is None:      # closed by another transaction while this one waited for the lock
        raise NotOpen(_l("This ballot is not open for voting."))
    return link


def _append(ballot, link, option, units, channel, now, *, person_id=None, replaces=None,
            **fields):
    """Add one link to the chain after ``link`` (the locked chain's length and
    tip) — covering ``units`` (from ``covered_votes``), naming the link it
    ``replaces`` if it is a changed vote — and move the ballot's chain to it."""
    length, tip = link
    cast = Cast(ballot_id=ballot.id, seq=length + 1, option_id=option.id, channel=channel,
                households=",".join(str(h) for h, _area, _key in units),
                supersedes=replaces.seq if replaces is not None else None,
                receipt=chain.new_receipt(), salt=chain.new_salt(), prev_hash=tip,
                created_at=now, **fields)
    chain.seal_link(ballot, cast, units, person_id)
    db.session.add(cast)
    ballot.chain_length, ballot.chain_tip = cast.seq, cast.hash
    return cast


def _move_votes(votes, option, cast):
    """A changed vote: the units' votes now point at the new link and option."""
    for vote in votes:
        vote.option_id = option.id
        vote.cast = cast


def _supersede(cast, now):
    """Mark the link a changed vote replaces."""
    cast.superseded_at = now


def _store(ballot, household_id, option, channel, *, person_id=None, now=None, audit=None,
           **fields):
    """Record a vote for ``household_id`` (and the owner's other units), or change
    it where the ballot allows and the channel is the same (phone only).
    ``audit(cast, changed)`` adds the audit entry once the vote is written.

    The ballot's row lock is taken before the existing votes are read, so a
    refused vote writes nothing.  The unique constraints still stand behind
    that check: paper and proxy entries (whose serial numbers are checked
    before the lock) run in a savepoint that a violation rolls back; a phone
    vote, which cannot violate them once the lock is held, saves the
    savepoint, and should one still be refused the request's transaction is
    rolled back.  Either way the answer is AlreadyVoted (409)."""
    now = now or utcnow()
    try:
        with db.session.begin_nested() if channel is not Channel.phone else nullcontext():
            link = _lock_chain(ballot)
            units, votes = covered_votes(ballot, household_id, person_id)
            if units is None:
                raise NotEligible(_l("This household is not in the ballot's electorate."),
                                  "household")
            households = [h for h, _area, _key in units]
            # A change replaces the one link that covers all of the same units.
            changing = bool(votes) and ballot.allow_change and channel is Channel.phone and all(
                v.channel is Channel.phone for v in votes) and (
                person_id is not None or {v.household_id for v in votes} == set(households)) \
                and len({v.cast_id for v in votes}) == 1
            if votes and not changing:
                raise _already_voted(ballot, votes, household_id)
            replaced = votes[0].cast if changing else None
            if changing:
                _supersede(replaced, now)
            cast = _append(ballot, link, option, units, channel, now, person_id=person_id,
                           replaces=replaced, **fields)
            if changing:
                _move_votes(votes, option, cast)
            db.session.flush()
            if not changing:
                # One vote row per unit, in one statement however many units an
                # owner holds (an ORM bulk INSERT: the rows are not needed as
                # objects); the unique constraints answer here.
                db.session.execute(db.insert(Vote), [{
                    "ballot_id": ballot.id, "household_id": h, "option_id": option.id,
                    "cast_id": cast.id, "channel": channel,
                    "one_per_household": None if person_id else h,
                    "one_per_person": person_id} for h in households])
            if audit is not None:
                audit(cast, bool(votes))
    except IntegrityError:
        if channel is Channel.phone:
            db.session.rollback()
        raise AlreadyVoted(_l("This household has already voted."), "household")
    return cast, bool(votes)


def cast_phone_vote(actor, ballot, household_id, option_id, now=None):
    """A resident votes from their phone: one tap plus a confirmation."""
    check_open(ballot, now)
    household = db.session.get(Household, household_id) if isinstance(household_id, int) else None
    if household is None or household.compound_id != ballot.compound_id:
        raise NotEligible(_l("This household is not in the ballot's electorate."), "household")
    if not may_vote_for(actor, ballot, household):
        raise NotEligible(owners_refusal(actor, ballot, household) if ballot.is_owners else
                          _l("Only adult residents of the household may vote."), "household")
    option = option_of(ballot, option_id)
    person_id = None
    if ballot.per_person:
        if db.session.scalar(db.select(ElectoratePerson.id).where(
                ElectoratePerson.ballot_id == ballot.id,
                ElectoratePerson.user_id == actor.id)) is None:
            raise NotEligible(_l("You were not on the list of adult residents when voting "
                                 "opened."), "household")
        person_id = actor.id
    # A secret ballot writes no audit entry per voter: entries in the order of
    # the votes, naming the voter, would rejoin voters and choices through the
    # chain's order once it closes (issue 14.8).  Its chain and its vote rows
    # (who took part) record the vote.
    audit = None if ballot.secret else (lambda cast, changed: record(
        actor, "ballot.vote_changed" if changed else "ballot.voted", ballot,
        object_id=ballot.id, summary=f"#{cast.seq}", community_id=ballot.community_id))
    cast, _changed = _store(ballot, household.id, option, Channel.phone, person_id=person_id,
                            now=now, voter_id=actor.id, audit=audit)
    return cast


def _staff_entry_checks(actor, ballot, now):
    if not ballot.is_secretary(actor):
        raise NotAllowed(_l("Only the compound's secretaries enter paper and proxy votes."))
    check_open(ballot, now)


def _paper_voter(ballot, household, voter_phone):
    """Per-person ballots: the adult resident whose paper ballot this is, found by
    mobile number on the list frozen at opening (and living in that household)."""
    from ..auth.models import User
    from ..forms import normalise_phone
    phone = normalise_phone((voter_phone or "").strip())
    user = db.session.scalar(db.select(User).where(User.phone == phone)) if phone else None
    on_roll = user is not None and db.session.scalar(db.select(ElectoratePerson.id).where(
        ElectoratePerson.ballot_id == ballot.id, ElectoratePerson.user_id == user.id,
        ElectoratePerson.household_id == household.id)) is not None
    if not on_roll:
        raise InvalidInput(_l("This ballot counts adult residents one by one: enter the "
                              "mobile number of a listed adult resident of this household."),
                           "voter_phone")
    return user

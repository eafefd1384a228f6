"""Paper ballots (issue 18 §4): issued by the system with a serial, printed
one household to an A4 page, and found again — by the serial, or by room or
owner's name when the serial is lost — when the secretary enters them.

Issuing needs an open ballot: then the question, the options and the
electorate (the households, their registered owners, the adult residents of
per-person ballots) are frozen, and what is printed is what is counted."""
import re
import unicodedata
import secrets

from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..auth.models import INVITATION_ALPHABET, User
from ..directory import finding
from ..directory.letters import format_code
from ..directory.models import Building, Household, Owner
from ..errors_domain import Conflict, InvalidInput, NotAllowed
from ..extensions import db
from ..models import utcnow
from .models import (Ballot, BallotStatus, Cast, ElectoratePerson, ElectorateUnit, PaperBallot,
                     Vote)

SERIAL_ALPHABET = INVITATION_ALPHABET       # no 0/O, no 1/I: read aloud and typed safely
SERIAL_LENGTH = 8
SERIAL_RE = re.compile(rf"^[{SERIAL_ALPHABET}]{{{SERIAL_LENGTH}}}$")
MAX_SEARCH = 20


class PaperVoided(Conflict):
    code = "paper_ballot_voided"


def new_serial():
    return "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(SERIAL_LENGTH))


def normalise_serial(text):
    """What was typed or scanned → the serial as stored: ``abcd 2345`` and
    ``ABCD-2345`` are ``ABCD2345``; a scanned QR code's address ends with it."""
    text = unicodedata.normalize("NFKC", text or "").strip()     # ＡＢＣＤ２３４５ too
    if "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[\s\-·.]", "", text).upper()


def looks_like_serial(text):
    return bool(SERIAL_RE.match(normalise_serial(text)))


def _check_secretary(actor, ballot):
    if not ballot.is_secretary(actor):
        raise NotAllowed(_l("Only the compound's secretaries print paper ballots."))
    if ballot.status is not BallotStatus.open:
        raise Conflict(_l("Paper ballots are printed while voting is open: then the "
                          "question, the options and the list of households are final."))


def _lock(ballot):
    """Issuing for one ballot is serialised on the ballot's row (SQLite: a
    writing request holds the database's write lock), so two secretaries
    printing at once issue one serial per household; the partial unique index
    stands behind it."""
    db.session.execute(db.select(Ballot.id).where(Ballot.id == ballot.id)
                       .with_for_update(key_share=True))


def holders_of(ballot, household_id=None):
    """Who gets a paper ballot, in print order: (holder key, household, person)."""
    order = (Building.number, Household.unit)
    if ballot.per_person:
        query = (db.select(ElectoratePerson.household_id, User)
                 .join(User, User.id == ElectoratePerson.user_id)
                 .join(Household, Household.id == ElectoratePerson.household_id)
                 .join(Building, Building.id == Household.building_id)
                 .where(ElectoratePerson.ballot_id == ballot.id).order_by(*order, User.name))
        if household_id is not None:
            query = query.where(ElectoratePerson.household_id == household_id)
        return [(f"p{user.id}", h, user) for h, user in db.session.execute(query)]
    query = (db.select(ElectorateUnit.household_id)
             .join(Household, Household.id == ElectorateUnit.household_id)
             .join(Building, Building.id == Household.building_id)
             .where(ElectorateUnit.ballot_id == ballot.id).order_by(*order))
    if household_id is not None:
        query = query.where(ElectorateUnit.household_id == household_id)
    return [(f"h{h}", h, None) for h in db.session.scalars(query)]


def live_papers(ballot, household_id=None):
    """The ballot's paper ballots that are not voided, by holder key."""
    query = db.select(PaperBallot).where(PaperBallot.ballot_id == ballot.id,
                                         PaperBallot.voided_at.is_(None)).options(
        db.joinedload(PaperBallot.household).joinedload(Household.building),
        db.joinedload(PaperBallot.person))
    if household_id is not None:
        query = query.where(PaperBallot.household_id == household_id)
    return {p.holder: p for p in db.session.scalars(query)}


def unused_serials(count):
    """``count`` fresh serials no paper ballot has, checked in one query a round."""
    serials = set()
    while len(serials) < count:
        batch = {new_serial() for _ in range(count - len(serials))} - serials
        taken = set(db.session.scalars(db.select(PaperBallot.serial).where(
            PaperBallot.serial.in_(batch))))
        serials |= batch - taken
    return list(serials)       # in no order: a neighbour's serial says nothing of yours


def new_paper_ballot(actor, ballot, household_id, person=None, now=None, replaces=None,
                     serial=None):
    """A paper ballot with a fresh serial for one household (or resident),
    not yet flushed; the callers check who issues and hold the lock."""
    holder = f"p{person.id}" if person is not None else f"h{household_id}"
    paper = PaperBallot(ballot_id=ballot.id, household_id=household_id, holder=holder,
                        person_id=person.id if person else None,
                        serial=serial or unused_serials(1)[0], issued_at=now or utcnow(),
                        issued_by_id=getattr(actor, "id", None),
                        replaces_id=replaces.id if replaces else None)
    db.session.add(paper)
    return paper


def issue_paper_ballots(actor, ballot, household_id=None, now=None):
    """Issue a serial to every household of the frozen electorate (per-person
    ballots: every adult resident on the roll) that has none yet — or to one
    household — and return the live paper ballots in print order.

    Printing again prints the serials already issued (a copy of the same
    ballot: only one can ever be entered, and only one vote per household
    counts); a lost or spoilt ballot is replaced with ``replace_paper_ballot``."""
    now = now or utcnow()
    _check_secretary(actor, ballot)
    holders = holders_of(ballot, household_id)
    if household_id is not None and not holders:
        raise InvalidInput(_l("This household is not in the ballot's electorate."), "household")
    _lock(ballot)
    live = live_papers(ballot, household_id)
    missing = [(h, person) for key, h, person in holders if key not in live]
    issued = [new_paper_ballot(actor, ballot, h, person, now, serial=serial)
              for (h, person), serial in zip(missing, unused_serials(len(missing)))]
    db.session.flush()
    live.update({p.holder: p for p in issued})
    if issued:
        what = (db.session.get(Household, household_id).code if household_id is not None
                else str(len(issued)))
        record(actor, "ballot.paper_issued", ballot, object_id=ballot.id,
               summary=f"{what}: {', '.join(p.serial for p in issued[:3])}"
               f"{' …' if len(issued) > 3 else ''}", community_id=ballot.community_id)
    return [live[key] for key, _h, _p in holders], len(issued)


def replace_paper_ballot(actor, ballot, paper, reason, now=None):
    """Void a lost or spoilt paper ballot and issue its household a new serial.
    The old serial is refused from then on, with the reason; the audit log
    names both serials."""
    now = now or utcnow()
    _check_secretary(actor, ballot)
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > 200:
        raise InvalidInput(_l("Say why the paper ballot is replaced (at most 200 characters), "
                              "for example: lost by the household."), "reason")
    if paper.ballot_id != ballot.id:
        raise InvalidInput(_l("This paper ballot belongs to another ballot."), "serial")
    _lock(ballot)
    db.session.refresh(paper)
    if paper.voided_at is not None:
        raise PaperVoided(_l("Paper ballot %(serial)s was already replaced.",
                             serial=format_code(paper.serial)), "serial")
    if holder_voted(ballot, paper):
        raise Conflict(_l("This household has already voted: its paper ballot can no longer "
                          "be replaced."), "serial")
    paper.voided_at, paper.voided_by_id, paper.void_reason = now, actor.id, reason
    db.session.flush()      # the live index admits the new one only once this one is void
    new = new_paper_ballot(actor, ballot, paper.household_id, paper.person, now,
                           replaces=paper)
    db.session.flush()
    record(actor, "ballot.paper_replaced", ballot, object_id=ballot.id,
           summary=f"{paper.household.code}: {paper.serial} → {new.serial} ({reason})",
           community_id=ballot.community_id)
    return new


def holder_voted(ballot, paper):
    """Whether the household (per-person ballots: the resident) has voted,
    through whatever channel."""
    query = db.select(Vote.id).where(Vote.ballot_id == ballot.id)
    query = query.where(Vote.one_per_person == paper.person_id) if paper.person_id else \
        query.where(Vote.household_id == paper.household_id)
    return db.session.scalar(query.limit(1)) is not None


def voted_households(ballot):
    """Household ids (per-person ballots: user ids) that voted, for the list."""
    column = Vote.one_per_person if ballot.per_person else Vote.household_id
    return set(db.session.scalars(db.select(column).where(Vote.ballot_id == ballot.id)))


def find_issued(actor, ballot, text):
    """The live paper ballot of this ballot with the serial typed or scanned,
    or a refusal that says what is wrong with it: not a serial, never issued,
    issued for another ballot, voided (and why), already entered."""
    serial = normalise_serial(text)
    if not SERIAL_RE.match(serial):
        raise InvalidInput(_l("A serial has 8 letters and digits (no 0, O, 1 or I), as printed "
                              "under the QR code of the paper ballot."), "serial")
    paper = db.session.scalar(db.select(PaperBallot).where(PaperBallot.serial == serial))
    if paper is None:
        raise InvalidInput(_l("No paper ballot with the serial %(serial)s was issued. Check "
                              "the letters and digits, or find the household by room or "
                              "owner's name.", serial=format_code(serial)), "serial")
    if paper.ballot_id != ballot.id:
        other = db.session.get(Ballot, paper.ballot_id)
        if other.is_secretary(actor):
            raise InvalidInput(_l("The serial %(serial)s was issued for another ballot: "
                                  "“%(title)s”. Enter it on that ballot's page.",
                                  serial=format_code(serial), title=other.title), "serial")
        raise InvalidInput(_l("The serial %(serial)s was not issued for this ballot.",
                              serial=format_code(serial)), "serial")
    if paper.voided_at is not None:
        raise PaperVoided(_l("Paper ballot %(serial)s was replaced (%(reason)s) and no longer "
                             "counts: enter the replacement issued to the household.",
                             serial=format_code(serial), reason=paper.void_reason), "serial")
    if db.session.scalar(db.select(Cast.id).where(Cast.ballot_id == ballot.id,
                                                  Cast.serial == serial)) is not None:
        from .casting import AlreadyVoted
        raise AlreadyVoted(_l("Paper ballot %(serial)s has already been entered.",
                              serial=format_code(serial)), "serial")
    return paper


def owner_names(ballot, household_ids):
    """{household id: the registered owner's name} — in owners' ballots the
    owner the electorate froze at opening, else the register now."""
    if not household_ids:
        return {}
    if ballot.is_owners:
        query = (db.select(ElectorateUnit.household_id, Owner.name)
                 .join(Owner, Owner.id == ElectorateUnit.owner_id)
                 .where(ElectorateUnit.ballot_id == ballot.id,
                        ElectorateUnit.household_id.in_(household_ids)))
    else:
        query = (db.select(Household.id, Owner.name).join(Owner, Owner.id == Household.owner_id)
                 .where(Household.id.in_(household_ids)))
    return dict(db.session.execute(query).all())


def search_households(ballot, text):
    """Households of the electorate that match what the secretary typed when
    a serial is lost: a room as people say it ("601", "1-2-601", "1号楼601"),
    the register's code, or part of the registered owner's (per-person
    ballots: a listed resident's) name.  At most ``MAX_SEARCH``, in order."""
    electorate = finding.households_query().join(ElectorateUnit, db.and_(
        ElectorateUnit.household_id == Household.id, ElectorateUnit.ballot_id == ballot.id))
    return finding.find_households(electorate, text, limit=MAX_SEARCH,
                                   named=lambda name: _owner_named(ballot, name))


def _owner_named(ballot, name):
    """The owner of the ballot's electorate called ``name`` (in part); in a
    per-person ballot, also a listed resident."""
    owner = ElectorateUnit.owner_id if ballot.is_owners else Household.owner_id
    named = db.exists().where(Owner.id == owner, Owner.name.contains(name, autoescape=True))
    if ballot.per_person:
        named = db.or_(named, db.exists().where(
            ElectoratePerson.ballot_id == ballot.id,
            ElectoratePerson.household_id == Household.id,
            User.id == ElectoratePerson.user_id,
            User.name.contains(name, autoescape=True)))
    return named


def household_in_electorate(ballot, household_id):
    """The household, if it is in the ballot's frozen electorate."""
    if not isinstance(household_id, int):
        return None
    return db.session.scalar(db.select(Household).join(ElectorateUnit, db.and_(
        ElectorateUnit.household_id == Household.id, ElectorateUnit.ballot_id == ballot.id))
        .where(Household.id == household_id))

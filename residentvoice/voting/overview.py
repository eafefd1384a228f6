"""Ballots and participation across the compounds a street office (or a
secretary) oversees, narrowed to one street (issue 17 §9): every open ballot
and those closed in the last ``RECENT`` days, each with how many of its
electorate have voted — in one statement, however many ballots."""
from datetime import timedelta

from ..directory.models import Community, Compound, StreetOffice
from ..extensions import db
from ..models import utcnow
from .models import Ballot, BallotStatus, CountPer, ElectoratePerson, ElectorateUnit, Vote

RECENT = timedelta(days=90)


def streets_of(user):
    """The street offices whose compounds the user oversees, by name."""
    ids = user.street_office_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(StreetOffice).where(StreetOffice.id.in_(ids))
                              .order_by(StreetOffice.name)).all()


def compounds_in_scope(user, street_id=None):
    """The compounds the user manages, on one street when ``street_id``."""
    query = db.select(Compound).join(Community, Community.id == Compound.community_id).where(
        Compound.community_id.in_(user.managed_community_ids() or {-1}))
    if street_id:
        query = query.where(Community.street_office_id == street_id)
    return db.session.scalars(query.order_by(Compound.name)).all()


def participation(compound_ids, now=None):
    """[(ballot, compound name, electorate size, voted)] for the compounds."""
    if not compound_ids:
        return []
    since = (now or utcnow()) - RECENT
    scope = db.select(Ballot.id).where(
        Ballot.compound_id.in_(compound_ids),
        db.or_(Ballot.status == BallotStatus.open,
               db.and_(Ballot.status.in_([BallotStatus.closed, BallotStatus.published]),
                       Ballot.closed_at >= since)))
    units = (db.select(ElectorateUnit.ballot_id, db.func.count().label("n"))
             .where(ElectorateUnit.ballot_id.in_(scope)).group_by(ElectorateUnit.ballot_id)
             .subquery())
    people = (db.select(ElectoratePerson.ballot_id, db.func.count().label("n"))
              .where(ElectoratePerson.ballot_id.in_(scope))
              .group_by(ElectoratePerson.ballot_id).subquery())
    voted = (db.select(Vote.ballot_id, db.func.count().label("n"))
             .where(Vote.ballot_id.in_(scope)).group_by(Vote.ballot_id).subquery())
    size = db.case((Ballot.count_per == CountPer.person, db.func.coalesce(people.c.n, 0)),
                   else_=db.func.coalesce(units.c.n, 0))
    return db.session.execute(
        db.select(Ballot, Compound.name, size, db.func.coalesce(voted.c.n, 0))
        .join(Compound, Compound.id == Ballot.compound_id)
        .outerjoin(units, units.c.ballot_id == Ballot.id)
        .outerjoin(people, people.c.ballot_id == Ballot.id)
        .outerjoin(voted, voted.c.ballot_id == Ballot.id)
        .where(Ballot.id.in_(scope))
        .order_by(Compound.name, Ballot.closes_at.desc())).all()

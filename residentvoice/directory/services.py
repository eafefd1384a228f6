"""Directory queries and changes (households, buildings, owners)."""
from ..extensions import db
from .models import Building, Compound, Household


def compounds_managed_by(user):
    """Compounds whose community the user manages (secretary or street office)."""
    ids = user.managed_compound_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(Compound).where(Compound.id.in_(ids))
                              .order_by(Compound.name)).all()


def household_counts(compound_ids):
    rows = db.session.execute(
        db.select(Household.compound_id, db.func.count(Household.id), db.func.sum(Household.area_m2))
        .where(Household.compound_id.in_(compound_ids)).group_by(Household.compound_id)).all()
    return {cid: (count, area) for cid, count, area in rows}


def buildings_with_counts(compound):
    rows = db.session.execute(
        db.select(Building, db.func.count(Household.id))
        .outerjoin(Household, Household.building_id == Building.id)
        .where(Building.compound_id == compound.id)
        .group_by(Building.id).order_by(Building.number)).all()
    return rows

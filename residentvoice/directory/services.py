"""Directory queries and changes: compounds, buildings, households (DESIGN §3).

Every change is made for an acting user who manages the community, checks its
input before touching a row (so a refused change changes nothing) and writes
the audit log."""
import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..audit.services import diff, record
from ..auth.models import RoleAssignment, RoleKind
from ..errors_domain import Conflict, InvalidInput, NotAllowed
from sqlalchemy.orm import joinedload

from ..extensions import db
from .models import Building, BuildingKind, Community, Compound, Household, Occupancy, Owner

MAX_AREA = Decimal("10000")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
AREA_SUFFIXES = ("平方米", "平米", "m²", "m2", "㎡")


# ---- queries ---------------------------------------------------------------

def compounds_managed_by(user):
    """Compounds whose community the user manages (secretary or street office)."""
    ids = user.managed_compound_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(Compound).where(Compound.id.in_(ids))
                              .options(joinedload(Compound.community))
                              .order_by(Compound.name)).all()


def communities_managed_by(user):
    ids = user.managed_community_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(Community).where(Community.id.in_(ids))
                              .order_by(Community.name)).all()


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


def residents_by_household(household_ids):
    """``{household_id: [RoleAssignment]}`` in one query (no per-row queries)."""
    result = {hid: [] for hid in household_ids}
    if not household_ids:
        return result
    roles = db.session.scalars(
        db.select(RoleAssignment).options(selectinload(RoleAssignment.user))
        .where(RoleAssignment.kind == RoleKind.resident,
               RoleAssignment.household_id.in_(household_ids))
        .order_by(RoleAssignment.id)).all()
    for role in roles:
        result[role.household_id].append(role)
    return result


def with_places(households):
    """The households, with their compounds and buildings read in one
    statement (for lists that name each flat and its compound)."""
    ids = [h.id for h in households]
    if ids:
        db.session.scalars(db.select(Household).where(Household.id.in_(ids)).options(
            joinedload(Household.compound), joinedload(Household.building))).all()
    return households


def households_query(compound, *, building=None, q=None):
    """Households of a compound (optionally one building), searched by
    household code or owner name."""
    query = (db.select(Household).outerjoin(Owner, Household.owner_id == Owner.id)
             .options(selectinload(Household.owner), selectinload(Household.building))
             .where(Household.compound_id == compound.id))
    if building is not None:
        query = query.where(Household.building_id == building.id)
    q = (q or "").strip()
    if q:
        like = f"%{escape_like(q)}%"
        query = query.where(db.or_(Household.code.ilike(like, escape="\\"),
                                   Owner.name.ilike(like, escape="\\")))
    return query.order_by(Household.floor, Household.unit, Household.code)


def escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# ---- values ----------------------------------------------------------------

def parse_area(value, field="area_m2"):
    """The registered exclusive area (法释〔2020〕17号 art. 8) as an exact
    Decimal with two places: positive, at most 10,000 m², at most two decimals."""
    if isinstance(value, float):
        value = repr(value)
    text = str(value if value is not None else "").strip()
    for suffix in AREA_SUFFIXES:
        if text.endswith(suffix):
            text = text[:-len(suffix)].strip()
    if not text:
        raise InvalidInput(_l("Enter the area in m², e.g. 68.25."), field)
    try:
        area = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(_l("The area must be a number of m², e.g. 68.25."), field)
    if not area.is_finite():
        raise InvalidInput(_l("The area must be a number of m², e.g. 68.25."), field)
    if area <= 0:
        raise InvalidInput(_l("The area must be more than 0 m²."), field)
    if area > MAX_AREA:
        raise InvalidInput(_l("The area must be at most 10,000 m²."), field)
    if area != area.quantize(Decimal("0.01")):
        raise InvalidInput(_l("Give the area to at most 2 decimal places."), field)
    return area.quantize(Decimal("0.01"))


def default_household_code(compound, building_number, unit):
    """``DSST34-1-0601``: compound code, building number and unit."""
    return f"{compound.code}-{building_number}-{unit}"


def check_code(code, field="code", max_length=32):
    if len(code) > max_length:
        raise InvalidInput(_l("At most %(max)d characters.", max=max_length), field)
    if not CODE_RE.match(code):
        raise InvalidInput(_l("Use only letters, digits and hyphens (-)."), field)
    return code


def check_floor(floor, building, field="floor"):
    if floor is None or floor < 1 or floor > building.floors:
        raise InvalidInput(lazy_ngettext(
            "Building %(b)s has only %(num)d floor: the floor must be 1.",
            "The floor must be between 1 and %(num)d (building %(b)s has %(num)d floors).",
            building.floors, b=building.number), field)
    return floor


def _require_manager(actor, place):
    if not place.can_manage(actor):
        raise NotAllowed(_l("You may only change the directory of your own community."))


# ---- compounds -------------------------------------------------------------

COMPOUND_FIELDS = ("code", "name", "address", "built_year", "description")


def _store(row, conflict):
    """Write ``row`` (new or changed) in a savepoint.  Codes are checked
    before, but two requests adding the same one at once (a double click) both
    pass the check: the unique key stores one, and the other answers
    ``conflict``, the check's own message, instead of a 500."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise conflict


def _code_taken(code):
    return Conflict(_l("Another compound already uses the code %(code)s.", code=code), "code")


def _check_compound_code(code, exclude_id=None):
    check_code(code, max_length=16)
    query = db.select(Compound.id).where(db.func.upper(Compound.code) == code.upper())
    if exclude_id:
        query = query.where(Compound.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise _code_taken(code)


def create_compound(actor, community, data):
    _require_manager(actor, community)
    code = data["code"].upper()
    _check_compound_code(code)
    compound = Compound(community_id=community.id, code=code, name=data["name"],
                        address=data.get("address") or "", built_year=data.get("built_year"),
                        description=data.get("description") or "")
    _store(compound, _code_taken(code))
    record(actor, "compound.created", compound, summary=f"{compound.code} {compound.name}",
           community_id=community.id)
    return compound


def update_compound(actor, compound, data):
    _require_manager(actor, compound)
    data = dict(data, code=data["code"].upper(), address=data.get("address") or "",
                description=data.get("description") or "")
    _check_compound_code(data["code"], exclude_id=compound.id)
    changes = diff(compound, data, COMPOUND_FIELDS)
    if changes:
        _store(compound, _code_taken(data["code"]))
        record(actor, "compound.updated", compound, summary=compound.name, changes=changes,
               community_id=compound.community_id)
    return changes


# ---- buildings -------------------------------------------------------------

def _lock_building(building):
    """The building's row lock, and the building read again under it: its
    floors and the floors of its households are checked against each other
    by requests that queue here (DESIGN §8), so a household is never added
    above a top floor removed at the same moment.  PostgreSQL: ``FOR NO KEY
    UPDATE`` to the commit; SQLite serializes write requests itself."""
    db.session.flush()
    db.session.refresh(building, with_for_update={"key_share": True})
    return building


def _number_taken(number):
    return Conflict(_l("This compound already has a building %(n)s.", n=number), "number")


def _check_building(compound, number, floors, exclude_id=None):
    if not number:
        raise InvalidInput(_l("Enter the building number."), "number")
    check_code(number, "number", max_length=16)
    query = db.select(Building.id).where(Building.compound_id == compound.id,
                                         Building.number == number)
    if exclude_id:
        query = query.where(Building.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise _number_taken(number)
    if floors is None or not 1 <= floors <= 100:
        raise InvalidInput(_l("Floors must be between 1 and 100."), "floors")


def create_building(actor, compound, data):
    _require_manager(actor, compound)
    _check_building(compound, data["number"], data["floors"])
    kind = data.get("kind") or BuildingKind.walkup
    building = Building(compound_id=compound.id, number=data["number"],
                        floors=data["floors"], kind=BuildingKind[kind] if isinstance(kind, str)
                        else kind)
    _store(building, _number_taken(building.number))
    record(actor, "building.created", building,
           summary=f"{compound.code} {building.number}", community_id=compound.community_id)
    return building


def update_building(actor, building, data):
    _require_manager(actor, building)
    _lock_building(building)
    _check_building(building.compound, data["number"], data["floors"], exclude_id=building.id)
    highest = db.session.scalar(db.select(db.func.max(Household.floor))
                                .where(Household.building_id == building.id))
    if highest and data["floors"] < highest:
        raise InvalidInput(_l("A household is registered on floor %(n)d; the building cannot "
                              "have fewer floors.", n=highest), "floors")
    data = dict(data, kind=BuildingKind[data["kind"]] if isinstance(data["kind"], str)
                else data["kind"])
    changes = diff(building, data, ("number", "floors", "kind"))
    if changes:
        _store(building, _number_taken(data["number"]))
        record(actor, "building.updated", building, summary=building.number, changes=changes,
               community_id=building.compound.community_id)
    return changes


# ---- households ------------------------------------------------------------

def _check_household_code(code, exclude_id=None):
    check_code(code)
    query = db.select(Household.id).where(db.func.upper(Household.code) == code.upper())
    if exclude_id:
        query = query.where(Household.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise _household_code_taken(code)


def _household_code_taken(code):
    return Conflict(_l("The household code %(code)s is already used.", code=code), "code")


def _household_values(building, data, exclude_id=None):
    unit = (data.get("unit") or "").strip()
    if not unit:
        raise InvalidInput(_l("Enter the unit number."), "unit")
    check_code(unit, "unit", max_length=16)
    floor = check_floor(data.get("floor"), building)
    area = parse_area(data.get("area_m2"))
    code = (data.get("code") or "").strip().upper() or \
        default_household_code(building.compound, building.number, unit).upper()
    _check_household_code(code, exclude_id)
    occupancy = data.get("occupancy") or Occupancy.owner_occupied
    if isinstance(occupancy, str):
        occupancy = Occupancy[occupancy]
    return {"building_id": building.id, "unit": unit, "floor": floor, "area_m2": area,
            "code": code, "occupancy": occupancy}


def create_household(actor, building, data):
    """A household (户) in a building; its code defaults to
    ``<compound code>-<building>-<unit>``."""
    _require_manager(actor, building)
    _lock_building(building)
    values = _household_values(building, data)
    household = Household(compound_id=building.compound_id, **values)
    _store(household, _household_code_taken(household.code))
    record(actor, "household.created", household,
           summary=f"{household.code} {household.area_m2} m²",
           community_id=building.compound.community_id)
    return household


def update_household(actor, household, building, data):
    _require_manager(actor, household)
    if building.compound_id != household.compound_id:
        raise InvalidInput(_l("Choose a building of this compound."), "building_id")
    _lock_building(building)
    values = _household_values(building, data, exclude_id=household.id)
    changes = diff(household, values, tuple(values))
    if changes:
        _store(household, _household_code_taken(values["code"]))
        db.session.expire(household, ["building"])
        record(actor, "household.updated", household, summary=household.code,
               changes=changes, community_id=household.compound.community_id)
    return changes

"""Importing households from a spreadsheet: a dry run that lists every bad
row with its line number, then an import of the whole clean file in one
transaction (nothing is imported while any row is bad).

Columns (English or Chinese headers): building 楼号, unit 单元/房号, floor 楼层,
area_m2 面积 (required); code 户号, owner_name 业主, owner_kind 业主类型,
occupancy 居住状态 (optional).  Owners are matched to the community's owners by
exact name and kind, else created once however many rows name them."""
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..errors_domain import Conflict, DomainError, InvalidInput, NotAllowed
from ..extensions import db
from .models import Building, BuildingKind, Household, Occupancy, Owner, OwnerKind
from .services import check_code, default_household_code, parse_area
from .spreadsheet import MAX_ROWS, cell_text, read_rows

COLUMNS = {
    "building": ("building", "楼号", "楼", "楼栋", "楼栋号", "楼号/楼栋"),
    "unit": ("unit", "单元/房号", "房号", "单元房号", "门牌号", "室号", "单元"),
    "floor": ("floor", "楼层", "层"),
    "area_m2": ("area_m2", "area", "面积", "建筑面积", "专有面积", "登记面积"),
    "code": ("code", "householdcode", "户号", "户编号", "编号"),
    "owner_name": ("owner_name", "owner", "ownername", "业主", "业主姓名", "业主名称"),
    "owner_kind": ("owner_kind", "ownerkind", "业主类型"),
    "occupancy": ("occupancy", "居住状态", "居住情况"),
}
REQUIRED = ("building", "unit", "floor", "area_m2")
COLUMN_LABELS = {
    "building": _l("building (楼号)"), "unit": _l("unit (单元/房号)"),
    "floor": _l("floor (楼层)"), "area_m2": _l("area_m2 (面积)"), "code": _l("code (户号)"),
    "owner_name": _l("owner_name (业主)"), "owner_kind": _l("owner_kind (业主类型)"),
    "occupancy": _l("occupancy (居住状态)"),
}
OWNER_KINDS = {"person": OwnerKind.person, "个人": OwnerKind.person, "自然人": OwnerKind.person,
               "institution": OwnerKind.institution, "单位": OwnerKind.institution,
               "机构": OwnerKind.institution, "法人": OwnerKind.institution}
OCCUPANCIES = {"owner_occupied": Occupancy.owner_occupied, "自住": Occupancy.owner_occupied,
               "rented": Occupancy.rented, "出租": Occupancy.rented,
               "vacant": Occupancy.vacant, "空置": Occupancy.vacant}
MAX_BUILDING_FLOORS = 100


def _header_key(text):
    text = re.sub(r"[\(（].*?[\)）]", "", cell_text(text)).lower()
    return re.sub(r"[\s_*]", "", text)


ALIASES = {_header_key(alias): column for column, names in COLUMNS.items() for alias in names}


@dataclass
class Problem:
    line: int
    column: str
    value: str
    message: str


@dataclass
class Row:
    line: int
    building: str
    unit: str
    floor: int
    area_m2: object
    code: str
    owner_name: str
    owner_kind: OwnerKind
    occupancy: Occupancy


@dataclass
class Plan:
    """The outcome of a dry run: clean rows, or problems (then nothing imports)."""
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    new_buildings: dict = field(default_factory=dict)
    unknown_buildings: set = field(default_factory=set)
    new_owners: set = field(default_factory=set)
    matched_owners: set = field(default_factory=set)

    @property
    def clean(self):
        return not self.problems and bool(self.rows)


def plan_import(compound, data, *, create_buildings=False):
    """Read the file and check every row against the file and the database.
    Raises InvalidInput for a file that cannot be read or misses columns."""
    rows = read_rows(data)
    if not rows:
        raise InvalidInput(_l("The file has no rows."), "file")
    header_line, header = rows[0]
    columns, ignored = _map_header(header)
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidInput(_l("The file has more than %(max)d households. Split it into "
                              "smaller files.", max=MAX_ROWS), "file")
    if len(rows) == 1:
        raise InvalidInput(_l("The file has no households below its header row."), "file")
    plan = Plan(ignored_columns=ignored)
    checker = _RowChecker(compound, plan, create_buildings)
    for line, cells in rows[1:]:
        values = {name: (cells[i] if i < len(cells) else None) for name, i in columns.items()}
        checker.check(line, values)
    checker.finish()
    return plan


def _map_header(header):
    columns, ignored = {}, []
    for index, title in enumerate(header):
        key = ALIASES.get(_header_key(title))
        if key is None:
            if cell_text(title):
                ignored.append(cell_text(title)[:40])
            continue
        if key in columns:
            raise InvalidInput(_l("The column %(name)s appears twice in the header row.",
                                  name=COLUMN_LABELS[key]), "file")
        columns[key] = index
    missing = [str(COLUMN_LABELS[c]) for c in REQUIRED if c not in columns]
    if missing:
        raise InvalidInput(_l("The header row (the first row) misses these columns: %(names)s.",
                              names=", ".join(missing)), "file")
    return columns, ignored


class _RowChecker:
    def __init__(self, compound, plan, create_buildings):
        self.compound = compound
        self.plan = plan
        self.create_buildings = create_buildings
        self.buildings = {b.number: b for b in compound.buildings}
        self.seen_codes = {}
        self.seen_units = {}
        self.owner_keys = set()

    def problem(self, line, column, value, message):
        self.plan.problems.append(Problem(line, str(COLUMN_LABELS[column]),
                                          cell_text(value)[:80], str(message)))

    def check(self, line, values):
        bad = len(self.plan.problems)
        building = self._building(line, values.get("building"))
        unit = self._text(line, "unit", values.get("unit"), 16, strip=("室",), required=True)
        floor = self._floor(line, values.get("floor"), building)
        area = self._area(line, values.get("area_m2"))
        code = self._code(line, values.get("code"), building, unit)
        owner_name = self._text(line, "owner_name", values.get("owner_name"), 120)
        owner_kind = self._choice(line, "owner_kind", values.get("owner_kind"), OWNER_KINDS,
                                  OwnerKind.person)
        occupancy = self._choice(line, "occupancy", values.get("occupancy"), OCCUPANCIES,
                                 Occupancy.owner_occupied)
        if cell_text(values.get("owner_kind")) and not owner_name:
            self.problem(line, "owner_kind", values.get("owner_kind"),
                         _l("An owner type is given without an owner name."))
        if len(self.plan.problems) > bad:
            return
        if owner_name:
            self.owner_keys.add((owner_name, owner_kind))
        self.plan.rows.append(Row(line, building, unit, floor, area, code, owner_name,
                                  owner_kind, occupancy))

    def _text(self, line, column, value, limit, strip=(), required=False):
        text = cell_text(value)
        for suffix in strip:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[:-len(suffix)]
        if required and not text:
            self.problem(line, column, value, _l("This cell is empty."))
            return None
        if len(text) > limit:
            self.problem(line, column, value, _l("At most %(max)d characters.", max=limit))
            return None
        if column in ("unit", "building") and text:
            try:
                check_code(text, column, limit)
            except DomainError as error:
                self.problem(line, column, value, error.message)
                return None
        return text

    def _building(self, line, value):
        number = self._text(line, "building", value, 16, strip=("号楼", "楼", "号", "栋"),
                            required=True)
        if number is None:
            return None
        if number not in self.buildings and not self.create_buildings:
            self.plan.unknown_buildings.add(number)
            self.problem(line, "building", value, _l(
                "Building %(n)s does not exist in this compound. Add it first, or choose "
                "to create missing buildings.", n=number))
            return None
        return number

    def _floor(self, line, value, building_number):
        text = cell_text(value)
        for suffix in ("层", "楼", "F", "f"):
            text = text.removesuffix(suffix)
        try:
            floor = int(text)
        except ValueError:
            self.problem(line, "floor", value, _l("The floor must be a whole number."))
            return None
        building = self.buildings.get(building_number)
        highest = building.floors if building is not None else MAX_BUILDING_FLOORS
        if not 1 <= floor <= highest:
            self.problem(line, "floor", value,
                         _l("The floor must be between 1 and %(max)d.", max=highest))
            return None
        if building is None and building_number is not None:
            known = self.plan.new_buildings.get(building_number, 0)
            self.plan.new_buildings[building_number] = max(known, floor)
        return floor

    def _area(self, line, value):
        try:
            return parse_area(value)
        except DomainError as error:
            self.problem(line, "area_m2", value, error.message)
            return None

    def _code(self, line, value, building, unit):
        code = cell_text(value).upper()
        if not code and building and unit:
            code = default_household_code(self.compound, building, unit).upper()
        if not code:
            return None
        try:
            check_code(code)
        except DomainError as error:
            self.problem(line, "code", value or code, error.message)
            return None
        if code in self.seen_codes:
            self.problem(line, "code", code, _l("The household code %(code)s is already on "
                                                "line %(line)d of this file.",
                                                code=code, line=self.seen_codes[code]))
            return None
        self.seen_codes[code] = line
        if building and unit:
            if (building, unit) in self.seen_units:
                self.problem(line, "unit", unit, _l(
                    "Building %(b)s unit %(u)s is already on line %(line)d of this file.",
                    b=building, u=unit, line=self.seen_units[(building, unit)]))
                return None
            self.seen_units[(building, unit)] = line
        return code

    def _choice(self, line, column, value, options, default):
        text = cell_text(value)
        if not text:
            return default
        choice = options.get(text.lower()) or options.get(text)
        if choice is None:
            self.problem(line, column, value, _l("Use one of: %(options)s.",
                                                 options=", ".join(options)))
        return choice

    def finish(self):
        """Checks against the database, in a few queries for the whole file."""
        rows = self.plan.rows
        codes = {r.code for r in rows}
        taken = set()
        for chunk in _chunks(sorted(codes), 500):
            taken |= set(db.session.scalars(db.select(Household.code).where(
                db.func.upper(Household.code).in_(chunk))))
        taken = {c.upper() for c in taken}
        existing_units = set(db.session.execute(
            db.select(Building.number, Household.unit).join(Household.building)
            .where(Household.compound_id == self.compound.id)).all())
        for row in list(rows):
            if row.code in taken:
                self._drop(row, "code", row.code, _l(
                    "The household code %(code)s already exists in the directory.",
                    code=row.code))
            elif (row.building, row.unit) in existing_units:
                self._drop(row, "unit", row.unit, _l(
                    "Building %(b)s unit %(u)s already exists in the directory.",
                    b=row.building, u=row.unit))
        self._match_owners()
        self.plan.problems.sort(key=lambda p: p.line)

    def _drop(self, row, column, value, message):
        self.plan.rows.remove(row)
        self.problem(row.line, column, value, message)

    def _match_owners(self):
        names = {name for name, _kind in self.owner_keys}
        found = {}
        for chunk in _chunks(sorted(names), 500):
            for owner in db.session.scalars(db.select(Owner).where(
                    Owner.community_id == self.compound.community_id, Owner.name.in_(chunk))):
                found.setdefault((owner.name, owner.kind), []).append(owner)
        for row in list(self.plan.rows):
            if not row.owner_name:
                continue
            key = (row.owner_name, row.owner_kind)
            matches = found.get(key, [])
            if len(matches) > 1:
                self._drop(row, "owner_name", row.owner_name, _l(
                    "Several owners in this community are named %(name)s. Leave the cell "
                    "empty and assign the owner on the household's page.", name=row.owner_name))
            elif matches:
                self.plan.matched_owners.add(key)
            else:
                self.plan.new_owners.add(key)


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def apply_import(actor, compound, plan, filename=""):
    """Create the missing buildings, the new owners and every household of a
    clean plan, all or nothing.  Returns the counts for the report."""
    if not compound.can_manage(actor):
        raise NotAllowed(_l("You may only change the directory of your own community."))
    if not plan.clean:
        raise InvalidInput(_l("The file still has problems; nothing was imported."), "file")
    community_id = compound.community_id
    try:
        with db.session.begin_nested():
            buildings = {b.number: b for b in compound.buildings}
            for number, floors in sorted(plan.new_buildings.items()):
                building = Building(compound_id=compound.id, number=number, floors=floors,
                                    kind=BuildingKind.walkup)
                db.session.add(building)
                buildings[number] = building
            owners = {}
            for owner in db.session.scalars(db.select(Owner).where(
                    Owner.community_id == community_id)):
                owners.setdefault((owner.name, owner.kind), owner)
            for name, kind in sorted(plan.new_owners, key=lambda k: (k[0], k[1].name)):
                owners[(name, kind)] = Owner(community_id=community_id, name=name, kind=kind)
                db.session.add(owners[(name, kind)])
            db.session.flush()
            households = [Household(
                compound_id=compound.id, building_id=buildings[r.building].id, code=r.code,
                unit=r.unit, floor=r.floor, area_m2=r.area_m2, occupancy=r.occupancy,
                owner_id=owners[(r.owner_name, r.owner_kind)].id if r.owner_name else None)
                for r in plan.rows]
            db.session.add_all(households)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Someone changed these households while you were importing. "
                          "Upload the file again to check it."), "file")
    counts = {"households": len(plan.rows), "buildings": len(plan.new_buildings),
              "new_owners": len(plan.new_owners), "matched_owners": len(plan.matched_owners)}
    record(actor, "household.imported", compound,
           summary=f"{filename[:100]}: {counts['households']} households, "
                   f"{counts['buildings']} buildings, {counts['new_owners']} new owners",
           changes={k: (None, v) for k, v in counts.items()}, community_id=community_id)
    return counts

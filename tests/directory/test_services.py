"""Directory services: areas, household codes, changes with audit, owners and
residents, and who may change what."""
from decimal import Decimal

import pytest

from residentvoice.audit.models import AuditEntry
from residentvoice.auth.models import Relation, RoleAssignment
from residentvoice.directory import people, services
from residentvoice.directory.models import Household, Occupancy, OwnerKind
from residentvoice.errors_domain import Conflict, InvalidInput, NotAllowed

pytestmark = pytest.mark.usefixtures("english")


def _audit(db, action):
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.mark.parametrize("text, expected", [
    ("68.25", Decimal("68.25")), ("68.2", Decimal("68.20")), ("70", Decimal("70.00")),
    (" 1,234.50 ", Decimal("1234.50")), ("55.5㎡", Decimal("55.50")),
    ("61.75 m²", Decimal("61.75")), (80.55, Decimal("80.55")), (10000, Decimal("10000.00")),
])
def test_area_is_an_exact_decimal_with_two_places(text, expected):
    area = services.parse_area(text)
    assert area == expected and area.as_tuple().exponent == -2


@pytest.mark.parametrize("text, message", [
    ("", "Enter the area"), ("abc", "must be a number"), ("-5", "more than 0"),
    ("0", "more than 0"), ("0.00", "more than 0"), ("10000.01", "at most 10,000"),
    ("68.255", "2 decimal places"), ("NaN", "must be a number"), ("Infinity", "must be a number"),
    ("1e400", "at most 10,000"),
])
def test_bad_areas_are_refused_with_a_reason(text, message):
    with pytest.raises(InvalidInput) as error:
        services.parse_area(text)
    assert message in str(error.value.message) and error.value.field == "area_m2"


def test_household_code_defaults_to_compound_building_unit(factory, db):
    w = factory.world()
    household = services.create_household(w.secretary, w.building_a, {
        "unit": "0601", "floor": 6 if w.building_a.floors >= 6 else 1, "area_m2": "68.25",
        "code": "", "occupancy": "rented"})
    assert household.code == f"{w.compound_a.code}-1-0601".upper()
    assert household.area_m2 == Decimal("68.25")
    assert household.occupancy is Occupancy.rented
    entry = _audit(db, "household.created")[-1]
    assert entry.community_id == w.community_a.id and entry.object_id == household.id


def test_household_code_typed_is_kept_and_must_be_unique(factory, db):
    w = factory.world()
    data = {"unit": "0502", "floor": 5, "area_m2": "50", "code": "dsst34-x-0502"}
    household = services.create_household(w.secretary, w.building_a, data)
    assert household.code == "DSST34-X-0502"
    with pytest.raises(Conflict) as error:
        services.create_household(w.secretary, w.building_a, dict(data, unit="0503"))
    assert error.value.field == "code"
    with pytest.raises(Conflict):  # the default code of an existing unit is taken too
        services.create_household(w.secretary, w.building_a,
                                  {"unit": "0301", "floor": 3, "area_m2": "50"})


@pytest.mark.parametrize("change, field", [
    ({"floor": 7}, "floor"), ({"floor": 0}, "floor"), ({"unit": ""}, "unit"),
    ({"unit": "<b>1</b>"}, "unit"), ({"code": "A" * 33}, "code"), ({"area_m2": "-1"}, "area_m2"),
])
def test_bad_household_input_changes_nothing(factory, db, change, field):
    w = factory.world()
    before = db.session.scalar(db.select(db.func.count(Household.id)))
    data = dict({"unit": "0101", "floor": 1, "area_m2": "50.00", "code": ""}, **change)
    with pytest.raises(InvalidInput) as error:
        services.create_household(w.secretary, w.building_a, data)
    assert error.value.field == field
    assert db.session.scalar(db.select(db.func.count(Household.id))) == before
    assert _audit(db, "household.created") == []


def test_update_household_records_changes(factory, db):
    w = factory.world()
    changes = services.update_household(w.secretary, w.household_a, w.building_a, {
        "unit": "0301", "floor": 3, "area_m2": "81.00", "code": w.household_a.code,
        "occupancy": "vacant"})
    assert set(changes) == {"area_m2", "occupancy"}
    assert w.household_a.area_m2 == Decimal("81.00")
    entry = _audit(db, "household.updated")[-1]
    assert entry.changes["area_m2"] == ["80.50", "81.00"]


def test_secretary_of_another_community_may_not_change_households(factory, db):
    w = factory.world()
    with pytest.raises(NotAllowed):
        services.create_household(w.other_secretary, w.building_a,
                                  {"unit": "0101", "floor": 1, "area_m2": "50"})
    with pytest.raises(NotAllowed):
        services.update_compound(w.other_secretary, w.compound_a,
                                 {"code": "X1", "name": "x"})


def test_street_admin_manages_the_communities_of_the_office(factory, db):
    w = factory.world()
    building = services.create_building(w.street_admin, w.compound_a,
                                        {"number": "9", "floors": 6, "kind": "tower"})
    assert building.compound_id == w.compound_a.id
    with pytest.raises(NotAllowed):
        services.create_building(w.street_admin, w.compound_b, {"number": "9", "floors": 6})


def test_compound_codes_are_unique_ignoring_case(factory, db):
    w = factory.world()
    compound = services.create_compound(w.secretary, w.community_a,
                                        {"code": "new1", "name": "新院"})
    assert compound.code == "NEW1"
    with pytest.raises(Conflict):
        services.create_compound(w.secretary, w.community_a, {"code": "New1", "name": "x"})
    with pytest.raises(Conflict):
        services.update_compound(w.secretary, w.compound_a, {"code": "NEW1", "name": "x"})


def test_building_numbers_are_unique_in_a_compound_and_floors_cover_households(factory, db):
    w = factory.world()
    with pytest.raises(Conflict):
        services.create_building(w.secretary, w.compound_a, {"number": "1", "floors": 6})
    with pytest.raises(InvalidInput) as error:  # household_a2 is on floor 4
        services.update_building(w.secretary, w.building_a,
                                 {"number": "1", "floors": 3, "kind": "walkup"})
    assert error.value.field == "floors"
    assert w.building_a.floors == 6


def test_search_by_code_or_owner_name(factory, db):
    w = factory.world()
    owner = factory.owner(w.community_a, name="北京市建筑材料科学研究所",
                          kind=OwnerKind.institution)
    w.household_a2.owner_id = owner.id
    db.session.flush()
    by_name = db.session.scalars(services.households_query(w.compound_a, q="建筑材料")).all()
    assert by_name == [w.household_a2]
    by_code = db.session.scalars(services.households_query(w.compound_a, q="0301")).all()
    assert by_code == [w.household_a]
    assert db.session.scalars(services.households_query(w.compound_a, q="%")).all() == []


def test_one_owner_may_hold_several_households(factory, db):
    w = factory.world()
    owner = people.create_owner(w.secretary, w.community_a,
                                {"name": "天坛置业", "kind": "institution"})
    people.assign_owner(w.secretary, w.household_a, owner)
    people.assign_owner(w.secretary, w.household_a2, owner)
    assert {h.id for h in owner.households} == {w.household_a.id, w.household_a2.id}
    assert people.household_counts_by_owner([owner.id])[owner.id] == (2, Decimal("135.75"))
    assert len(_audit(db, "household.owner_assigned")) == 2
    people.assign_owner(w.secretary, w.household_a2, None)
    assert w.household_a2.owner is None


def test_an_owner_of_another_community_cannot_be_assigned(factory, db):
    w = factory.world()
    stranger = factory.owner(w.community_b, name="外人")
    with pytest.raises(InvalidInput):
        people.assign_owner(w.secretary, w.household_a, stranger)


def test_owner_name_is_required_and_limited(factory, db):
    w = factory.world()
    with pytest.raises(InvalidInput):
        people.create_owner(w.secretary, w.community_a, {"name": " ", "kind": "person"})
    with pytest.raises(InvalidInput):
        people.create_owner(w.secretary, w.community_a, {"name": "x" * 121, "kind": "person"})


def test_change_relation_and_remove_binding(factory, db):
    w = factory.world()
    role = people.resident_role(w.household_a, next(r.id for r in w.resident.roles))
    assert people.change_relation(w.secretary, role, "tenant") is True
    assert role.relation is Relation.tenant
    assert _audit(db, "resident.relation_changed")[-1].changes["relation"] == ["owner", "tenant"]
    people.unbind_resident(w.secretary, role)
    assert db.session.get(RoleAssignment, role.id) is None
    assert w.household_a.id not in w.resident.household_ids()
    assert _audit(db, "resident.unbound")[-1].community_id == w.community_a.id


def test_resident_role_of_another_household_is_not_found(factory, db):
    w = factory.world()
    role_id = next(r.id for r in w.resident.roles)
    assert people.resident_role(w.household_a2, role_id) is None
    with pytest.raises(NotAllowed):
        people.change_relation(w.other_secretary, people.resident_role(w.household_a, role_id),
                               "family")


def test_residents_search_stays_in_the_managed_communities(factory, db):
    w = factory.world()
    found = db.session.scalars(people.residents_query({w.community_a.id})).all()
    assert w.resident in found and w.other_resident not in found
    assert db.session.scalars(people.residents_query({w.community_a.id}, "王秀")).all() == \
        [w.resident]
    assert people.mask_phone("13912345678") == "139****5678"

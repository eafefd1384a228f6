"""The directory pages through the test client: bad input is shown beside
the field with what was typed kept and nothing changed; markup is escaped;
owners, residents, in-person registration and reset slips work end to end."""
import re
from decimal import Decimal

from markupsafe import escape

from residentvoice.auth.models import PasswordResetCode, Relation, User
from residentvoice.directory.models import Building, Compound, Household, Owner

from ..translated import page, zh

SCRIPT = "<script>alert(1)</script>"

ALREADY_HAS_ACCOUNT = ("This mobile number already has an account. Its holder adds the "
                       "household by logging in and entering the code of the household's "
                       "letter (My account → Add a household): print a letter for them.")


def _login(auth, user, locale="en"):
    user.locale = locale
    auth.login(user)


def _count(db, model):
    return db.session.scalar(db.select(db.func.count(model.id)))


def _error_beside(html, field_id, message):
    """The error paragraph that belongs to the field."""
    return f'<p class="error" id="{field_id}-error">{message}</p>' in html


def test_add_compound_and_bad_input_keeps_what_was_typed(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    before = _count(db, Compound)
    long_name = "院" * 10_000
    response = client.post("/directory/compounds/new", data={
        "community_id": str(w.community_a.id), "code": "BAD CODE", "name": long_name,
        "address": SCRIPT})
    html = page(response)
    assert response.status_code == 422
    assert _error_beside(html, "name", "At most 120 characters.")
    assert "BAD CODE" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert _count(db, Compound) == before
    response = client.post("/directory/compounds/new", data={
        "community_id": str(w.community_a.id), "code": "BAD CODE", "name": "新院"})
    assert _error_beside(page(response), "code", "Use only letters, digits and hyphens (-).")
    response = client.post("/directory/compounds/new", data={
        "community_id": str(w.community_a.id), "code": "ny1", "name": "新院",
        "description": SCRIPT})
    assert response.status_code == 302
    compound = db.session.scalar(db.select(Compound).where(Compound.code == "NY1"))
    shown = page(client.get(response.headers["Location"]))
    assert "&lt;script&gt;" in shown and SCRIPT not in shown
    assert compound.community_id == w.community_a.id


def test_a_community_not_managed_cannot_be_chosen(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    response = client.post("/directory/compounds/new", data={
        "community_id": str(w.community_b.id), "code": "X9", "name": "别人的院"})
    assert response.status_code == 422 and "Not a valid choice" in page(response)
    assert db.session.scalar(db.select(Compound).where(Compound.code == "X9")) is None


def test_add_household_with_bad_area_keeps_values(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    url = f"/directory/buildings/{w.building_a.id}/households/new"
    before = _count(db, Household)
    for area, message in (("-5", "The area must be more than 0 m²."),
                          ("abc", "The area must be a number of m², e.g. 68.25."),
                          ("10000.01", "The area must be at most 10,000 m²."),
                          ("0", "The area must be more than 0 m².")):
        response = client.post(url, data={"building_id": str(w.building_a.id), "unit": "0601",
                                          "floor": "6", "area_m2": area, "code": "",
                                          "occupancy": "rented"})
        html = page(response)
        assert _error_beside(html, "area_m2", message), area
        assert f'value="{area}"' in html and 'value="0601"' in html
        assert '<option selected value="rented">' in html
    assert _count(db, Household) == before
    response = client.post(url, data={"building_id": str(w.building_a.id), "unit": "0601",
                                      "floor": "9", "area_m2": "68.25"})
    assert _error_beside(page(response), "floor",
                         "The floor must be between 1 and 6 (building 1 has 6 floors).")
    response = client.post(url, data={"building_id": str(w.building_a.id), "unit": "0601",
                                      "floor": "6", "area_m2": "68.25"})
    assert response.status_code == 302
    household = db.session.scalar(db.select(Household).where(Household.unit == "0601"))
    assert household.code == f"{w.compound_a.code}-1-0601" and household.area_m2 == \
        Decimal("68.25")


def test_building_pages_list_owner_residents_and_area(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    html = page(client.get(f"/directory/buildings/{w.building_a.id}"))
    assert w.household_a.code in html and "王秀兰 (Owner)" in html
    assert "80.50 m²" in html and "55.25 m²" in html
    response = client.post(f"/directory/compounds/{w.compound_a.id}/buildings/new",
                           data={"number": "1", "floors": "200", "kind": "tower"})
    html = page(response)
    assert _error_beside(html, "floors", "Floors must be between 1 and 100.")
    assert 'value="200"' in html
    response = client.post(f"/directory/compounds/{w.compound_a.id}/buildings/new",
                           data={"number": "1", "floors": "18", "kind": "tower"})
    assert _error_beside(page(response), "number", "This compound already has a building 1.")
    assert _count(db, Building) == 2


def test_search_households_by_code_or_owner(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    url = f"/directory/compounds/{w.compound_a.id}/households"
    by_owner = page(client.get(url + "?q=王秀兰"))
    assert w.household_a.code in by_owner and w.household_a2.code not in by_owner
    by_code = page(client.get(url + "?q=0401"))
    assert w.household_a2.code in by_code and w.household_a.code not in by_code
    escaped = page(client.get(url + "?q=" + SCRIPT))
    assert SCRIPT not in escaped and "No household matches." in escaped


def test_edit_household_in_chinese(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary, locale="zh_Hans")
    url = f"/directory/households/{w.household_a.id}/edit"
    assert 'value="80.50"' in page(client.get(url))
    response = client.post(url, data={"building_id": str(w.building_a.id), "unit": "0301",
                                      "floor": "3", "area_m2": "1.234",
                                      "code": w.household_a.code, "occupancy": "vacant"})
    assert zh("Give the area to at most 2 decimal places.") in page(response)
    assert w.household_a.area_m2 == Decimal("80.50")
    response = client.post(url, data={"building_id": str(w.building_a.id), "unit": "0301",
                                      "floor": "3", "area_m2": "81.2",
                                      "code": w.household_a.code, "occupancy": "vacant"})
    assert response.status_code == 302 and w.household_a.area_m2 == Decimal("81.20")


def test_owners_add_list_edit_and_escape_markup(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    response = client.post("/directory/owners/new", data={
        "community_id": str(w.community_a.id), "kind": "institution", "name": "x" * 10_000})
    assert _error_beside(page(response), "name", "At most 120 characters.")
    response = client.post("/directory/owners/new", data={
        "community_id": str(w.community_a.id), "kind": "institution", "name": SCRIPT,
        "phone": "call me"})
    assert _error_beside(page(response), "phone", "Enter a phone number of digits, e.g. "
                                                  "13800138000 or 010-64000001.")
    response = client.post("/directory/owners/new", data={
        "community_id": str(w.community_a.id), "kind": "institution", "name": SCRIPT,
        "phone": "010-64000001"})
    assert response.status_code == 302
    listing = page(client.get("/directory/owners?kind=institution"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listing and SCRIPT not in listing
    owner = db.session.scalar(db.select(Owner).where(Owner.name == SCRIPT))
    response = client.post(f"/directory/owners/{owner.id}",
                           data={"kind": "person", "name": "张三"})
    assert response.status_code == 302 and owner.name == "张三"
    assert "张三" not in page(client.get("/directory/owners?kind=institution"))


def test_assign_an_owner_of_several_households(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    owner = w.household_a.owner
    url = f"/directory/households/{w.household_a2.id}/owner"
    found = page(client.get(url + "?q=" + owner.name[:2]))
    assert owner.name in found
    client.post(url, data={"action": "assign", "owner_id": str(owner.id)})
    assert w.household_a2.owner_id == owner.id
    stranger = factory.owner(w.community_b, name="外人")
    assert client.post(url, data={"action": "assign",
                                  "owner_id": str(stranger.id)}).status_code == 404
    response = client.post(url, data={"action": "new", "new-kind": "person", "new-name": ""})
    assert _error_beside(page(response), "new-name", "Enter the owner's name.")
    client.post(url, data={"action": "new", "new-kind": "institution", "new-name": "研究所"})
    assert w.household_a2.owner.name == "研究所"
    client.post(url, data={"action": "clear"})
    assert w.household_a2.owner_id is None


def test_change_relation_and_remove_a_resident(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    role = w.resident.roles[0]
    base = f"/directory/households/{w.household_a.id}/residents/{role.id}"
    client.post(base + "/relation", data={f"r{role.id}-relation": "co_owner"})
    assert role.relation is Relation.co_owner
    response = client.post(base + "/relation", data={f"r{role.id}-relation": "boss"},
                           follow_redirects=True)
    assert "Choose the relation from the list." in page(response)
    assert role.relation is Relation.co_owner
    client.post(base + "/remove")
    assert w.household_a.id not in db.session.get(User, w.resident.id).household_ids()
    assert client.post(base + "/remove").status_code == 404


def test_register_a_resident_in_person(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    url = f"/directory/households/{w.household_a2.id}/register"
    response = client.post(url, data={"name": "赵大爷", "phone": "1234", "relation": "owner"})
    html = page(response)
    assert _error_beside(html, "phone", "Enter an 11-digit mainland mobile number, "
                                        "e.g. 13800138000.")
    assert 'value="赵大爷"' in html
    response = client.post(url, data={"name": "赵大爷", "phone": "13612345678",
                                      "relation": "owner", "birth_year": "1941"})
    html = page(response)
    password = re.search(r'class="code big-code">([a-z0-9]{10})<', html).group(1)
    user = db.session.scalar(db.select(User).where(User.phone == "13612345678"))
    assert user.household_ids() == {w.household_a2.id} and user.check_password(password)
    # Staff create new accounts only: an existing account joins a household by
    # its holder entering the letter's code (issue 14: account takeover).
    response = client.post(url, data={"name": "王秀兰", "phone": w.resident.phone,
                                      "relation": "family"})
    assert _error_beside(page(response), "phone", escape(ALREADY_HAS_ACCOUNT))
    assert w.household_a2.id not in db.session.get(User, w.resident.id).household_ids()


def test_reset_code_slip_lets_the_resident_set_a_new_password(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    found = page(client.get("/directory/residents?q=王秀"))
    assert "王秀兰" in found and "李建国" not in found
    assert w.resident.phone not in found  # numbers are masked
    html = page(client.post(f"/directory/residents/{w.resident.id}/reset-code"))
    code = re.search(r'class="code big-code">(\d{8})<', html).group(1)
    assert db.session.scalar(db.select(db.func.count(PasswordResetCode.id))) == 1
    assert client.post(f"/directory/residents/{w.other_resident.id}/reset-code"
                       ).status_code == 404
    auth.logout()
    response = client.post("/reset", data={"phone": w.resident.phone, "code": code,
                                           "password": "brand-new-pass"})
    assert response.status_code == 302
    assert db.session.get(User, w.resident.id).check_password("brand-new-pass")


def test_home_page_links_the_directory_work_for_secretaries(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    html = page(client.get("/"))
    assert f"/directory/compounds/{w.compound_a.id}/invitations/new" in html
    assert "/directory/residents" in html and "/directory/owners" in html
    auth.logout()
    _login(auth, w.resident)
    assert "/directory/residents" not in page(client.get("/"))


def test_registering_the_same_person_twice_is_explained_at_the_phone(client, auth, factory,
                                                                     db):
    w = factory.world()
    _login(auth, w.secretary)
    response = client.post(f"/directory/households/{w.household_a.id}/register",
                           data={"name": "王秀兰", "phone": w.resident.phone, "relation": "owner"})
    assert _error_beside(page(response), "phone", escape(ALREADY_HAS_ACCOUNT))


def test_edit_compound_and_building(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    url = f"/directory/compounds/{w.compound_a.id}/edit"
    assert f'value="{w.compound_a.code}"' in page(client.get(url))
    response = client.post(url, data={"code": w.compound_a.code, "name": "",
                                      "built_year": "1850"})
    html = page(response)
    assert _error_beside(html, "name", "Enter a name.")
    assert _error_beside(html, "built_year", "Enter a year such as 1986.")
    response = client.post(url, data={"code": w.compound_a.code, "name": "新名字",
                                      "built_year": "1986", "address": "东城区"})
    assert response.status_code == 302 and w.compound_a.name == "新名字"
    url = f"/directory/buildings/{w.building_a.id}/edit"
    response = client.post(url, data={"number": "1", "floors": "3", "kind": "tower"})
    assert _error_beside(page(response), "floors", "A household is registered on floor 4; "
                                                   "the building cannot have fewer floors.")
    response = client.post(url, data={"number": "1A", "floors": "18", "kind": "tower"})
    assert response.status_code == 302 and w.building_a.number == "1A"
    assert w.building_a.kind.name == "tower"


def test_household_history_links_to_its_audit_entries(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    client.post(f"/directory/households/{w.household_a.id}/edit", data={
        "building_id": str(w.building_a.id), "unit": "0301", "floor": "3",
        "area_m2": "79.00", "code": w.household_a.code, "occupancy": "vacant"})
    html = page(client.get(f"/directory/households/{w.household_a.id}"))
    link = f"/audit/?type=Household&amp;id={w.household_a.id}"
    assert link in html
    history = page(client.get(link.replace("&amp;", "&")))
    assert "household.updated" in history or "79.00" in history

"""Every directory form, fed junk in every field, answers a page (never a
500), escapes what was typed and leaves the directory as it was."""
import pytest

from residentvoice.audit.models import AuditEntry
from residentvoice.directory.models import Building, Compound, Household, Owner

SCRIPT = "<script>alert(1)</script>"
JUNK = [SCRIPT, "x" * 10_000, "-1", "abc", "", "\u0000", "99999999999999999999"]


def _forms(w):
    a, b, h = w.compound_a.id, w.building_a.id, w.household_a.id
    household = {"building_id": str(b), "unit": "0901", "floor": "1", "area_m2": "50",
                 "code": "", "occupancy": "vacant"}
    return [
        ("/directory/compounds/new", {"community_id": str(w.community_a.id), "code": "Q1",
                                      "name": "院", "address": "", "built_year": "",
                                      "description": ""}),
        (f"/directory/compounds/{a}/edit", {"code": w.compound_a.code, "name": "院",
                                            "address": "", "built_year": "",
                                            "description": ""}),
        (f"/directory/compounds/{a}/buildings/new", {"number": "Z", "floors": "6",
                                                     "kind": "walkup"}),
        (f"/directory/buildings/{b}/edit", {"number": "1", "floors": "6", "kind": "walkup"}),
        (f"/directory/buildings/{b}/households/new", household),
        (f"/directory/households/{h}/edit", dict(household, unit="0301", floor="3",
                                                 code=w.household_a.code)),
        ("/directory/owners/new", {"community_id": str(w.community_a.id), "kind": "person",
                                   "name": "某人", "phone": ""}),
        (f"/directory/owners/{w.household_a.owner_id}", {"kind": "person", "name": "某人",
                                                         "phone": ""}),
        (f"/directory/households/{w.household_a2.id}/register",
         {"name": "某人", "phone": "13700001111", "relation": "owner", "birth_year": "",
          "password": ""}),
        (f"/directory/compounds/{a}/invitations/new", {"building_id": str(b), "days": "30"}),
        (f"/directory/households/{h}/owner", {"action": "new", "new-kind": "person",
                                              "new-name": "某人", "new-phone": ""}),
    ]


def _snapshot(db):
    return tuple(db.session.scalar(db.select(db.func.count(m.id)))
                 for m in (Compound, Building, Household, Owner, AuditEntry))


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_junk_in_every_field(client, auth, factory, db, junk):
    w = factory.world()
    auth.login(w.secretary)
    for url, valid in _forms(w):
        for name in valid:
            before = _snapshot(db)
            response = client.post(url, data=dict(valid, **{name: junk}))
            assert response.status_code < 500, (url, name)
            body = response.get_data(as_text=True)
            assert SCRIPT not in body, (url, name)
            if 'class="error"' in body or 'class="form-errors"' in body:
                assert _snapshot(db) == before, (url, name)  # refused: nothing changed


@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_junk_in_every_search_and_filter(client, auth, factory, db, junk):
    w = factory.world()
    auth.login(w.secretary)
    a, h = w.compound_a.id, w.household_a.id
    for url in (f"/directory/compounds/{a}/households", f"/directory/households/{h}/owner",
                "/directory/owners", "/directory/residents",
                f"/directory/compounds/{a}/invitations"):
        for params in ({"q": junk}, {"kind": junk, "community": junk, "status": junk,
                                     "page": junk}):
            response = client.get(url, query_string=params)
            assert response.status_code < 500, (url, params)
            assert SCRIPT not in response.get_data(as_text=True)
    for params in ({"building": junk}, {"batch": junk}, {"en": junk}):
        response = client.get(f"/directory/compounds/{a}/letters", query_string=params)
        assert response.status_code in (200, 404), params


@pytest.mark.parametrize("owner_id", ["99999999999999999999", "abc", "-3", ""])
def test_junk_owner_ids_find_nothing(client, auth, factory, db, owner_id):
    w = factory.world()
    auth.login(w.secretary)
    response = client.post(f"/directory/households/{w.household_a.id}/owner",
                           data={"action": "assign", "owner_id": owner_id})
    assert response.status_code == 404

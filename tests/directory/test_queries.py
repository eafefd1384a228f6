"""Directory pages run a fixed number of queries however many households,
owners, residents or codes there are (DESIGN §8)."""
import pytest

from residentvoice.auth.services import issue_invitations
from tests.querycount import page_statements


def _queries(_db, client, url):
    return page_statements(client, url)


def _grow(factory, w, n):
    for i in range(n):
        household = factory.household(w.building_a, floor=5, unit=f"05{i:02d}",
                                       owner=factory.owner(w.community_a))
        factory.resident(household, owner_of=False)
    issue_invitations(w.secretary, list(w.building_a.households))


@pytest.mark.parametrize("path", [
    "/directory/buildings/{building}", "/directory/compounds/{compound}/households",
    "/directory/compounds/{compound}/invitations", "/directory/compounds/{compound}/letters",
    "/directory/owners", "/directory/residents",
])
def test_queries_do_not_grow_with_the_data(client, auth, factory, db, path):
    w = factory.world()
    auth.login(w.secretary)
    url = path.format(building=w.building_a.id, compound=w.compound_a.id)
    issue_invitations(w.secretary, list(w.building_a.households))
    small = _queries(db, client, url)
    _grow(factory, w, 12)
    assert _queries(db, client, url) <= small

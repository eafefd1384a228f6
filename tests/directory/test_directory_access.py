"""The access matrix for the directory's routes alone, so a broken route of
another feature cannot hide a regression here (tests/test_access.py walks all)."""
import pytest

from residentvoice.auth.models import ApiToken

from ..access_matrix import ROLES
from ..factories import sign_in
from ..test_access import _cases, _outcome


@pytest.mark.parametrize("role", ROLES)
def test_directory_routes_for_each_role(app, factory, role):
    world = factory.world()
    failures = []
    cases = [c for c in _cases(app, world) if c[0].startswith("directory.")]
    assert len(cases) >= 40
    for endpoint, method, url, expectation in cases:
        client = app.test_client()
        if role != "anonymous":
            user = getattr(world, role)
            sign_in(client, user)
            ApiToken.issue(user, 1)
        response = client.open(url, method=method,
                               data={} if method == "POST" else None)
        got = _outcome(response, False)
        if got != expectation[role]:
            failures.append(f"{method} {url} ({endpoint}): expected {expectation[role]}, "
                            f"got {got} [{response.status_code}]")
    assert failures == [], "\n".join(failures)

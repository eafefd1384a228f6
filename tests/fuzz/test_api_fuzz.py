"""Schemathesis against /api/v1/openapi.json (issue 8: fuzzing): every
operation, as each role, with generated data. Checks: no 5xx, only
documented status codes, responses that match their schemas.

Random ids mostly find nothing (404), so half the generated requests use the
ids of real records instead: those the features' access examples build
(``tests/*/access_examples.py``), read from their API URLs. New operations and
their records join the run as features declare them."""
import pytest
import schemathesis
from flask import current_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (response_schema_conformance,
                                               status_code_conformance)

from residentvoice.auth.models import ApiToken

from ..access_matrix import ROLES
from ..test_access import all_examples

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 8
FUZZ_ROLES = [role for role in ROLES if not role.startswith("other_")]


def known_ids(world):
    """``{path parameter name: [ids of real records]}`` from the API URLs of
    every access example (building the examples creates their records)."""
    adapter = current_app.url_map.bind("localhost")
    found = {}
    for build in all_examples().values():
        for _method, url, _expectation in build(world):
            path = url.split("?", 1)[0]
            if not path.startswith("/api/v1/"):
                continue
            try:
                _endpoint, args = adapter.match(path, method="GET")
            except Exception:  # noqa: BLE001 - POST-only routes, unknown paths
                try:
                    _endpoint, args = adapter.match(path, method="POST")
                except Exception:  # noqa: BLE001
                    continue
            for name, value in args.items():
                if isinstance(value, int) and value < 900000:
                    found.setdefault(name, set()).add(value)
    found["compound_id"] = found.get("compound_id", set()) | {world.compound_a.id}
    return {name: sorted(ids) for name, ids in found.items()}


def run_operation(operation, headers, ids):
    """Generated requests for one operation; the first failure is raised
    with schemathesis's report (the request to reproduce it included)."""

    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              derandomize=True, phases=[Phase.explicit, Phase.generate],  # no shrinking
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), data=st.data())
    def fuzz(case, data):
        for name in list(case.path_parameters or {}):
            if ids.get(name) and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(ids[name]), label=name)
        case.call_and_validate(headers=headers, checks=CHECKS)

    fuzz()


@pytest.mark.parametrize("role", FUZZ_ROLES)
def test_api_operations_survive_generated_requests(app, factory, role):
    world = factory.world()
    ids = known_ids(world)
    headers = {}
    if role != "anonymous":
        raw, _token = ApiToken.issue(getattr(world, role), 1)
        headers["Authorization"] = f"Bearer {raw}"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 3
    failures = []
    for operation in operations:
        try:
            run_operation(operation, headers, ids)
        except Exception as error:  # noqa: BLE001 - report every operation's failure
            failures.append(f"{operation.method.upper()} {operation.path}: "
                            f"{type(error).__name__}: {error}")
    assert failures == [], "\n\n".join(failures)

"""Every route declares who may use it (STYLE §7); each route is tried for
each role (anonymous, resident, resident of another compound, secretary,
secretary of another community, organisation staff, street admin)."""
import importlib
from pathlib import Path

import pytest

from residentvoice.access import LOGIN as RULE_LOGIN
from residentvoice.access import PUBLIC as RULE_PUBLIC

from .access_matrix import FORBIDDEN, HIDDEN, LOGIN, OK, PUBLIC, ROLES, expect, only
from .factories import sign_in

UNDECLARED_OK = {"static"}


def all_examples():
    examples = {}
    root = Path(__file__).parent
    for path in sorted(root.rglob("access_examples.py")):
        module_name = ".".join(("tests",) + path.relative_to(root).with_suffix("").parts)
        module = importlib.import_module(module_name)
        overlap = set(examples) & set(module.EXAMPLES)
        assert not overlap, f"endpoints declared twice: {overlap}"
        examples.update(module.EXAMPLES)
    return examples


def implied(rule):
    if rule.kind == RULE_PUBLIC:
        return PUBLIC
    if rule.kind == RULE_LOGIN:
        return expect(OK)
    kinds = {"resident": ("resident", "other_resident"),
             "secretary": ("secretary", "other_secretary"),
             "staff": ("staff",), "street_admin": ("street_admin",)}
    return only(*[name for kind in rule.roles for name in kinds[kind]])


def test_every_route_declares_its_access(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.endpoint not in UNDECLARED_OK
                  and not hasattr(app.view_functions[rule.endpoint], "access_rule")]
    assert undeclared == []


def test_every_route_with_arguments_has_an_example(app):
    examples = all_examples()
    missing = sorted({rule.endpoint for rule in app.url_map.iter_rules()
                      if rule.arguments and rule.endpoint not in UNDECLARED_OK
                      and rule.endpoint not in examples})
    assert missing == [], "add these to an access_examples.py: " + ", ".join(missing)


def _cases(app, world):
    examples = all_examples()
    cases = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDECLARED_OK:
            continue
        if rule.endpoint in examples:
            for method, url, expectation in examples[rule.endpoint](world):
                cases.append((rule.endpoint, method, url, expectation))
        elif not rule.arguments:
            view = app.view_functions[rule.endpoint]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                cases.append((rule.endpoint, method, rule.rule, implied(view.access_rule)))
    return cases


def _outcome(response, is_api):
    status = response.status_code
    location = response.headers.get("Location", "")
    if status == 401 or (status == 302 and "/login?next=" in location):
        return LOGIN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return HIDDEN
    assert status < 500, f"server error {status}"
    return OK


@pytest.mark.parametrize("role", ROLES)
def test_each_route_for_each_role(app, factory, role):
    world = factory.world()
    from residentvoice.auth.models import ApiToken
    failures = []
    for endpoint, method, url, expectation in _cases(app, world):
        client = app.test_client()
        headers = {}
        user = None if role == "anonymous" else getattr(world, role)
        if user is not None:
            sign_in(client, user)
            raw, _token = ApiToken.issue(user, 1)
            headers["Authorization"] = f"Bearer {raw}"
        kwargs = {"headers": headers}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["data"] = {}
        response = client.open(url, method=method, **kwargs)
        got = _outcome(response, url.startswith("/api/"))
        if got != expectation[role]:
            failures.append(f"{method} {url} ({endpoint}): expected {expectation[role]}, "
                            f"got {got} [{response.status_code}]")
    assert failures == [], "\n".join(failures)

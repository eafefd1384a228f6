"""Every route declares who may use it (STYLE §7); each route is tried for
each role (anonymous, resident, resident of another compound, secretary,
secretary of another community, organisation staff, street admin)."""
import importlib
import re
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


def _ids_declared(view):
    return ({guard.arg for guard in getattr(view, "access_guards", ())}
            | set(getattr(view, "access_passes", ())))


def test_every_object_a_url_names_is_guarded(app):
    """An id in a URL is loaded by the route's ``@access.guard``, with the
    permissions it declares, or handed to a service that looks it up within
    the guarded object (``@access.passes``): no route loads an object by hand."""
    missing = [f"{rule.rule} ({rule.endpoint}): {arg}"
               for rule in app.url_map.iter_rules() if rule.endpoint not in UNDECLARED_OK
               for arg in sorted(rule.arguments)
               if arg.endswith("_id") and arg not in _ids_declared(app.view_functions[rule.endpoint])]
    assert missing == []


def _choices(rule, arg):
    """The values ``<any(a, b):arg>`` allows in the rule's URL."""
    found = re.search(r"<any\(([^)]*)\):" + arg + ">", rule.rule)
    assert found, f"{rule.endpoint}: {arg} is not an any(...) part of {rule.rule}"
    return {value.strip() for value in found.group(1).split(",")}


def test_guards_name_permissions_their_models_have(app):
    """Each permission a guard names is a method of its model, and one chosen
    by method or by a part of the URL is named (or None) for every method and
    every value the URL allows: a typo or a forgotten action fails here, not
    on a resident's request."""
    problems = []
    for rule in app.url_map.iter_rules():
        for guard in getattr(app.view_functions[rule.endpoint], "access_guards", ()):
            models = list(guard.model.values()) if isinstance(guard.model, dict) else [guard.model]
            cans = guard.can if isinstance(guard.can, dict) else {None: guard.can}
            for permission in [guard.can_view, *cans.values()]:
                for model in models:
                    if isinstance(permission, str) and not callable(getattr(model, permission,
                                                                            None)):
                        problems.append(f"{rule.endpoint}: {model.__name__}.{permission}")
            if guard.by:
                wanted = _choices(rule, guard.by)
                for chosen in ([guard.can] if isinstance(guard.can, dict) else []) + \
                        ([guard.model] if isinstance(guard.model, dict) else []):
                    if set(chosen) != wanted:
                        problems.append(f"{rule.endpoint}: {sorted(chosen)} for {sorted(wanted)}")
            elif isinstance(guard.can, dict) and set(guard.can) != rule.methods - {"HEAD",
                                                                                   "OPTIONS"}:
                problems.append(f"{rule.endpoint}: {sorted(guard.can)} for {sorted(rule.methods)}")
    assert problems == []


def test_a_guard_goes_below_the_access_rule():
    """Above it, the object would be looked up (and its existence told by a
    404) before an anonymous visitor is asked to log in."""
    from residentvoice import access
    from residentvoice.spaces.models import Space

    with pytest.raises(TypeError):
        access.guard(Space, "space_id")(access.login(lambda space: "x"))


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


def test_flask_access_prints_each_route_with_its_declaration(app, runner):
    """``flask access``: one line a route — who may use it and what it does
    to which object — read from the same declarations the routes enforce."""
    result = runner.invoke(args=["access"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    routed = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert {line.split("  ")[0] for line in lines} == routed
    assert ("/spaces/<int:space_id>/edit  [GET,POST]  login  "
            "Space(space_id) view=can_view can=can_manage") in lines
    paper = next(line for line in lines if line.startswith(
        "/ballots/<int:ballot_id>/paper-ballots/<int:paper_id>/replace  "))
    assert paper.endswith("role secretary  Ballot(ballot_id) view=can_view can=is_secretary; "
                          "PaperBallot(paper_id) view=- can=- within=ballot")
    motion = next(line for line in lines if "/motions/<int:motion_id>/<any" in line)
    assert "can={second: -, withdraw: -, debate: can_chair, vote: can_chair, " \
           "ballot: can_manage} by=step; motion_id (its service)" in motion

"""Helpers for declaring, per route, what each role may do.

Each feature's tests folder has an ``access_examples.py`` with
``EXAMPLES = {endpoint: lambda world: [(method, url, expectation), ...]}``
where ``expectation`` maps every role in ``ROLES`` to ``OK``, ``LOGIN``
(anonymous sent to log in, or 401 for the API), ``FORBIDDEN`` (403) or
``HIDDEN`` (404).  Routes without URL arguments that are not listed get the
expectation implied by their declared access rule."""
ROLES = ("anonymous", "resident", "other_resident", "secretary", "other_secretary", "staff",
         "street_admin")

OK, LOGIN, FORBIDDEN, HIDDEN = "ok", "login", "forbidden", "hidden"


def expect(default=OK, **roles):
    """An expectation for every role: ``default`` unless named."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    result = {role: default for role in ROLES}
    result["anonymous"] = LOGIN
    result.update(roles)
    return result


def only(*allowed, others=FORBIDDEN, **overrides):
    """OK for the ``allowed`` roles, ``others`` for the rest (anonymous: LOGIN)."""
    result = {role: (OK if role in allowed else others) for role in ROLES}
    if "anonymous" not in allowed:
        result["anonymous"] = LOGIN
    result.update(overrides)
    return result


PUBLIC = {role: OK for role in ROLES}

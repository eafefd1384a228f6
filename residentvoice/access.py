"""Route permissions: every view declares who may use it (STYLE §7).

``@access.public``, ``@access.login``, ``@access.role("secretary", ...)``,
``@access.api(...)`` mark the view and enforce the coarse rule. Object-level
rules are model methods (``ticket.can_view(user)``) applied by ``load()``, which
answers 404 for what the user may not know exists and 403 for what they may
see but not change.  ``tests/test_access.py`` walks ``app.url_map`` and fails
on any view without a declaration.
"""
from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from .extensions import db

PUBLIC = "public"
LOGIN = "login"
ROLE = "role"
API = "api"


class AccessRule:
    def __init__(self, kind, roles=(), api=False):
        self.kind = kind
        self.roles = tuple(roles)
        self.api = api

    def __repr__(self):
        return f"<AccessRule {self.kind} {self.roles}>"


def _declare(rule):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = _acting_user(rule)
            if rule.kind != PUBLIC:
                if user is None or not user.is_authenticated:
                    if rule.api:
                        abort(401)
                    from .extensions import login_manager
                    return login_manager.unauthorized()
                if rule.roles and not user.has_any_role(*rule.roles):
                    abort(403)
            return view(*args, **kwargs)

        wrapped.access_rule = rule
        return wrapped

    return decorator


def _acting_user(rule):
    if rule.api:
        return g.get("api_user")
    return current_user


def public(view):
    return _declare(AccessRule(PUBLIC))(view)


def login(view):
    return _declare(AccessRule(LOGIN))(view)


def role(*roles):
    return _declare(AccessRule(ROLE, roles))


def api(*roles, public=False):
    """An API endpoint: bearer-token user in ``g.api_user`` (401 without one)."""
    kind = PUBLIC if public else (ROLE if roles else LOGIN)
    return _declare(AccessRule(kind, roles, api=True))


def acting_user():
    """The user this request acts for: the API token's or the session's."""
    if request.path.startswith("/api/"):
        return g.get("api_user")
    return current_user if current_user.is_authenticated else None


def load(model, ident, can_view="can_view", can=None, user=None, options=None):
    """Load ``model`` by primary key for ``user`` or answer 404/403.

    404 when it does not exist or the user may not know it exists
    (``obj.<can_view>(user)`` is false); 403 when the user may see it but the
    ``can`` permission is refused.  Each permission is a method name on the
    model or a rule ``(user, obj) -> bool`` kept in a feature's services.
    ``options``: loader options for ``session.get`` (e.g. what the
    permission check reads).
    """
    user = user if user is not None else acting_user()
    obj = db.session.get(model, ident, options=options)
    if obj is None:
        abort(404)
    if can_view and not allows(obj, can_view, user):
        abort(404)
    if can and not allows(obj, can, user):
        abort(403)
    return obj


def allows(obj, permission, user):
    """``permission`` (a method name of ``obj``, or a rule ``(user, obj)``) for ``user``."""
    if callable(permission):
        return permission(user, obj)
    return getattr(obj, permission)(user)

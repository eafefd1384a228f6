"""Route permissions: every view declares who may use it (STYLE §7).

Who may do what to which object is declared in one place per object: its
model's permission methods (``Ticket.can_view``, ``Space.can_manage``…), or a
rule ``(user, obj)`` in the feature's services where it needs more than the
object.  A route names them in its declaration:

    @bp.route("/spaces/<int:space_id>/edit", methods=["GET", "POST"])
    @access.role("secretary", "street_admin")      # who may use the route
    @access.guard(Space, "space_id", can="can_manage")   # what it does to which object
    def edit(space): ...

``@access.public``, ``@access.login``, ``@access.role(...)`` and
``@access.api(...)`` enforce the coarse rule (anonymous people are sent to log
in, the API answers 401; other roles 403).  ``@access.guard`` loads the object
the URL names and passes it to the view in place of its id: 404 when it does
not exist or the user may not know it exists (``can_view``), 403 when they may
see it but not do this (``can``).  ``load()`` is the same check for an object
the request names elsewhere (a form field, a query argument), and
``require()`` a permission that depends on another part of the URL (the
action a button takes).  All three answer the API's JSON error under
``/api/``.  ``tests/test_access.py`` walks ``app.url_map``: every route has a
declaration, every object id in a URL has its guard, and each route is tried
for each role.
"""
from functools import wraps

from flask import abort, g, request
from flask_login import current_user
from werkzeug.exceptions import NotFound

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


class Guard:
    """The object a route acts on, declared with ``guard()``."""

    def __init__(self, model, arg, *, can_view=..., can=None, by=None, within=None,
                 options=None, then=None, into=None):
        if can_view is ...:     # a part of an object is seen by who sees the object
            can_view = None if within else "can_view"
        self.model, self.arg = model, arg
        self.can_view, self.can, self.by, self.within = can_view, can, by, within
        self.options, self.then = options, then
        self.into = into or arg.removesuffix("_id")

    def permission(self, url_args):
        """The ``can`` this request needs: one, or one by the request's method
        or by the URL argument ``by`` (each named, None where none is needed:
        ``tests/test_access.py`` checks that every method and value is)."""
        if not isinstance(self.can, dict):
            return self.can
        if self.by:
            return self.can[url_args[self.by]]
        return self.can["GET" if request.method == "HEAD" else request.method]

    def load(self, url_args):
        options = self.options() if callable(self.options) else self.options
        ident = url_args.pop(self.arg)
        model = self.model[url_args[self.by]] if isinstance(self.model, dict) else self.model
        obj = load(model, ident, self.can_view, options=options)
        if self.within and not self.belongs(obj, url_args):
            raise _not_found(model, ident)      # 404 before any 403: it is not here at all
        permission = self.permission(url_args)
        if permission:
            require(obj, permission)
        if self.then:
            self.then(obj)
        url_args[self.into] = obj

    def belongs(self, obj, url_args):
        name, test = self.within if isinstance(self.within, tuple) else (self.within, None)
        parent = url_args[name]
        if test is None:                        # an agenda item of that meeting
            return getattr(obj, f"{name}_id") == parent.id
        if callable(test):                      # a rule of the two
            return test(acting_user(), parent, obj)
        value = getattr(obj, test)              # the same compound, owner…: a shared key
        return value is not None and value == getattr(parent, test)

    def __repr__(self):
        return f"<Guard {self.model!r}({self.arg}) view={self.can_view} can={self.can}>"


def guard(model, arg, **declared):
    """Declare (and enforce) the object a route acts on: ``model`` by the URL
    argument ``arg``, passed to the view as ``into`` (``arg`` without ``_id``
    unless named).

    ``can_view``: the permission to know it exists (404 without it; by
    default ``can_view``, or, with ``within``, the guard of what it belongs to);
    ``can``: the one the route needs (403 without it) — or a mapping by the
    request's method (``{"POST": "can_manage"}``: a page readers see with a
    form only managers send) or by the URL argument ``by`` (the action a
    button takes: ``can=ACTION_PERMISSION, by="action"``);
    ``within``: the object, guarded above, that this one must belong to, else
    404 — ``"meeting"`` (an agenda item of that meeting: ``item.meeting_id ==
    meeting.id``), ``("project", "compound_id")`` (a building of the
    project's compound: the same key on both) or ``("survey", rule)`` (a rule
    ``(user, survey, household)``);
    ``model`` may be a mapping by the URL argument ``by`` (a follow button's
    ``kind``: a ticket, a proposal…);
    ``options``: loader options, or a function making them, for what the view
    and the permission read; ``then``: a step every request for it takes
    first (a ballot whose time is up is closed before it is shown).

    It goes below the route's access rule, so that anonymous people are asked
    to log in before anything is looked up; guards run top to bottom."""
    rule = Guard(model, arg, **declared)

    def decorator(view):
        if hasattr(view, "access_rule"):
            raise TypeError(f"{view.__name__}: put @access.guard below the route's access rule")

        @wraps(view)
        def wrapped(*args, **kwargs):
            rule.load(kwargs)
            return view(*args, **kwargs)

        wrapped.access_guards = (rule,) + getattr(view, "access_guards", ())
        return wrapped

    return decorator


def passes(*args):
    """Declare URL ids a route hands to its service as they are: the service
    looks them up itself within the object guarded above — under that
    object's lock where it matters (the motion on the floor, a pending
    suggestion, a floor request: loading them first would read them before
    the lock) — and refuses, with its reason, one that is not there."""
    def decorator(view):
        view.access_passes = tuple(args) + getattr(view, "access_passes", ())
        return view
    return decorator


def found(thing):
    """What a secret or a code in the request names, or 404: a wrong, spent
    or expired code tells no more than an address that does not exist."""
    if thing is None:
        raise NotFound()
    return thing


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
    if obj is None or (can_view and not allows(obj, can_view, user)):
        raise _not_found(model, ident)
    if can:
        require(obj, can, user)
    return obj


def require(obj, permission, user=None):
    """403 unless ``user`` (default: the acting user) has ``permission`` on
    ``obj``: for a permission chosen by another part of the URL."""
    if not allows(obj, permission, user if user is not None else acting_user()):
        abort(403)
    return obj


def _not_found(model, ident):
    """404, saying what was looked for (the API names it in words)."""
    error = NotFound()
    error.rv_looked_for = (model.__name__, ident)
    return error


def allows(obj, permission, user):
    """``permission`` (a method name of ``obj``, or a rule ``(user, obj)``) for ``user``."""
    if callable(permission):
        return permission(user, obj)
    return getattr(obj, permission)(user)


def _name(permission):
    if permission is None:
        return "-"
    if isinstance(permission, str):
        return permission
    if isinstance(permission, dict):
        return "{" + ", ".join(f"{key}: {_name(value)}" for key, value in permission.items()) + "}"
    return getattr(permission, "__qualname__", repr(permission)).replace(".<locals>", "")


def declared(app):
    """Each route's declaration in words, for ``flask access`` (a table a
    newcomer reads to see who may do what to which object): the URL, its
    methods, who may use it and each object it acts on."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        access_rule = getattr(view, "access_rule", None)
        if access_rule is None:
            continue
        who = access_rule.kind + (" " + "|".join(access_rule.roles) if access_rule.roles else "")
        objects = []
        for guard in getattr(view, "access_guards", ()):
            model = (_name({k: m.__name__ for k, m in guard.model.items()})
                     if isinstance(guard.model, dict) else guard.model.__name__)
            part = f"{model}({guard.arg}) view={_name(guard.can_view)} can={_name(guard.can)}"
            if guard.by:
                part += f" by={guard.by}"
            if guard.within:
                within = guard.within if isinstance(guard.within, str) else \
                    f"{guard.within[0]}:{_name(guard.within[1])}"
                part += f" within={within}"
            objects.append(part)
        objects += [f"{arg} (its service)" for arg in getattr(view, "access_passes", ())]
        methods = ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        yield rule.rule, methods, ("api " if access_rule.api else "") + who, "; ".join(objects)

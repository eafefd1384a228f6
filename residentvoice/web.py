"""The one request layer for HTML pages (issue 16 §2): what every form and
every one-click button does around a service call.

A view loads its objects (``access.load``: 404 for what the user may not know
exists, 403 for what they may see but not change), then hands the service
call to one of these:

- ``submitted(form, action, done=…, to=…)`` — a form page.  When the form
  validates, ``action()`` runs; on success ``done`` is flashed and the
  browser goes to ``to``.  A refusal (``DomainError``) keeps nothing — the
  session is rolled back — and goes beside its field (or above the form),
  with what was typed; the caller shows the form again, with status
  ``form_status()`` (422 after a POST).
- ``attempted(action, done=…, to=…, back=…)`` — a button with nothing to
  type: the outcome or the refusal is flashed, and the browser goes to
  ``to`` (or, refused, to ``back``).

``done`` and ``to`` may be callables given the action's result (a new
record's page, a message naming it).  Services never read the request; views
never catch ``DomainError`` themselves: one that no form or button is
waiting for (a JSON API call, a lookup by id) is answered here, in one
place — its status and message, as JSON under ``/api/`` or as the error
page — with nothing kept.
"""
from urllib.parse import urlsplit

from flask import flash, g, redirect, request

from .errors import error_response
from .errors_domain import DomainError
from .extensions import db
from .forms import show_domain_error


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def request_writes():
    """Whether this request changes data: as its method says, unless it
    said it reads first (``reads_first``) or found it must write
    (``about_to_write``)."""
    return g.get("rv_writes", request.method not in READ_METHODS)


def reads_first():
    """A form whose slow check needs nothing locked (a password checked
    against its hash: about 0.1 s of CPU) begins its transaction for
    reading; ``about_to_write`` once the check has passed.  On SQLite a
    login no longer holds the one write lock while the hash is checked, so
    residents signing in as a meeting starts do not queue every vote behind
    them, and a wrong password never waits for the lock.  Only before the
    request's first statement: after it, the transaction is what it is."""
    if not db.session().in_transaction():
        g.rv_writes = False


def about_to_write():
    """A reading request that finds it must change data (a ballot whose time
    is up, closed by the first page that shows it) starts its transaction
    again as a writing request's, before it changes anything: on SQLite the
    new one begins ``BEGIN IMMEDIATE`` and holds the write lock from its first
    read, so the change cannot meet a snapshot another writer has moved past
    ("database is locked").  What was read is read again, current; nothing is
    lost but a session's last-seen time, kept at its next request."""
    if not request_writes():
        g.rv_writes = True
        db.session.rollback()


def register(app):
    app.register_error_handler(DomainError, answer_refusal)


def answer_refusal(error):
    """A service's refusal that reached no form: its status and its message
    (``{"error": {"code", "message"}}`` for the API, the error page
    otherwise); nothing the request did is kept."""
    db.session.rollback()
    return error_response(error.status, str(error.message), error.code)


def _given(value, result):
    return value(result) if callable(value) else value


def _tell(done, result):
    """Flash what was done (a message, or one made from the result; none if empty)."""
    message = _given(done, result) if done else None
    if message:
        flash(message, "success")


def refused(error, form=None):
    """A service said no: nothing it did is kept, and the person is told why
    — beside the field it names, above the form, or (no form) on top of the
    next page."""
    db.session.rollback()
    g.refusal = error
    if form is not None:
        show_domain_error(form, error)
    else:
        flash(str(error.message), "error")


def submitted(form, action, done=None, to=None, then=None):
    """The answer to a valid form's successful ``action()``, or None: not
    sent, not valid, or refused — then the caller shows the form again.  The
    answer is a redirect to ``to``, or ``then(result)`` where the result is a
    page of its own (a password shown once is not put in a URL)."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except DomainError as error:
        refused(error, form)
        return None
    _tell(done, result)
    return then(result) if then else redirect(_given(to, result))


def attempted(action, done=None, to=None, back=None, then=None, again=None):
    """Run a one-click ``action()``; flash its outcome or its refusal.  After
    success the browser goes to ``to`` (a URL, or a callable given the
    result) or is shown ``then(result)``; after a refusal it goes to ``back``
    (default: ``to``, when a URL), or is shown ``again(status)``, the page
    the button was on, answered with the refusal's status (409 for "already
    done")."""
    try:
        result = action()
    except DomainError as error:
        refused(error)
        return again(error.status) if again else redirect(back or to)
    _tell(done, result)
    return then(result) if then else redirect(_given(to, result))


def form_status():
    """422 for a form sent back with its errors, 200 for a first display."""
    return 422 if request.method == "POST" else 200


def refusal_status():
    """The status of the refusal this request met (409 for a conflict, 403
    for a step not the person's to take…), else ``form_status()``."""
    refusal = g.get("refusal")
    return refusal.status if refusal is not None else form_status()


def safe_next(target):
    """A path on this site, or None: never another site, including the forms
    browsers read as one (``//host``, ``/\\host``, control characters)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target

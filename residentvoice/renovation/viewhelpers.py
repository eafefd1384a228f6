"""The one shape every renovation form view shares: validate, call the
service, show a domain error beside its field, or flash and redirect."""
from flask import flash, redirect

from ..errors_domain import DomainError
from ..forms import show_domain_error


def submit(form, action, message, url):
    """When ``form`` validates, run ``action()``; on success flash ``message``
    and redirect to ``url`` (a string, or a callable given the action's
    result).  Returns None when the form must be shown again with its errors."""
    if not form.validate_on_submit():
        return None
    try:
        result = action()
    except DomainError as error:
        show_domain_error(form, error)
        return None
    flash(message() if callable(message) else message, "success")
    return redirect(url(result) if callable(url) else url)


def act(action, message, url):
    """A button that applies one service call: the outcome or the refusal is
    flashed, and the page is shown again."""
    try:
        action()
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(message() if callable(message) else message, "success")
    return redirect(url)

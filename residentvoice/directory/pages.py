"""What every directory form page does: validate, call the service, show a
domain error beside its field (keeping what was typed), or move on."""
from flask import flash, redirect, render_template, url_for

from ..errors_domain import DomainError
from ..forms import show_domain_error

MANAGERS = ("secretary", "street_admin")
PER_PAGE = 50


def form_page(form, save, done, template="directory/form.html", **context):
    """``save()`` runs the service once the form validates; its result goes to
    ``done(result)`` (a redirect or a page).  Otherwise the form is shown
    again with its errors."""
    if form.validate_on_submit():
        try:
            result = save()
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return done(result)
    return render_template(template, form=form, **context)



def flash_and_go(message, endpoint, **values):
    """A ``done`` for ``form_page``: flash ``message`` and go to ``endpoint``."""
    def done(_result):
        flash(message, "success")
        return redirect(url_for(endpoint, **values))
    return done


def row_id(value):
    """A database id from a request value, or None: junk and numbers beyond
    the column's range (PostgreSQL would refuse them) find nothing."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None

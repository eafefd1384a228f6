"""The directory's one form page: the core request layer (``web.submitted``)
around the directory's form template."""
from flask import flash, redirect, render_template, url_for

from ..web import form_status, submitted

MANAGERS = ("secretary", "street_admin")
PER_PAGE = 50


def form_page(form, save, done, template="directory/form.html", **context):
    """``save()`` runs the service once the form validates; its result goes to
    ``done(result)`` (a redirect or a page).  Otherwise — not valid, or
    refused — the form is shown again with its errors and what was typed."""
    return submitted(form, save, then=done) or (
        render_template(template, form=form, **context), form_status())



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

"""Small helpers shared by the meeting views: loading, errors, QR codes, times."""
import segno
from flask import flash, redirect, request, url_for
from flask_babel import get_timezone, to_utc
from markupsafe import Markup

from .. import access
from ..dates import to_zone
from ..auth.views import _safe_next
from ..errors_domain import DomainError
from ..extensions import db
from ..forms import show_domain_error
from .models import Meeting


def load_meeting(meeting_id, can=None):
    """404 if the user may not know the meeting exists, 403 if ``can`` is refused."""
    return access.load(Meeting, meeting_id, can=can)


def failed(error, form=None):
    """A refused action: nothing is kept; the message goes beside the field or on top."""
    db.session.rollback()
    if form is not None:
        show_domain_error(form, error)
    else:
        flash(str(error.message), "error")


def back(meeting, endpoint="meetings.detail"):
    target = _safe_next(request.form.get("next"))
    return redirect(target or url_for(endpoint, meeting_id=meeting.id))


def qr_svg(url, scale=4):
    """An inline SVG QR code (no style attributes, so the CSP allows it)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=scale, omitsize=True,
                                                        title=url))


def local_input(dt):
    """Stored naive UTC → naive local time for a datetime-local field."""
    return to_zone(dt, get_timezone()) if dt else None


def from_local(dt):
    """A datetime-local field's naive local time → naive UTC for storage."""
    return to_utc(dt) if dt else None


def submitted(form, action, done, target):
    """A valid POST runs ``action`` (a service call): on success flash ``done`` and
    redirect to ``target``; otherwise None, and the caller shows the form again
    with the errors beside the fields and what was typed."""
    if not form.validate_on_submit():
        return None
    try:
        action()
    except DomainError as error:
        failed(error, form)
        return None
    flash(done, "success")
    return redirect(target)


def form_status():
    """422 for a form sent back with errors, 200 for a first display."""
    return 422 if request.method == "POST" else 200

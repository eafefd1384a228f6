"""Small helpers shared by the meeting views: loading, where to go back to,
QR codes, times.  Forms and buttons go through the core request layer
(``residentvoice.web``)."""
import segno
from flask import redirect, request, url_for
from flask_babel import get_timezone, to_utc
from markupsafe import Markup

from .. import access
from ..dates import to_zone
from ..web import safe_next
from .models import Meeting


def load_meeting(meeting_id, can=None, can_view="can_view"):
    """404 if the user may not know the meeting exists (``can_view``), 403
    if ``can`` is refused — each a ``Meeting`` permission."""
    return access.load(Meeting, meeting_id, can_view=can_view, can=can)


def back_url(meeting, endpoint="meetings.detail"):
    """The page the button was on (the form's ``next``, if on this site), or
    ``endpoint``'s page of the meeting."""
    return safe_next(request.form.get("next")) or url_for(endpoint, meeting_id=meeting.id)


def back(meeting, endpoint="meetings.detail"):
    return redirect(back_url(meeting, endpoint))


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

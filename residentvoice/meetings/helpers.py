"""Small helpers shared by the meeting views: loading, where to go back to,
QR codes, times.  Forms and buttons go through the core request layer
(``residentvoice.web``)."""
import segno
from flask import redirect, request, url_for
from flask_babel import get_timezone, to_utc
from markupsafe import Markup

from ..dates import to_zone
from ..web import safe_next


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

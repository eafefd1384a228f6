"""Dates that enter the system, and showing any stored date (issue 14 §9).

Every date a person or a program gives us — a form field, a JSON body, an
Open311 filter, an imported cell — must lie in one window: from 1 January
2000 to five years from today.  Nothing the app records happens outside it
(a ballot closing in 9999 was accepted once, and every ballots page of its
compound then failed).  Forms get the check on every date field through
``BaseForm``; the API and Open311 parse with ``parse_datetime`` /
``parse_date``; services and importers call ``check``.

Values already stored may still lie anywhere a column can hold: ``shift``,
``to_zone`` and ``plain`` never overflow, so pages show them instead of
failing."""
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import LazyString, format_date
from flask_babel import gettext as _
from wtforms.validators import ValidationError

from .errors_domain import InvalidInput

EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 5
# Beijing time (Asia/Shanghai, the app's zone) is UTC+8 all year: it has no daylight
# saving, so a stored UTC moment plus this is the local time (the local day, midnight).
SHANGHAI = timedelta(hours=8)


def today_utc():
    return datetime.now(timezone.utc).date()


def beijing_today():
    """The day it is in Beijing, the app's zone: a visit recorded at 7 a.m.
    there is still yesterday in UTC (the server's clock), and must not be
    refused as in the future."""
    return shift(datetime.now(timezone.utc), SHANGHAI).date()


def latest(today=None):
    """The last day a date may name: five years from today."""
    today = today or today_utc()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def _day(value):
    """The calendar day of a date or datetime (an aware one in UTC), or None
    if even that cannot be computed."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            try:
                value = value.astimezone(timezone.utc)
            except (OverflowError, ValueError):
                return None
        return value.date()
    return value


def in_range(value, today=None):
    day = _day(value)
    return day is not None and EARLIEST <= day <= latest(today)


def range_message(today=None):
    """“Enter a date from 1 January 2000 to …” in the reader's language (lazy:
    made when shown)."""
    return LazyString(lambda: _("Enter a date from %(first)s to %(last)s.",
                                first=format_date(EARLIEST, "long"),
                                last=format_date(latest(today), "long")))


def check(value, field=None, today=None):
    """``value`` (a date, a datetime or None) if it lies in the window, else
    InvalidInput for ``field``; for services and importers."""
    if value is not None and not in_range(value, today):
        raise InvalidInput(range_message(today), field)
    return value


class WithinRange:
    """WTForms validator: the field's date lies in the window.  ``BaseForm``
    adds it to every date and date-time field."""

    def __call__(self, form, field):
        if field.data is not None and not in_range(field.data):
            raise ValidationError(str(range_message()))


WITHIN_RANGE = WithinRange()


class DateOutOfRange(ValueError):
    """A well-formed date outside the window; ``message`` says which window."""

    def __init__(self):
        super().__init__("date outside the accepted window")
        self.message = range_message()


def parse_datetime(text, *, require_zone=False):
    """An ISO 8601 / W3C date-time (``Z`` or an offset; without one, UTC unless
    ``require_zone``) → naive UTC as stored.  ValueError for text that is not
    one, DateOutOfRange for one outside the window."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("not a date-time")
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00")
                                    .replace("z", "+00:00"))
    if moment.tzinfo is None:
        if require_zone:
            raise ValueError("no time zone")
    else:
        try:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        except (OverflowError, ValueError):  # 9999-12-31T23:00-05:00 is in year 10000
            raise DateOutOfRange()
    if not in_range(moment):
        raise DateOutOfRange()
    return moment


def parse_date(text):
    """``YYYY-MM-DD`` → date.  ValueError / DateOutOfRange as ``parse_datetime``."""
    if not isinstance(text, str):
        raise ValueError("not a date")
    day = date.fromisoformat(text.strip())
    if not in_range(day):
        raise DateOutOfRange()
    return day


# ---- stored values, whatever they are --------------------------------------

def shift(value, delta):
    """``value + delta`` that stops at the ends of the calendar instead of
    overflowing (a stored date may be 9999-12-31)."""
    try:
        return value + delta
    except OverflowError:
        if isinstance(value, datetime):
            edge = datetime.max if delta > timedelta(0) else datetime.min
            return edge.replace(tzinfo=value.tzinfo)
        return date.max if delta > timedelta(0) else date.min


def to_zone(value, zone):
    """Naive UTC (as stored) → the same moment in ``zone``, naive; at the ends
    of the calendar the nearest moment that exists."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time())
    try:
        return value.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)
    except (OverflowError, ValueError):
        return datetime.max if value.year > 1 else datetime.min


def plain(value):
    """A stored date or date-time as plain ISO text (UTC), for when the
    locale's formatting cannot place it in the reader's time zone."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec="minutes") + " UTC"
    return value.isoformat()

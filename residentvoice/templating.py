"""Template globals and filters: locale-aware dates, numbers and areas."""
from decimal import Decimal

from babel.dates import get_date_format, get_datetime_format, get_time_format
from flask import request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from .dates import plain
from .i18n import large_text_enabled


def format_area(value):
    """An area in m², exact to the cent, in the reader's locale."""
    if value is None:
        return ""
    return _("%(area)s m²", area=format_decimal(Decimal(value), format="#,##0.00"))


def _to_the_minute(fmt):
    """The locale's pattern for a date in ``fmt`` with its short time: people
    read times without seconds (issue 17 §3)."""
    locale = get_locale()
    joiner = get_datetime_format(fmt, locale=locale)
    return joiner.replace("{1}", get_date_format(fmt, locale=locale).pattern).replace(
        "{0}", get_time_format("short", locale=locale).pattern)


def format_moment(value, fmt="medium"):
    """``|datetime``: a stored moment in the reader's time zone and language,
    to the minute; one at the very ends of the calendar (9999-12-31 23:59 has
    no Beijing time) as plain UTC text rather than a failed page."""
    if not value:
        return ""
    try:
        if fmt in ("medium", "long", "full"):
            return format_datetime(value, _to_the_minute(fmt))
        return format_datetime(value, fmt)
    except (OverflowError, ValueError):
        return plain(value)


def format_day(value, fmt="medium"):
    """``|date``, safe as ``|datetime``."""
    if not value:
        return ""
    try:
        return format_date(value, fmt)
    except (OverflowError, ValueError):
        return plain(value)


def enum_label(value):
    """The translated label of an enum member whose value is a lazy string."""
    if value is None:
        return ""
    return str(value.value)


def register(app):
    app.jinja_env.filters["area"] = format_area
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["number"] = lambda v: format_decimal(v) if v is not None else ""
    app.jinja_env.filters["label"] = enum_label
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject():
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "current_locale": locale,
            "html_lang": "zh-Hans" if locale.startswith("zh") else locale,
            "large_text": large_text_enabled(),
            "here": request.full_path.rstrip("?") if request else "/",
        }

    @app.template_global()
    def nav_url(endpoint, **values):
        return url_for(endpoint, **values)

    @app.template_filter("nl2br")
    def nl2br(text):
        from markupsafe import escape
        return Markup("<br>").join(escape(text or "").split("\n"))

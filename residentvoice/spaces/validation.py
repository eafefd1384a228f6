"""Input checks shared by the services (forms check first; the API relies on these)."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from ..errors_domain import InvalidInput

TITLE_MAX = 120
TEXT_MAX = 5000
COMMENT_MAX = 2000
REASON_MAX = 1000


def text(value, field, *, max_length, required=False, message=None):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(_l("Enter text."), field)
    value = value.strip()
    if required and not value:
        raise InvalidInput(message or _l("This field is required."), field)
    if len(value) > max_length:
        raise InvalidInput(_l("At most %(max)d characters.", max=max_length), field)
    return value


def decimal(value, field, *, minimum=None, maximum=None, required=False, message=None,
            positive=False, places=2):
    """Exact decimals only (strings or numbers, never floats' binary noise), at most
    ``places`` decimal places."""
    if value is None or value == "":
        if required:
            raise InvalidInput(message or _l("This field is required."), field)
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_l("Enter a number, e.g. 35.5."), field)
    if not number.is_finite():
        raise InvalidInput(_l("Enter a number, e.g. 35.5."), field)
    if positive and number <= 0:
        raise InvalidInput(_l("Enter a number greater than zero."), field)
    if minimum is not None and number < minimum:
        raise InvalidInput(_l("Enter a number that is not negative.") if minimum == 0 else
                           _l("Enter a number no smaller than %(min)s.", min=minimum), field)
    if maximum is not None and number > maximum:
        raise InvalidInput(_l("Enter a number no larger than %(max)s.", max=maximum), field)
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        raise InvalidInput(_l("Use at most %(n)d decimal places.", n=places), field)
    return number.quantize(step)


def integer(value, field, *, minimum=0, maximum=100000):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput(_l("Enter a whole number."), field)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidInput(_l("Enter a whole number."), field)
    if number < minimum or number > maximum:
        raise InvalidInput(_l("Enter a whole number from %(min)d to %(max)d.", min=minimum,
                              max=maximum), field)
    return number


def choice(enum_cls, value, field, *, required=True):
    if value is None or value == "":
        if required:
            raise InvalidInput(_l("Choose one."), field)
        return None
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls[value]
    except (KeyError, TypeError):
        raise InvalidInput(_l("Choose one of the listed options."), field)

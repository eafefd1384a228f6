"""The base form and shared fields (STYLE §9)."""
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.datetime import DateTimeField
from wtforms.validators import DataRequired, Length, ValidationError

from .dates import WITHIN_RANGE

PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")     # ASCII digits only: see normalise_phone


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_filter(value):
    """Trim, and drop control characters: PostgreSQL cannot store NUL in text and
    nobody types the others (newlines and tabs are kept)."""
    if not isinstance(value, str):
        return value
    return CONTROL_CHARS.sub("", value).strip()


class BaseForm(FlaskForm):
    """Every form strips surrounding whitespace from its text input, and every
    date and date-time field accepts only dates in ``dates``' window (year
    2000 to five years ahead)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if strip_filter not in filters:
                filters = [strip_filter, *filters]
            unbound_field.kwargs["filters"] = filters
            if issubclass(unbound_field.field_class, DateTimeField):  # DateField too
                _add_validator(unbound_field, WITHIN_RANGE)
            return unbound_field.bind(form=form, **options)


def _add_validator(unbound_field, validator):
    """Append ``validator`` to a field's validators (given by keyword or as the
    second positional argument), once."""
    if len(unbound_field.args) >= 2:
        args = list(unbound_field.args)
        if validator not in (args[1] or []):
            args[1] = [*(args[1] or []), validator]
            unbound_field.args = tuple(args)
        return
    validators = list(unbound_field.kwargs.get("validators") or [])
    if validator not in validators:
        unbound_field.kwargs["validators"] = [*validators, validator]


def normalise_phone(value):
    """The number as stored: spaces, dashes and +86 dropped; full-width digits
    (１３８…, as a Chinese input method types them) made plain, so they reach
    the same account — and a number that mixes them cannot pass for another."""
    if not value:
        return value
    digits = re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value))
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def normalise_code(value):
    """A printed code as typed: spaces and dashes dropped, full-width
    characters (an input method's ２３４５) made plain, letters upper-case."""
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or "")).upper()


def validate_mainland_mobile(form, field):
    """Mainland China mobile numbers: 11 digits starting 13–19."""
    field.data = normalise_phone(field.data)
    if not field.data or not PHONE_RE.match(field.data):
        raise ValidationError(_l("Enter an 11-digit mainland mobile number, e.g. 13800138000."))


def PhoneField(label=None, **kwargs):
    return StringField(label or _l("Mobile number"),
                       validators=[DataRequired(message=_l("Enter your mobile number.")),
                                   validate_mainland_mobile],
                       render_kw={"inputmode": "tel", "autocomplete": "tel"}, **kwargs)


def NameField(label=None, **kwargs):
    """A person's name (姓名); a thing's name is a plain ``Name`` (名称)."""
    return StringField(label or _l("Full name"), validators=[
        DataRequired(message=_l("Enter a full name.")),
        Length(max=60, message=_l("At most %(max)d characters."))], **kwargs)


def choices(pairs):
    """WTForms choices from ``(value, label)`` pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def enum_choices(enum_cls):
    return choices((member.name, member.value) for member in enum_cls)


def show_domain_error(form, error):
    """Show a service's DomainError beside its field (or above the form).  A
    form whose fields are named otherwise than the service's arguments maps
    them in ``error_fields`` (service name → field name)."""
    name = getattr(form, "error_fields", {}).get(error.field, error.field)
    field = getattr(form, name, None) if name else None
    if field is not None:
        field.errors = list(field.errors) + [str(error.message)]
    else:
        form.form_errors.append(str(error.message))

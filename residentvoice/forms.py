"""The base form and shared fields (STYLE §9)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_filter(value):
    """Trim, and drop control characters: PostgreSQL cannot store NUL in text and
    nobody types the others (newlines and tabs are kept)."""
    if not isinstance(value, str):
        return value
    return CONTROL_CHARS.sub("", value).strip()


class BaseForm(FlaskForm):
    """Every form strips surrounding whitespace from its text input."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if strip_filter not in filters:
                filters = [strip_filter, *filters]
            unbound_field.kwargs["filters"] = filters
            return unbound_field.bind(form=form, **options)


def normalise_phone(value):
    if not value:
        return value
    digits = re.sub(r"[\s-]", "", value)
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


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
    return StringField(label or _l("Name"), validators=[
        DataRequired(message=_l("Enter a name.")),
        Length(max=60, message=_l("At most %(max)d characters."))], **kwargs)


def choices(pairs):
    """WTForms choices from ``(value, label)`` pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def enum_choices(enum_cls):
    return choices((member.name, member.value) for member in enum_cls)


def show_domain_error(form, error):
    """Show a service's DomainError beside its field (or above the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [str(error.message)]
    else:
        form.form_errors.append(str(error.message))

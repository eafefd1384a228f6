"""Forms of the directory pages (secretaries and street-office admins)."""
import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, IntegerField, PasswordField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..auth.models import Relation
from ..forms import BaseForm, NameField, PhoneField, choices, enum_choices
from .models import BuildingKind, Occupancy, OwnerKind

LANDLINE_OR_MOBILE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def drop_control_chars(value):
    """PostgreSQL cannot store NUL in text, and no one types control characters."""
    return CONTROL_CHARS.sub("", value) if isinstance(value, str) else value


class DirectoryForm(BaseForm):
    """The base form, and control characters dropped from every field."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if drop_control_chars not in filters:
                unbound_field.kwargs["filters"] = [drop_control_chars, *filters]
            return super().bind_field(form, unbound_field, options)


def _max(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


def _required(message):
    return DataRequired(message=message)


def _int_or_none(value):
    if value in (None, ""):
        return None
    return int(value)


class CompoundForm(DirectoryForm):
    community_id = SelectField(_l("Community"), coerce=_int_or_none,
                               validators=[_required(_l("Choose the community."))])
    code = StringField(_l("Code"), description=_l("Short letters and digits used in household "
                                                  "codes, e.g. DSST34."),
                       validators=[_required(_l("Enter a code.")), _max(16)],
                       render_kw={"autocapitalize": "characters"})
    name = StringField(_l("Name"), validators=[_required(_l("Enter a name.")), _max(120)])
    address = StringField(_l("Address"), validators=[Optional(), _max(200)])
    built_year = IntegerField(_l("Year built (optional)"), validators=[
        Optional(), NumberRange(min=1900, max=2100, message=_l("Enter a year such as 1986."))],
        render_kw={"inputmode": "numeric"})
    description = TextAreaField(_l("Description (optional)"), validators=[Optional(), _max(5000)])


class BuildingForm(DirectoryForm):
    number = StringField(_l("Building number"), description=_l("As written on the building, "
                                                              "e.g. 1 or 22."),
                         validators=[_required(_l("Enter the building number.")), _max(16)])
    floors = IntegerField(_l("Floors"), validators=[
        _required(_l("Enter the number of floors.")),
        NumberRange(min=1, max=100, message=_l("Floors must be between 1 and 100."))],
        render_kw={"inputmode": "numeric"})
    kind = SelectField(_l("Type"), choices=enum_choices(BuildingKind), default="walkup")


class HouseholdForm(DirectoryForm):
    building_id = SelectField(_l("Building"), coerce=_int_or_none,
                              validators=[_required(_l("Choose the building."))])
    unit = StringField(_l("Unit number"), description=_l("e.g. 0601"),
                       validators=[_required(_l("Enter the unit number.")), _max(16)])
    floor = IntegerField(_l("Floor"), validators=[_required(_l("Enter the floor."))],
                         render_kw={"inputmode": "numeric"})
    area_m2 = StringField(_l("Registered exclusive area (m²)"),
                          description=_l("As in the real estate register, e.g. 68.25."),
                          validators=[_required(_l("Enter the area in m², e.g. 68.25.")),
                                      _max(20)],
                          render_kw={"inputmode": "decimal"})
    code = StringField(_l("Household code (optional)"),
                       description=_l("Leave empty to use compound-building-unit, "
                                      "e.g. DSST34-1-0601."),
                       validators=[Optional(), _max(32)],
                       render_kw={"autocapitalize": "characters"})
    occupancy = SelectField(_l("Occupancy"), choices=enum_choices(Occupancy),
                            default="owner_occupied")


def validate_phone_loose(form, field):
    if field.data and not LANDLINE_OR_MOBILE.match(field.data):
        raise ValidationError(_l("Enter a phone number of digits, e.g. 13800138000 or "
                                 "010-64000001."))


class OwnerForm(DirectoryForm):
    community_id = SelectField(_l("Community"), coerce=_int_or_none,
                               validators=[_required(_l("Choose the community."))])
    kind = RadioField(_l("The owner is"), choices=enum_choices(OwnerKind), default="person",
                      validators=[_required(_l("Choose one."))])
    name = StringField(_l("Name as registered"),
                       description=_l("A person's name, or the full name of the institution."),
                       validators=[_required(_l("Enter the owner's name.")), _max(120)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), _max(20),
                                                           validate_phone_loose],
                        render_kw={"inputmode": "tel"})


class RelationForm(DirectoryForm):
    relation = SelectField(_l("Relation to the household"), choices=enum_choices(Relation))


class OwnerLinkForm(DirectoryForm):
    """Link an account to a household's registered owner (issue 14.5): the
    person is a resident who declared ownership, or found by mobile number."""
    phone = StringField(_l("Mobile number of the person's account"),
                        validators=[Optional(), _max(20)],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    capacity = RadioField(_l("This person acts for the owner as"),
                          validators=[_required(_l("Choose one."))])
    authorisation = StringField(
        _l("Written authorisation, or the document checked"),
        description=_l("E.g. the number of the signed authorisation and where the original "
                       "is kept, or the property certificate checked. Required for an agent "
                       "or a representative."),
        validators=[Optional(), _max(200)], render_kw={"autocomplete": "off"})


class InPersonForm(DirectoryForm):
    name = NameField(_l("Resident's name"))
    phone = PhoneField(_l("Resident's mobile number"))
    relation = RadioField(_l("The resident is the household's"), choices=enum_choices(Relation),
                          default="owner", validators=[_required(_l("Choose one."))])
    birth_year = IntegerField(_l("Year of birth (optional)"), validators=[
        Optional(), NumberRange(min=1900, max=2026, message=_l("Enter a year such as 1956."))],
        render_kw={"inputmode": "numeric"})
    password = PasswordField(_l("First password (optional)"),
                             description=_l("Leave empty and a password is made up and "
                                            "printed for the resident."),
                             validators=[Optional(), _max(200)])


class ImportForm(DirectoryForm):
    file = FileField(_l("Spreadsheet (CSV or Excel .xlsx)"),
                     description=_l("Columns: building, unit, floor, area_m2; optional code, "
                                    "owner_name, owner_kind, occupancy. Chinese headers work "
                                    "too: 楼号, 单元/房号, 楼层, 面积, 户号, 业主, 业主类型, 居住状态."),
                     render_kw={"accept": ".csv,.xlsx,text/csv"})
    create_buildings = BooleanField(_l("Create buildings the file names that do not exist yet"))

    def validate_file(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose a file."))


class InvitationForm(DirectoryForm):
    building_id = SelectField(_l("Households"), coerce=_int_or_none)
    only_unregistered = BooleanField(_l("Only households where nobody has registered yet"),
                                     default=True)
    days = IntegerField(_l("Codes stay valid for (days)"), default=60, validators=[
        _required(_l("Enter a number of days.")),
        NumberRange(min=1, max=365, message=_l("Codes stay valid between 1 and 365 days."))],
        render_kw={"inputmode": "numeric"})


class SearchForm(DirectoryForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), _max(60)],
                    render_kw={"type": "search"})


def building_choices(compound, empty_label=None):
    pairs = [("", empty_label)] if empty_label else []
    pairs += [(str(b.id), _l("Building %(n)s", n=b.number)) for b in compound.buildings]
    return choices(pairs)


def community_choices(communities):
    return choices([(str(c.id), c.name) for c in communities])

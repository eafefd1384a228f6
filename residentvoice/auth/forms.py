import re

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms import BaseForm, NameField, PhoneField, choices, enum_choices
from .models import NotifyMode, Relation

PASSWORD_HINT = _l("At least 8 characters.")
TOO_LONG = _l("At most %(max)d characters.")
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"'.]+$")


def valid_email(form, field):
    """A plausible address (one @, a dotted domain); the mail server has the last word."""
    if field.data and not EMAIL_RE.match(field.data):
        raise ValidationError(_l("Enter a valid email address."))


def relation_choices():
    return enum_choices(Relation)


class LoginForm(BaseForm):
    phone = PhoneField()
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("Enter your password.")), Length(max=200, message=TOO_LONG)])
    remember = BooleanField(_l("Stay logged in on this phone"))


class RegisterForm(BaseForm):
    code = StringField(_l("Invitation code"), validators=[
        DataRequired(message=_l("Enter the code printed on your letter.")),
        Length(max=20, message=TOO_LONG)],
        render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    name = NameField(_l("Your name"))
    phone = PhoneField()
    relation = RadioField(_l("You are the household's"), choices=relation_choices,
                          default="owner",
                          validators=[DataRequired(message=_l("Choose one."))])
    birth_year = IntegerField(_l("Year of birth (optional)"), validators=[
        Optional(), NumberRange(min=1900, max=2026, message=_l("Enter a year such as 1956."))],
        render_kw={"inputmode": "numeric"})
    password = PasswordField(_l("Choose a password"), description=PASSWORD_HINT, validators=[
        DataRequired(message=_l("Choose a password.")), Length(max=200, message=TOO_LONG)])


class ChangePasswordForm(BaseForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(message=_l("Enter your current password.")),
        Length(max=200, message=TOO_LONG)])
    password = PasswordField(_l("New password"), description=PASSWORD_HINT, validators=[
        DataRequired(message=_l("Choose a new password.")), Length(max=200, message=TOO_LONG)])


class ResetForm(BaseForm):
    phone = PhoneField()
    code = StringField(_l("Reset code from your secretary"), validators=[
        DataRequired(message=_l("Enter the code.")), Length(max=20, message=TOO_LONG)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    password = PasswordField(_l("New password"), description=PASSWORD_HINT, validators=[
        DataRequired(message=_l("Choose a new password.")), Length(max=200, message=TOO_LONG)])


class PreferencesForm(BaseForm):
    # Elder mode first: the way in that the account page must make prominent (issue 18).
    large_text = BooleanField(_l("Elder mode (长辈版)"), description=_l(
        "Larger text, bigger buttons, no pop-ups, and a button that reads ballots and "
        "notices aloud."))
    locale = SelectField(_l("Language"), choices=choices([("zh_Hans", "中文"), ("en", "English")]))
    email = StringField(_l("Email (optional)"), description=_l(
        "Notifications always appear on this site. With an address, we also email "
        "them to you."), validators=[
        Optional(), Length(max=254, message=TOO_LONG), valid_email],
        render_kw={"inputmode": "email", "autocomplete": "email"})
    notify_mode = RadioField(_l("Email me"), choices=enum_choices(NotifyMode),
                             default="immediate")


class ClaimHouseholdForm(BaseForm):
    code = StringField(_l("Invitation code"), validators=[
        DataRequired(message=_l("Enter the code printed on your letter.")),
        Length(max=20, message=TOO_LONG)])
    relation = RadioField(_l("You are the household's"), choices=relation_choices,
                          default="owner", validators=[DataRequired(message=_l("Choose one."))])

"""Forms of the voting pages."""
import re
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateTimeLocalField, HiddenField, IntegerField,
                     RadioField, SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..dates import to_zone
from ..forms import BaseForm, choices, enum_choices
from .models import Basis, CountPer, Matter

TOO_LONG = _l("At most %(max)d characters.")


class CloseForm(BaseForm):
    """Closing by hand; the reason is required before the closing time
    (``closing.close_by_hand`` checks it)."""
    reason = TextAreaField(_l("Why does voting close early?"),
                           validators=[Length(max=500, message=TOO_LONG)])
DATE_MESSAGE = _l("Enter a date and time.")


def _zone():
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_to_utc(value):
    """A local date-time typed on the form → naive UTC as stored."""
    if value is None:
        return None
    return value.replace(tzinfo=_zone()).astimezone(timezone.utc).replace(tzinfo=None)


def utc_to_local(value):
    return to_zone(value, _zone())


class BallotForm(BaseForm):
    title = StringField(_l("Question"), validators=[
        DataRequired(message=_l("Enter the question.")), Length(max=200, message=TOO_LONG)])
    description = TextAreaField(_l("Description"), validators=[
        Length(max=10000, message=TOO_LONG)],
        description=_l("Everything the notice says: the topic, the plan, the cost."))
    basis = SelectField(_l("Who decides"), choices=lambda: enum_choices(Basis),
                        default="owners")
    matter = SelectField(_l("Matter"), choices=lambda: enum_choices(Matter),
                         default="common_parts_use",
                         description=_l("The matter fixes the rule: changing the use of common "
                                        "parts, raising the fund and rebuilding need 3/4; other "
                                        "owners' matters more than half."))
    count_per = SelectField(_l("Counting (residents' ballots)"),
                            choices=lambda: enum_choices(CountPer), default="household")
    options = TextAreaField(_l("Options, one per line"), validators=[
        Length(max=4000, message=TOO_LONG)],
        description=_l("Leave empty for Agree / Against / Abstain. For competing "
                       "alternatives, write one per line."))
    buildings = SelectMultipleField(_l("Only these buildings"), coerce=int,
                                    description=_l("Leave empty for the whole compound."))
    announced_at = DateTimeLocalField(_l("Announced at"), validators=[
        InputRequired(message=DATE_MESSAGE)], format="%Y-%m-%dT%H:%M",
        description=_l("When the notice went up (may be in the past)."))
    opens_at = DateTimeLocalField(_l("Voting opens"), validators=[
        InputRequired(message=DATE_MESSAGE)], format="%Y-%m-%dT%H:%M",
        description=_l("Owners' ballots: at least 15 days after the announcement."))
    closes_at = DateTimeLocalField(_l("Voting closes"), validators=[
        InputRequired(message=DATE_MESSAGE)], format="%Y-%m-%dT%H:%M")
    secret = BooleanField(_l("Secret ballot (nobody sees who voted what)"))
    allow_change = BooleanField(_l("Voters may change their vote until closing"))
    live_counts = BooleanField(_l("Show live counts while open (not for secret ballots)"))
    proxy_cap = IntegerField(_l("Most principals per proxy"), default=3, validators=[
        InputRequired(message=_l("Enter a number.")),
        NumberRange(min=1, max=20, message=_l("Between %(min)d and %(max)d."))])

    def service_data(self):
        """The values the ballot service takes."""
        labels = [line.strip() for line in (self.options.data or "").splitlines()
                  if line.strip()]
        return {"title": self.title.data, "description": self.description.data,
                "basis": self.basis.data, "matter": self.matter.data,
                "count_per": self.count_per.data, "options": labels,
                "building_ids": self.buildings.data or None,
                "announced_at": local_to_utc(self.announced_at.data),
                "opens_at": local_to_utc(self.opens_at.data),
                "closes_at": local_to_utc(self.closes_at.data),
                "secret": self.secret.data, "allow_change": self.allow_change.data,
                "live_counts": self.live_counts.data, "proxy_cap": self.proxy_cap.data}


class ConfirmVoteForm(BaseForm):
    household = HiddenField()
    option = HiddenField()


def option_choices(ballot):
    return choices((str(o.id), o.label) for o in ballot.options)


class PaperFindForm(BaseForm):
    """The entry screen's first step: whose paper ballot this is."""
    class Meta:
        csrf = False

    q = StringField(_l("Serial, room or owner's name"), validators=[
        Optional(), Length(max=200, message=TOO_LONG)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters",
                   "enterkeyhint": "search"},
        description=_l("Scan the QR code on the paper ballot, or type the 8 characters under "
                       "it. Serial lost? Type the room (601, 1-2-601) or the owner's name."))


class PaperVoteForm(BaseForm):
    """The second step: the option marked and the witness.  The household comes
    from the serial, or (without a serial) from the search, with a reason."""
    serial = HiddenField()
    household = HiddenField()
    option = RadioField(_l("Option marked on the paper"),
                        invalid_choice_message=_l("Choose the option marked on the ballot."))
    voter_phone = StringField(_l("Voter's mobile number"), validators=[
        Optional(), Length(max=20, message=TOO_LONG)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
        description=_l("This ballot counts each adult resident: the mobile number of the resident whose paper this is."))
    reason = StringField(_l("Why there is no serial"), validators=[
        Optional(), Length(max=200, message=TOO_LONG)], render_kw={"autocomplete": "off"},
        description=_l("For example: the ballot was lost and the owner filled in a blank one "
                       "before the witness."))
    witness = StringField(_l("Witness"), validators=[
        DataRequired(message=_l("Enter the name of the witness.")),
        Length(max=60, message=TOO_LONG)], render_kw={"autocomplete": "off"})

    def household_id(self):
        value = (self.household.data or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else None


class PaperReplaceForm(BaseForm):
    reason = StringField(_l("Why it is replaced"), validators=[
        DataRequired(message=_l("Say why the paper ballot is replaced.")),
        Length(max=200, message=TOO_LONG)],
        description=_l("For example: lost by the household; torn; printed wrongly."))


class ProxyVoteForm(BaseForm):
    proxy_name = StringField(_l("Proxy's name"), validators=[
        DataRequired(message=_l("Enter the proxy's name.")), Length(max=60, message=TOO_LONG)])
    proxy_phone = StringField(_l("Proxy's mobile number"), validators=[
        Optional(), Length(max=20, message=TOO_LONG)], render_kw={"inputmode": "tel"},
        description=_l("With it, the proxy may also vote for the principals from their own "
                       "account."))
    proxy_id_tail = StringField(_l("Last 4 characters of the proxy's ID card"), validators=[
        Optional(), Length(max=8, message=TOO_LONG)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "maxlength": 8},
        description=_l("Needed without a mobile number: proxies of the same name are told "
                       "apart by it."))
    households = TextAreaField(_l("Principal households, one a line"), validators=[
        DataRequired(message=_l("Enter at least one principal household.")),
        Length(max=2000, message=TOO_LONG)],
        description=_l("As the signed form has them: the flat (1-2-601 or 1号楼601), the "
                       "household's code, or the owner's name."))
    option = SelectField(_l("Option chosen by the proxy"), validators=[
        DataRequired(message=_l("Choose an option."))])
    authorisation = FileField(_l("Signed authorisation (photo or PDF)"))

    def principal_lines(self):
        """One household a line (or separated by commas, 、 or ；)."""
        return re.split(r"[\r\n,，、;；]+", self.households.data or "")

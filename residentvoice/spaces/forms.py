"""Forms for spaces, proposals, review, discussion and hand-off.  Field checks
reuse the services' validation so every field shows its error at once."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, RadioField,
                     SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..errors_domain import InvalidInput
from ..forms import BaseForm, choices, enum_choices
from . import validation as v
from .models import CHECKS, CheckResult, Payer, ProposalKind, SpaceOrigin

PHOTO_HINT = _l("A JPEG or PNG photo, at most 6 MB.")


def checked(check):
    """A WTForms validator running one of the services' checks."""
    def validator(form, field):
        try:
            check(field.data)
        except InvalidInput as error:
            raise ValidationError(str(error.message))
    return validator


def required(message):
    return DataRequired(message=message)


def limit(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


def PhotoField(label=None):
    return FileField(label or _l("Photo (optional)"), description=PHOTO_HINT,
                     render_kw={"accept": "image/jpeg,image/png"})


class SpaceForm(BaseForm):
    name = StringField(_l("Name"), validators=[required(_l("Give the space a name.")),
                                                limit(v.TITLE_MAX)])
    location = StringField(_l("Where it is"), validators=[limit(300)],
                           description=_l("E.g. north of building 1, by the bike path."))
    area_m2 = StringField(_l("Area (m²)"), render_kw={"inputmode": "decimal"},
                          validators=[required(_l("Enter the area in m².")), checked(
                              lambda x: v.decimal(x, "area_m2", positive=True,
                                                  maximum=Decimal("99999999.99")))])
    origin = SelectField(_l("Origin"), choices=enum_choices(SpaceOrigin),
                         default="illegal_structure")
    description = TextAreaField(_l("Description"), validators=[limit(v.TEXT_MAX)])
    latitude = StringField(_l("Latitude (optional)"), render_kw={"inputmode": "decimal"},
                           validators=[checked(lambda x: v.decimal(
                               x, "latitude", minimum=Decimal(-90), maximum=Decimal(90),
                               places=6))])
    longitude = StringField(_l("Longitude (optional)"), render_kw={"inputmode": "decimal"},
                            validators=[checked(lambda x: v.decimal(
                                x, "longitude", minimum=Decimal(-180), maximum=Decimal(180),
                                places=6))])
    photo = PhotoField()


class EditSpaceForm(SpaceForm):
    photo = None


def payer_choices():
    return choices([("", _l("Not decided yet"))] + [(m.name, m.value) for m in Payer])


class ProposalForm(BaseForm):
    kind = RadioField(_l("What to build"), choices=enum_choices(ProposalKind),
                      validators=[required(_l("Choose what to build."))])
    title = StringField(_l("Title"), validators=[required(_l("Give your proposal a title.")),
                                                  limit(v.TITLE_MAX)])
    description = TextAreaField(_l("Description"), validators=[limit(v.TEXT_MAX)],
                                description=_l("Where exactly, how it would look, who "
                                               "would use it."))
    quantity = StringField(_l("Capacity or quantity (optional)"),
                           render_kw={"inputmode": "numeric"},
                           description=_l("E.g. number of charging points or bicycles."),
                           validators=[checked(lambda x: v.integer(x, "quantity", minimum=1))])
    estimated_cost = StringField(_l("Estimated cost in yuan (optional)"),
                                 render_kw={"inputmode": "decimal"},
                                 validators=[checked(lambda x: v.decimal(
                                     x, "estimated_cost", minimum=Decimal(0),
                                     maximum=Decimal("9999999999.99")))])
    payer = SelectField(_l("Who would pay"), choices=payer_choices, default="")
    on_behalf_of = StringField(_l("On behalf of (secretaries)"), validators=[limit(200)],
                               description=_l("E.g. residents of building 3, by petition."))
    photo = PhotoField(_l("Photo or sketch (optional)"))


class ReviewForm(BaseForm):
    fire_lanes = RadioField(CHECKS["fire_lanes"], choices=enum_choices(CheckResult),
                            validators=[required(_l("Choose one."))])
    window_distance = RadioField(CHECKS["window_distance"],
                                 choices=enum_choices(CheckResult),
                                 validators=[required(_l("Choose one."))])
    electrical_capacity = RadioField(CHECKS["electrical_capacity"],
                                     choices=enum_choices(CheckResult),
                                     validators=[required(_l("Choose one."))])
    accessibility = RadioField(CHECKS["accessibility"], choices=enum_choices(CheckResult),
                               validators=[required(_l("Choose one."))])
    other = RadioField(CHECKS["other"], choices=enum_choices(CheckResult),
                       default="not_applicable", validators=[required(_l("Choose one."))])
    notes = TextAreaField(_l("Review notes (shown with the proposal)"),
                          validators=[limit(v.TEXT_MAX)])
    outcome = RadioField(_l("Outcome"), choices=choices([
        ("open", _l("Complies: open it for support")),
        ("return", _l("Return it to the proposer for revision"))]),
        validators=[required(_l("Choose the outcome."))])
    reason = TextAreaField(_l("Reason for returning (the proposer sees it)"),
                           validators=[limit(v.REASON_MAX)])


class StatusForm(BaseForm):
    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Why (kept in the history)"), validators=[limit(v.REASON_MAX)])


class ProgressForm(BaseForm):
    percent = StringField(_l("Percent done"), render_kw={"inputmode": "numeric"},
                          validators=[required(_l("Enter the percent done, from 0 to 100.")),
                                      checked(lambda x: v.integer(x, "percent", maximum=100))])
    started_on = DateField(_l("Work started on (optional)"), validators=[Optional()])
    expected_on = DateField(_l("Expected to be in use by (optional)"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[limit(v.TEXT_MAX)])
    photo = PhotoField()


class PhotoForm(BaseForm):
    photo = PhotoField(_l("Photo"))


class CommentForm(BaseForm):
    body = TextAreaField(_l("Your comment"), validators=[required(_l("Write your comment.")),
                                                          limit(v.COMMENT_MAX)])
    parent_id = HiddenField()


class EditCommentForm(BaseForm):
    body = TextAreaField(_l("Your comment"), validators=[required(_l("Write your comment.")),
                                                          limit(v.COMMENT_MAX)])


class FlagForm(BaseForm):
    reason = StringField(_l("What is wrong (optional)"), validators=[limit(500)])


class HideForm(BaseForm):
    reason = StringField(_l("Reason shown in place of the comment"), validators=[
        required(_l("Give the reason shown in place of the comment.")), limit(500)])


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("Why (optional)"), validators=[limit(v.REASON_MAX)])


class DecisionForm(BaseForm):
    decision = RadioField(_l("The meeting decided to"), choices=choices([
        ("accept", _l("Accept this proposal")), ("reject", _l("Reject this proposal")),
        ("back_to_open", _l("Postpone: back to open for support"))]),
        validators=[required(_l("Choose the decision."))])
    reason = TextAreaField(_l("Which meeting, and the vote"), validators=[
        required(_l("Say which meeting decided and how.")), limit(v.REASON_MAX)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AgendaForm(BaseForm):
    proposal_ids = MultiCheckboxField(_l("Proposals"), coerce=int, validate_choice=False,
                                      validators=[required(_l("Choose one or more proposals."))])
    meeting_id = SelectField(_l("Meeting"), coerce=int, validate_choice=False,
                             validators=[required(_l("Choose a meeting."))])


class BallotForm(BaseForm):
    proposal_ids = MultiCheckboxField(_l("Proposals"), coerce=int, validate_choice=False,
                                      validators=[required(_l("Choose one or more proposals."))])
    title = StringField(_l("Ballot title"), validators=[limit(200)])
    description = TextAreaField(_l("Notice text"), validators=[limit(v.TEXT_MAX)])
    announced_at = DateTimeLocalField(_l("Notice posted at"), validators=[
        required(_l("Enter when the notice was posted."))])
    opens_at = DateTimeLocalField(_l("Voting opens at"), description=_l(
        "At least 15 days after the notice (Beijing property regulation)."),
        validators=[required(_l("Enter when voting opens."))])
    closes_at = DateTimeLocalField(_l("Voting closes at"), validators=[
        required(_l("Enter when voting closes."))])
    secret = BooleanField(_l("Secret ballot"))
    allow_change = BooleanField(_l("Voters may change their vote until closing"))


class SupportThresholdForm(BaseForm):
    """The support a proposal needs before the council (issue 19 §5)."""
    households = StringField(_l("Supporting households needed"),
                             validators=[Optional(), Length(max=6)],
                             description=_l("Leave empty to show only the count of supporters."),
                             render_kw={"inputmode": "numeric"})

    def validate_households(self, field):
        if field.data and not field.data.isdigit():
            raise ValidationError(_l("Enter a whole number of households."))

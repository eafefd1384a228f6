"""Ticket forms (STYLE §9): labels with _l, rules left to the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import BaseForm, choices
from .models import Category

DESCRIPTION_MAX = 4000


def category_choices():
    return choices([("", _l("Choose…"))] + [(c.name, c.value) for c in Category])


class PlaceForm(BaseForm):
    """Step 1 (GET): what and where, so similar open tickets can be shown."""
    class Meta:
        csrf = False

    category = SelectField(_l("What is the problem about?"),
                           validators=[DataRequired(message=_l("Choose a category."))])
    where = SelectField(_l("Where?"), validators=[DataRequired(message=_l("Choose a place."))])


class TicketForm(BaseForm):
    category = SelectField(_l("What is the problem about?"),
                           validators=[DataRequired(message=_l("Choose a category."))])
    where = SelectField(_l("Where?"), validators=[DataRequired(message=_l("Choose a place."))])
    location_text = StringField(_l("Exact spot (optional)"),
                                description=_l("e.g. east side of building 2, by the bike shed"),
                                validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("What is wrong?"), validators=[
        DataRequired(message=_l("Describe the problem in a few words.")),
        Length(max=DESCRIPTION_MAX, message=_l("At most %(max)d characters."))])
    photos = MultipleFileField(_l("Photos (up to 4, optional)"),
                               render_kw={"accept": "image/*", "multiple": True})
    emergency = BooleanField(_l("Emergency: a risk to life or property (e.g. a burst pipe)"))
    public = BooleanField(_l("Let my neighbours see this ticket"), default=True)
    anonymous = BooleanField(_l("Hide my name from neighbours (staff still see it)"))
    share_phone = BooleanField(_l("Let the organisation handling it call me on my mobile "
                                  "number"))
    # Reception room (群众接待室): a secretary files on behalf of a resident.
    household_code = StringField(_l("Resident's flat"), validators=[Optional(), Length(max=60)],
                                 description=_l("As the resident says it: 1-2-601, or 601 with "
                                                "the building chosen above; or the household's "
                                                "code, or the owner's name."))
    reporter_phone = StringField(_l("Resident's mobile number (if they have an account)"),
                                 validators=[Optional(), Length(max=20)])
    contact_name = StringField(_l("Resident's name"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("Resident's phone"), validators=[Optional(), Length(max=20)])


class CommentForm(BaseForm):
    comment = TextAreaField(_l("Comment"), validators=[Length(max=DESCRIPTION_MAX)])


class ReasonForm(BaseForm):
    comment = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give the reason.")), Length(max=DESCRIPTION_MAX)])


class ReopenForm(BaseForm):
    comment = TextAreaField(_l("What is still wrong?"), validators=[
        DataRequired(message=_l("Say what is still wrong.")), Length(max=DESCRIPTION_MAX)])


class StartForm(BaseForm):
    planned_for = DateField(_l("Planned date"), validators=[
        InputRequired(message=_l("Enter the planned date."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=DESCRIPTION_MAX)])


class ResolveForm(BaseForm):
    note = TextAreaField(_l("What was done?"), validators=[
        DataRequired(message=_l("Say what was done.")), Length(max=DESCRIPTION_MAX)])
    photos = MultipleFileField(_l("Photos (up to 4, optional)"),
                               render_kw={"accept": "image/*", "multiple": True})


RATING_CHOICES = [("5", _l("5 — very satisfied")), ("4", _l("4 — satisfied")),
                  ("3", _l("3 — so-so")), ("2", _l("2 — dissatisfied")),
                  ("1", _l("1 — very dissatisfied"))]


class ConfirmForm(BaseForm):
    rating = RadioField(_l("How satisfied are you?"), choices=choices(RATING_CHOICES),
                        validators=[Optional()])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=DESCRIPTION_MAX)])


class RerouteForm(BaseForm):
    organisation_id = SelectField(_l("Send to"), coerce=int)
    comment = TextAreaField(_l("Comment (optional)"), validators=[Length(max=DESCRIPTION_MAX)])


class DuplicateForm(BaseForm):
    duplicate_of = StringField(_l("Number of the original ticket"),
                               description=_l("e.g. T000012"), validators=[
        InputRequired(message=_l("Enter the number of the original ticket.")), Length(max=12)])


class EmptyForm(BaseForm):
    pass


class UpdateForm(BaseForm):
    body = TextAreaField(_l("Update"), validators=[
        DataRequired(message=_l("Write the update.")), Length(max=DESCRIPTION_MAX)])
    public = BooleanField(_l("Visible to the resident"), default=True)


class RedactForm(BaseForm):
    event_id = HiddenField()
    text = TextAreaField(_l("Text to show instead"), validators=[Length(max=DESCRIPTION_MAX)])
    hide = BooleanField(_l("Hide this text completely"))


class MeTooForm(BaseForm):
    household_id = SelectField(_l("My household"), coerce=int)


class RuleForm(BaseForm):
    category = SelectField(_l("Category"), validators=[
        DataRequired(message=_l("Choose a category."))])
    organisation_id = SelectField(_l("Responsible organisation"), coerce=int)
    project_id = IntegerField(_l("Renovation project number (optional)"),
                              description=_l("A rule for a renovation project wins over the "
                                             "compound's rule for the same category."),
                              validators=[Optional(), NumberRange(min=1, max=999999999)])


class SlaForm(BaseForm):
    key = HiddenField()
    ack_hours = IntegerField(_l("Hours to acknowledge"), validators=[
        InputRequired(message=_l("Enter a number of hours.")), NumberRange(min=1, max=8760)])
    resolve_hours = IntegerField(_l("Hours to resolve"), validators=[
        InputRequired(message=_l("Enter a number of hours.")), NumberRange(min=1, max=8760)])


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    compound = SelectField(_l("Compound"), validators=[Optional()])
    category = SelectField(_l("Category"), validators=[Optional()])
    overdue = BooleanField(_l("Only overdue"))


ACTION_FORMS = {
    "acknowledge": EmptyForm, "start": StartForm, "resolve": ResolveForm,
    "confirm": ConfirmForm, "reopen": ReopenForm, "hand_back": ReasonForm,
    "reroute": RerouteForm, "refuse": ReasonForm, "mark_duplicate": DuplicateForm,
}

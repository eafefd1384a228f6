"""Forms of the renovation pages (labels with _l, checks in services)."""
from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, FileField, IntegerField, MultipleFileField,
                     RadioField, SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms import widgets
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import BaseForm, choices, enum_choices
from .models import SCOPE_KINDS, ProjectStatus, ScopeClass, kind_label  # noqa: F401
from .models_household import Restoration
from .supervision import TICKET_CATEGORIES

DATE_MESSAGE = _l("Enter a date as YYYY-MM-DD.")


def kind_choices():
    return choices((code, label) for code, label in SCOPE_KINDS.items())


def category_choices():
    return choices((code, kind_label(code)) for code in TICKET_CATEGORIES)


def DateInput(label, required=False, **kwargs):
    validators = [DataRequired(message=DATE_MESSAGE)] if required else [Optional()]
    return DateField(label, validators=validators, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _title(label=None, max_len=160, required=True):
    validators = [DataRequired(message=_l("Enter a title."))] if required else [Optional()]
    return StringField(label or _l("Title"), validators=validators + [
        Length(max=max_len, message=_l("At most %(max)d characters."))])


class ProjectForm(BaseForm):
    name = StringField(_l("Project name"), validators=[
        DataRequired(message=_l("Enter a name.")),
        Length(max=160, message=_l("At most %(max)d characters."))])
    description = TextAreaField(_l("What is being done"), validators=[Length(max=5000)])
    implementing_body_id = SelectField(_l("Implementing body"), coerce=int, validate_choice=False)
    construction_party_id = SelectField(_l("Construction party"), coerce=int,
                                        validate_choice=False)
    planned_start = DateInput(_l("Planned start"))
    planned_end = DateInput(_l("Planned end"))


class NewProjectForm(ProjectForm):
    compound_id = SelectField(_l("Compound"), coerce=int, validate_choice=False)


class ScopeItemForm(BaseForm):
    scope_class = RadioField(_l("Class"), choices=enum_choices(ScopeClass), default="basic",
                             validators=[DataRequired(message=_l("Choose one."))])
    kind = SelectField(_l("Kind"), choices=kind_choices, validate_choice=False)
    title = _title(_l("Description (optional)"), required=False)


class MeasureForm(BaseForm):
    name = StringField(_l("Measured in (e.g. risers, households)"), validators=[
        DataRequired(message=_l("Enter a name.")), Length(max=60)])
    total = IntegerField(_l("Total"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=1, max=1_000_000, message=_l("The total must be at least 1."))],
        render_kw={"inputmode": "numeric"})


class ProgressForm(BaseForm):
    measure_id = SelectField(_l("Measure"), coerce=int, validate_choice=False)
    done = IntegerField(_l("Done so far"), validators=[
        InputRequired(message=_l("Enter a whole number.")),
        NumberRange(min=0, message=_l("Enter a number of zero or more."))],
        render_kw={"inputmode": "numeric"})
    recorded_on = DateInput(_l("Date"), required=True)
    note = StringField(_l("Note (optional)"), validators=[Length(max=300)])


class NoticeForm(BaseForm):
    title = _title()
    body = TextAreaField(_l("Text"), validators=[Length(max=5000)])


class SurveyForm(BaseForm):
    title = _title()
    kinds = MultiCheckboxField(_l("Items to ask about"), choices=kind_choices,
                               validate_choice=False)


class SurveyAnswerForm(BaseForm):
    option_ids = MultiCheckboxField(_l("Which of these do you want?"), coerce=int,
                                    validate_choice=False)
    problems = TextAreaField(_l("Your most pressing problems"), validators=[Length(max=2000)])


class SurveyVisitForm(SurveyAnswerForm):
    visited_on = DateInput(_l("Date of the visit"), required=True)
    absent = BooleanField(_l("Nobody was home"))


class PlanForm(BaseForm):
    needs = TextAreaField(_l("Needs"), validators=[Length(max=4000)])
    concerns = TextAreaField(_l("Concerns"), validators=[Length(max=4000)])
    concern_category = SelectField(_l("Concerns are about"), choices=category_choices,
                                   default="other", validate_choice=False)
    concerns_resolved = BooleanField(_l("Concerns resolved"))
    enters_home = BooleanField(_l("The work enters the home"))
    window_start = DateInput(_l("Schedule window: first day"))
    window_end = DateInput(_l("Schedule window: last day"))
    relocates = BooleanField(_l("The household moves out during the work"))
    relocation_place = StringField(_l("Staying at"), validators=[Length(max=200)])
    relocation_from = DateInput(_l("Moves out on"))
    relocation_to = DateInput(_l("Returns on"))
    elderly = BooleanField(_l("Elderly residents"))
    mobility = BooleanField(_l("Someone with limited mobility"))
    restoration = RadioField(_l("Restoration standard"), choices=enum_choices(Restoration),
                             default="basic",
                             validators=[DataRequired(message=_l("Choose one."))])
    owner_pays = StringField(_l("Owner pays above the standard (yuan)"),
                             validators=[Length(max=20)], render_kw={"inputmode": "decimal"})


class VisitForm(BaseForm):
    visited_on = DateInput(_l("Date of the visit"), required=True)
    note = StringField(_l("What was said (optional)"), validators=[Length(max=500)])


class StepForm(BaseForm):
    title = _title(_l("Work step (e.g. excavation in 1-0101)"))
    scheduled_on = DateInput(_l("Date"), required=True)
    household_id = SelectField(_l("In the home of (optional)"), coerce=int,
                               validate_choice=False)


class ObservationForm(BaseForm):
    text = TextAreaField(_l("What did you see?"), validators=[
        DataRequired(message=_l("Describe what you saw.")), Length(max=4000)])
    is_problem = BooleanField(_l("This is a problem the construction party must fix"))
    category = SelectField(_l("Category"), choices=category_choices, default="other",
                           validate_choice=False)
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/*"})


PART_ROWS = 3


class WarrantyForm(BaseForm):
    error_fields = {"parts": "kind_1"}   # the parts' refusal goes beside the first part
    place = RadioField(_l("Covers"), choices=choices([("household", _l("One household")),
                                                   ("building", _l("A building's common parts"))]),
                       default="household")
    household_id = SelectField(_l("Household"), coerce=int, validate_choice=False)
    building_id = SelectField(_l("Building"), coerce=int, validate_choice=False)
    title = _title(_l("Title (optional)"), required=False)
    signed_on = DateInput(_l("Signed on"), required=True)
    signed_copy = FileField(_l("Signed copy (photo or PDF, optional)"),
                            render_kw={"accept": "image/*,application/pdf"})

    def part_rows(self):
        """The covered-part fields, row by row: (kind, starts_on, period_months)."""
        return [(self[f"kind_{n}"], self[f"starts_on_{n}"], self[f"period_months_{n}"])
                for n in range(1, PART_ROWS + 1)]

    def parts(self):
        return [(k.data, s.data, m.data) for k, s, m in self.part_rows()]


for _n in range(1, PART_ROWS + 1):
    setattr(WarrantyForm, f"kind_{_n}", SelectField(
        _l("Covered part"), validate_choice=False,
        choices=lambda: choices([("", "—")]) + kind_choices()))
    setattr(WarrantyForm, f"starts_on_{_n}", DateInput(_l("Warranty starts")))
    setattr(WarrantyForm, f"period_months_{_n}", IntegerField(
        _l("Period (months)"), validators=[Optional()], render_kw={"inputmode": "numeric"}))


class MilestoneForm(BaseForm):
    """A dated step of one building's renovation (issue 19 §8)."""
    happened_on = DateField(_l("Date"), validators=[DataRequired()])
    stage = RadioField(_l("The photos show the building"), validators=[DataRequired()],
                       choices=choices([("before", _l("Before the work")),
                                        ("during", _l("During the work")),
                                        ("after", _l("After the work"))]))
    title = StringField(_l("What was done"), validators=[DataRequired(), Length(max=120)])
    note = TextAreaField(_l("Details (optional)"), validators=[Length(max=2000)])
    photos = MultipleFileField(_l("Photos (up to 4)"), render_kw={"accept": "image/*"})

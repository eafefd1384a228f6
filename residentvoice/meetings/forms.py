"""Meeting forms (STYLE §9): labels with _l; the views hand ``form.data`` to services."""
from flask_babel import lazy_gettext as _l
from wtforms import (DateField, DateTimeLocalField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import BaseForm, choices, enum_choices
from .models import InviteeScope, MeetingKind, Side

NUMBER = {"inputmode": "numeric"}


def _number(label, low, high, default=None, description=None):
    return IntegerField(label, default=default, description=description, render_kw=NUMBER,
                        validators=[InputRequired(message=_l("Enter a number.")),
                                    NumberRange(min=low, max=high, message=_l(
                                        "Enter a number from %(min)d to %(max)d."))])


class MeetingForm(BaseForm):
    compound_id = SelectField(_l("Compound"), coerce=int)
    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Enter a title.")), Length(max=200)])
    kind = RadioField(_l("Kind of meeting"), choices=enum_choices(MeetingKind),
                      default="council", validators=[DataRequired(message=_l("Choose one."))])
    place = StringField(_l("Place"), default="群众接待室", validators=[
        DataRequired(message=_l("Enter the place.")), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts at"), validators=[
        InputRequired(message=_l("Enter the date and time."))])
    duration_minutes = _number(_l("Expected duration (minutes)"), 10, 600, 90)
    chair_id = SelectField(_l("Chair (neutral: runs the procedure only)"), coerce=int)
    recorder_id = SelectField(_l("Recorder"), coerce=int)
    invitees = RadioField(_l("Who is invited"), choices=enum_choices(InviteeScope),
                          default="all_residents",
                          validators=[DataRequired(message=_l("Choose one."))])
    named = SelectMultipleField(_l("Named invitees (for a named list)"), coerce=int,
                                validators=[Optional()])
    speech_seconds = _number(_l("Speech length (seconds)"), 30, 900, 120)
    speeches_per_motion = _number(_l("Speeches per person per motion"), 1, 10, 2)
    publicity_days = _number(_l("Days the minutes are posted for comments (公示)"), 1, 60, 7)


class AgendaItemForm(BaseForm):
    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Enter a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    time_box_minutes = _number(_l("Time box (minutes)"), 1, 240, 15)
    presenter = StringField(_l("Presenter"), validators=[Length(max=60)])
    ref = SelectField(_l("Linked ballot or proposal"), choices=choices([("", _l("Nothing"))]),
                      validators=[Optional()],
                      description=_l("Pick the ballot or proposal this item discusses."))

    def set_ref_choices(self, links):
        """The compound's ballots and proposals, by title, as ``kind:id``."""
        kinds = {"ballot": _l("Ballot"), "proposal": _l("Proposal")}
        self.ref.choices = choices([("", _l("Nothing"))] + [
            (f"{link.kind}:{link.id}", _l("%(kind)s: %(title)s (%(status)s)",
                                          kind=kinds[link.kind], title=link.title,
                                          status=link.summary))
            for link in links])

    def refs(self):
        kind, _sep, ident = (self.ref.data or "").partition(":")
        return [(kind, int(ident))] if kind and ident.isdigit() else []


class SuggestionForm(BaseForm):
    title = StringField(_l("What should the meeting discuss?"), validators=[
        DataRequired(message=_l("Enter a title.")), Length(max=200)])
    description = TextAreaField(_l("Why (optional)"), validators=[Length(max=4000)])


class DeclineForm(BaseForm):
    reason = TextAreaField(_l("Reason for declining"), validators=[
        DataRequired(message=_l("Give the resident a reason.")), Length(max=2000)])


class MotionForm(BaseForm):
    text = TextAreaField(_l("Your motion"), validators=[
        DataRequired(message=_l("Write the motion: what exactly should the meeting decide?")),
        Length(max=2000)], description=_l("One concrete proposal, e.g. “Build the bike shed "
                                          "on the east side of building 3.”"))


class FloorForm(BaseForm):
    side = RadioField(_l("You speak"), choices=choices((s.name, s.value) for s in Side),
                      validators=[DataRequired(message=_l("Say whether you speak for or "
                                                          "against."))])


class VoteForm(BaseForm):
    """The hands counted in the room, added to the votes cast on phones
    (0 each when everyone voted on a phone)."""
    votes_for = _number(_l("For"), 0, 100000, 0)
    votes_against = _number(_l("Against"), 0, 100000, 0)
    votes_abstain = _number(_l("Abstain"), 0, 100000, 0)


class ActionForm(BaseForm):
    text = StringField(_l("What is to be done"), validators=[
        DataRequired(message=_l("Say what is to be done.")), Length(max=300)])
    owner_id = SelectField(_l("Who does it"), coerce=int)
    due_on = DateField(_l("Due by"), validators=[
        InputRequired(message=_l("Enter a date."))])


class MinutesForm(BaseForm):
    text = TextAreaField(_l("Minutes"), validators=[
        DataRequired(message=_l("The minutes cannot be empty.")), Length(max=50000)],
        render_kw={"rows": 24})


class CommentForm(BaseForm):
    body = TextAreaField(_l("Your comment"), validators=[
        DataRequired(message=_l("Write your comment.")), Length(max=4000)])

"""Needs surveys (改造意愿征集), household plans (一户一策) and on-site
supervision (旁站监督)."""
import enum

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import TimestampMixin


class SurveyStatus(enum.Enum):
    open = _l("Open")
    closed = _l("Closed")


class NeedsSurvey(TimestampMixin, db.Model):
    """A survey of renovation wishes for one compound (改造意愿征集)."""
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    title = db.Column(db.String(160), nullable=False)
    status = db.Column(db.Enum(SurveyStatus, native_enum=False, length=16), nullable=False,
                       default=SurveyStatus.open)
    opened_by_id = db.Column(db.ForeignKey("user.id"))
    closed_at = db.Column(db.DateTime)
    compound = db.relationship("Compound")
    options = db.relationship("SurveyOption", back_populates="survey",
                              order_by="SurveyOption.id", cascade="all, delete-orphan")

    def can_manage(self, user):
        return self.compound.can_manage(user)

    def can_view(self, user):
        """Managers see results; residents of the compound answer it."""
        return self.can_manage(user) or bool(
            user and user.is_authenticated and self.compound_id in user.compound_ids())


class SurveyOption(db.Model):
    """A scope item households may ask for."""
    id = db.Column(db.Integer, primary_key=True)
    survey_id = db.Column(db.ForeignKey("needs_survey.id"), nullable=False, index=True)
    kind = db.Column(db.String(24), nullable=False)
    title = db.Column(db.String(160), nullable=False)
    survey = db.relationship(NeedsSurvey, back_populates="options")

    @property
    def display_title(self):
        from .models import kind_label
        return self.title or kind_label(self.kind)


class ResponseStatus(enum.Enum):
    answered = _l("Answered")
    absent = _l("Visited, nobody home")


survey_choice = db.Table(
    "survey_choice",
    db.Column("response_id", db.ForeignKey("survey_response.id"), primary_key=True),
    db.Column("option_id", db.ForeignKey("survey_option.id"), primary_key=True),
)


class SurveyResponse(TimestampMixin, db.Model):
    """One household's answer, given on a phone or taken on a door-to-door
    visit ("visited by X on date, absent/answered").  One per household."""
    __table_args__ = (db.UniqueConstraint("survey_id", "household_id"),)
    id = db.Column(db.Integer, primary_key=True)
    survey_id = db.Column(db.ForeignKey("needs_survey.id"), nullable=False, index=True)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False, index=True)
    status = db.Column(db.Enum(ResponseStatus, native_enum=False, length=16), nullable=False)
    problems = db.Column(db.Text, nullable=False, default="")
    answered_by_id = db.Column(db.ForeignKey("user.id"))
    visited_by_id = db.Column(db.ForeignKey("user.id"))
    visited_on = db.Column(db.Date)
    survey = db.relationship(NeedsSurvey)
    household = db.relationship("Household")
    visited_by = db.relationship("User", foreign_keys=[visited_by_id])
    answered_by = db.relationship("User", foreign_keys=[answered_by_id])
    choices = db.relationship(SurveyOption, secondary=survey_choice, order_by=SurveyOption.id)


class PlanStatus(enum.Enum):
    to_visit = _l("To visit")
    visited = _l("Visited")
    agreed = _l("Agreed")
    scheduled = _l("Scheduled")
    in_work = _l("Work in the home")
    restored = _l("Restored")
    warranty_signed = _l("Warranty signed")


class Restoration(enum.Enum):
    basic = _l("Basic standard")
    above_basic = _l("Above basic, owner pays the difference")


class HouseholdPlan(TimestampMixin, db.Model):
    """One plan per household (一户一策) within a project."""
    __table_args__ = (db.UniqueConstraint("project_id", "household_id"),)
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.ForeignKey("renovation_project.id"), nullable=False, index=True)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False, index=True)
    status = db.Column(db.Enum(PlanStatus, native_enum=False, length=16), nullable=False,
                       default=PlanStatus.to_visit)
    needs = db.Column(db.Text, nullable=False, default="")
    concerns = db.Column(db.Text, nullable=False, default="")
    concern_category = db.Column(db.String(24), nullable=False, default="other")
    concerns_resolved = db.Column(db.Boolean, nullable=False, default=False)
    enters_home = db.Column(db.Boolean, nullable=False, default=False)
    window_start = db.Column(db.Date)
    window_end = db.Column(db.Date)
    relocates = db.Column(db.Boolean, nullable=False, default=False)
    relocation_place = db.Column(db.String(200), nullable=False, default="")
    relocation_from = db.Column(db.Date)
    relocation_to = db.Column(db.Date)
    elderly = db.Column(db.Boolean, nullable=False, default=False)
    mobility = db.Column(db.Boolean, nullable=False, default=False)
    restoration = db.Column(db.Enum(Restoration, native_enum=False, length=16), nullable=False,
                            default=Restoration.basic)
    owner_pays = db.Column(db.Numeric(10, 2))
    project = db.relationship("RenovationProject")
    household = db.relationship("Household")
    visits = db.relationship("PlanVisit", back_populates="plan", order_by="PlanVisit.id",
                             cascade="all, delete-orphan")

    def can_view(self, user):
        if not (user and user.is_authenticated):
            return False
        return self.household_id in user.household_ids() or self.project.can_see_plans(user)

    def can_edit(self, user):
        """Only the community's managers edit plans; contractors read them."""
        return self.project.can_manage(user)

    @property
    def has_open_concerns(self):
        return bool(self.concerns.strip()) and not self.concerns_resolved


class PlanVisit(TimestampMixin, db.Model):
    """A door-to-door visit for a plan: who, when, what was said."""
    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.ForeignKey("household_plan.id"), nullable=False, index=True)
    visited_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    visited_on = db.Column(db.Date, nullable=False)
    note = db.Column(db.String(500), nullable=False, default="")
    plan = db.relationship(HouseholdPlan, back_populates="visits")
    visited_by = db.relationship("User")


class SupervisionStep(TimestampMixin, db.Model):
    """A work step residents may supervise on site (旁站监督), e.g. the
    excavation in a given flat."""
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.ForeignKey("renovation_project.id"), nullable=False, index=True)
    household_id = db.Column(db.ForeignKey("household.id"), index=True)
    title = db.Column(db.String(160), nullable=False)
    scheduled_on = db.Column(db.Date, nullable=False)
    created_by_id = db.Column(db.ForeignKey("user.id"))
    project = db.relationship("RenovationProject")
    household = db.relationship("Household")
    signups = db.relationship("SupervisionSignup", back_populates="step",
                              order_by="SupervisionSignup.id", cascade="all, delete-orphan")
    observations = db.relationship("Observation", back_populates="step",
                                   order_by="Observation.id", cascade="all, delete-orphan")

    def can_view(self, user):
        return self.project.compound.is_member(user)

    def can_plan(self, user):
        return self.project.can_record_progress(user)

    def is_supervisor(self, user):
        return bool(user and user.is_authenticated) and any(
            s.user_id == user.id for s in self.signups)

    def can_observe(self, user):
        return self.is_supervisor(user) or self.project.can_manage(user)


class SupervisionSignup(TimestampMixin, db.Model):
    __table_args__ = (db.UniqueConstraint("step_id", "user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    step_id = db.Column(db.ForeignKey("supervision_step.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    step = db.relationship(SupervisionStep, back_populates="signups")
    user = db.relationship("User")


class Observation(TimestampMixin, db.Model):
    """What a supervisor saw; a problem becomes a ticket routed to the
    construction party (``ticket_id``), or says why it did not."""
    id = db.Column(db.Integer, primary_key=True)
    step_id = db.Column(db.ForeignKey("supervision_step.id"), nullable=False, index=True)
    author_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    text = db.Column(db.Text, nullable=False)
    is_problem = db.Column(db.Boolean, nullable=False, default=False)
    category = db.Column(db.String(24), nullable=False, default="other")
    ticket_id = db.Column(db.Integer)
    ticket_note = db.Column(db.String(300), nullable=False, default="")
    step = db.relationship(SupervisionStep, back_populates="observations")
    author = db.relationship("User")

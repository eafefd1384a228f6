"""Renovation projects (老旧小区改造): scope, progress in the project's own units,
notices and warranty agreements (保修协议) — DESIGN §1 follow-up and §3."""
import enum
from datetime import date

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import TimestampMixin
from ..percent import percent_number


def lock(row):
    """Take ``row``'s lock and read it again under it, before a check whose
    write must not race another request's: a survey's answers (one per
    household), a project's plans (one per household), a plan's or a
    project's status (each step taken once).  Concurrent requests queue on
    the row and each sees what the one before it wrote (DESIGN §8).
    PostgreSQL: ``FOR NO KEY UPDATE`` held to the commit; SQLite serializes
    write requests itself.  What the session holds is flushed first."""
    db.session.flush()
    db.session.refresh(row, with_for_update={"key_share": True})
    return row


class ScopeClass(enum.Enum):
    """Beijing's three classes of renovation content."""
    basic = _l("Basic class")
    improvement = _l("Improvement class")
    upgrade = _l("Upgrade class")


# Scope kinds: the ticket category codes where they apply, so warranties and
# tickets speak of the same parts, plus kinds tickets do not route by.
SCOPE_KINDS = {
    "water_drainage": _l("Water supply and drainage"),
    "facade_ac": _l("Facade / air-conditioner brackets"),
    "insulation": _l("Insulation"),
    "roads": _l("Roads"),
    "rain_sewage": _l("Rain/sewage separation"),
    "charging_piles": _l("Charging piles"),
    "bike_sheds": _l("Bike sheds"),
    "trash_stations": _l("Trash stations"),
    "greenery": _l("Greenery"),
    "elevator": _l("Elevator"),
    "accessibility": _l("Accessibility"),
    "lighting": _l("Lighting"),
    "other": _l("Other"),
}


NOISE_LABEL = _l("Noise")


def kind_label(code):
    """The label of a scope kind or ticket category code."""
    if code == "noise":
        return str(NOISE_LABEL)
    return str(SCOPE_KINDS.get(code, code))


class ProjectStatus(enum.Enum):
    planned = _l("Planned")
    in_progress = _l("In progress")
    suspended = _l("Suspended")
    completed = _l("Completed")
    cancelled = _l("Cancelled")


class RenovationProject(TimestampMixin, db.Model):
    """A renovation project of one compound."""
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    name = db.Column(db.String(160), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    implementing_body_id = db.Column(db.ForeignKey("organisation.id"), index=True)
    construction_party_id = db.Column(db.ForeignKey("organisation.id"), index=True)
    planned_start = db.Column(db.Date)
    planned_end = db.Column(db.Date)
    actual_start = db.Column(db.Date)
    actual_end = db.Column(db.Date)
    status = db.Column(db.Enum(ProjectStatus, native_enum=False, length=16), nullable=False,
                       default=ProjectStatus.planned)
    compound = db.relationship("Compound")
    implementing_body = db.relationship("Organisation", foreign_keys=[implementing_body_id])
    construction_party = db.relationship("Organisation", foreign_keys=[construction_party_id])
    scope_items = db.relationship("ScopeItem", back_populates="project",
                                  order_by="ScopeItem.id", cascade="all, delete-orphan")
    measures = db.relationship("ProgressMeasure", back_populates="project",
                               order_by="ProgressMeasure.id", cascade="all, delete-orphan")

    def can_view(self, user):
        """The project page is public: what, by whom, when, how far along."""
        return True

    def can_manage(self, user):
        """Secretaries of the compound's community and its street office."""
        return self.compound.can_manage(user)

    def is_contractor(self, user):
        return bool(user and user.is_authenticated and self.construction_party_id
                    and user.is_staff_of(self.construction_party_id))

    def can_record_progress(self, user):
        return self.can_manage(user) or self.is_contractor(user)

    def can_see_plans(self, user):
        """Household plans: managers and the construction party's staff."""
        return self.can_manage(user) or self.is_contractor(user)


class ScopeItem(db.Model):
    """One thing the project does, with its class and kind."""
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.ForeignKey("renovation_project.id"), nullable=False, index=True)
    scope_class = db.Column(db.Enum(ScopeClass, native_enum=False, length=16), nullable=False)
    kind = db.Column(db.String(24), nullable=False)
    title = db.Column(db.String(160), nullable=False)
    project = db.relationship(RenovationProject, back_populates="scope_items")

    @property
    def kind_label(self):
        return kind_label(self.kind)

    @property
    def display_title(self):
        return self.title or self.kind_label


class ProgressMeasure(db.Model):
    """Progress in the project's own units, e.g. risers 39/49."""
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.ForeignKey("renovation_project.id"), nullable=False, index=True)
    name = db.Column(db.String(60), nullable=False)
    total = db.Column(db.Integer, nullable=False)
    project = db.relationship(RenovationProject, back_populates="measures")
    entries = db.relationship("ProgressEntry", back_populates="measure",
                              order_by="(ProgressEntry.recorded_on, ProgressEntry.id)",
                              cascade="all, delete-orphan")

    @property
    def latest(self):
        """The reading with the latest date (entries added this session included)."""
        return max(self.entries, key=lambda e: (e.recorded_on, e.id or 0), default=None)

    @property
    def done(self):
        return self.latest.done if self.entries else 0

    @property
    def percent(self):
        # Judged against completion: towards the verdict, so 199 of 200 reads 99 %.
        return int(percent_number(self.done, self.total, 0, towards=self.done >= self.total)) \
            if self.total else 0


class ProgressEntry(TimestampMixin, db.Model):
    """A dated reading of one measure: how many units are done."""
    id = db.Column(db.Integer, primary_key=True)
    measure_id = db.Column(db.ForeignKey("progress_measure.id"), nullable=False, index=True)
    recorded_on = db.Column(db.Date, nullable=False)
    done = db.Column(db.Integer, nullable=False)
    note = db.Column(db.String(300), nullable=False, default="")
    recorded_by_id = db.Column(db.ForeignKey("user.id"))
    measure = db.relationship(ProgressMeasure, back_populates="entries")
    recorded_by = db.relationship("User")


class ProjectNotice(TimestampMixin, db.Model):
    """A notice posted by staff on the public project page."""
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.ForeignKey("renovation_project.id"), nullable=False, index=True)
    title = db.Column(db.String(160), nullable=False)
    body = db.Column(db.Text, nullable=False, default="")
    posted_by_id = db.Column(db.ForeignKey("user.id"))
    project = db.relationship(RenovationProject)
    posted_by = db.relationship("User")


class WarrantyAgreement(TimestampMixin, db.Model):
    """A warranty agreement (保修协议) with the construction party, for one
    household or for one building's common parts."""
    __table_args__ = (db.CheckConstraint("household_id IS NULL OR building_id IS NULL",
                                         name="ck_warranty_one_place"),)
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.ForeignKey("renovation_project.id"), nullable=False, index=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    organisation_id = db.Column(db.ForeignKey("organisation.id"), nullable=False, index=True)
    household_id = db.Column(db.ForeignKey("household.id"), index=True)
    building_id = db.Column(db.ForeignKey("building.id"), index=True)
    title = db.Column(db.String(160), nullable=False)
    signed_on = db.Column(db.Date, nullable=False)
    recorded_by_id = db.Column(db.ForeignKey("user.id"))
    project = db.relationship(RenovationProject)
    organisation = db.relationship("Organisation")
    household = db.relationship("Household")
    building = db.relationship("Building")
    parts = db.relationship("WarrantyPart", back_populates="warranty",
                            order_by="WarrantyPart.id", cascade="all, delete-orphan")

    @property
    def ends_on(self):
        return max((p.ends_on for p in self.parts), default=None)

    def can_view(self, user):
        if not (user and user.is_authenticated):
            return False
        if self.project.can_manage(user) or user.is_staff_of(self.organisation_id):
            return True
        if self.household_id is not None:
            return self.household_id in user.household_ids()
        return any(r.household.building_id == self.building_id for r in user.resident_roles())


class WarrantyPart(db.Model):
    """One covered part: a scope kind / ticket category code, its start and
    period.  ``ends_on`` is the last day covered (inclusive)."""
    id = db.Column(db.Integer, primary_key=True)
    warranty_id = db.Column(db.ForeignKey("warranty_agreement.id"), nullable=False, index=True)
    kind = db.Column(db.String(24), nullable=False, index=True)
    starts_on = db.Column(db.Date, nullable=False)
    period_months = db.Column(db.Integer, nullable=False)
    ends_on = db.Column(db.Date, nullable=False, index=True)
    warranty = db.relationship(WarrantyAgreement, back_populates="parts")

    @property
    def kind_label(self):
        return kind_label(self.kind)

    def covers(self, day: date):
        return self.starts_on <= day <= self.ends_on

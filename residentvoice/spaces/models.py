"""Vacated spaces (腾退空间) and residents' proposals for their use (DESIGN §1, §3).

Support, comments and flags live in ``discussion_models``."""
import enum

from flask_babel import lazy_gettext as _l

from sqlalchemy.orm import declared_attr

from ..extensions import db
from ..models import TimestampMixin, utcnow


class SpaceStatus(enum.Enum):
    vacated = _l("Vacated")
    deliberating = _l("Under deliberation")
    decided = _l("Decided")
    under_construction = _l("Under construction")
    in_use = _l("In use")


class SpaceOrigin(enum.Enum):
    illegal_structure = _l("Demolished illegal structure")
    vacated_room = _l("Vacated room or shed")
    unused_ground = _l("Unused ground")
    other = _l("Other")


class ProposalKind(enum.Enum):
    charging_piles = _l("Charging piles")
    bike_shed = _l("Bike shed")
    trash_station = _l("Trash station")
    flower_boxes = _l("Flower boxes")
    other = _l("Other")


class Payer(enum.Enum):
    renovation_fund = _l("Renovation programme funds")
    maintenance_fund = _l("Special maintenance fund")
    owners = _l("Owners share the cost")
    operator = _l("An operator pays (e.g. charging company)")
    other = _l("Other")


class ProposalStatus(enum.Enum):
    draft = _l("Draft")
    submitted = _l("Submitted")
    under_review = _l("Under review")
    returned = _l("Returned for revision")
    open = _l("Open for support")
    on_agenda = _l("On a meeting agenda")
    voting = _l("Being voted on")
    accepted = _l("Accepted")
    rejected = _l("Rejected")
    withdrawn = _l("Withdrawn")
    implemented = _l("Implemented")


# Statuses in which everyone in the compound sees a proposal (it passed review).
PUBLIC_STATUSES = {ProposalStatus.open, ProposalStatus.on_agenda, ProposalStatus.voting,
                   ProposalStatus.accepted, ProposalStatus.rejected, ProposalStatus.implemented}
# Statuses in which households may support it and people discuss it.
SUPPORTABLE = {ProposalStatus.open, ProposalStatus.on_agenda, ProposalStatus.voting}
EDITABLE = {ProposalStatus.draft, ProposalStatus.returned}


class CheckResult(enum.Enum):
    ok = _l("Complies")
    problem = _l("Does not comply")
    not_applicable = _l("Not applicable")


def _enum(cls, length=24):
    return db.Enum(cls, native_enum=False, length=length)


class StatusChange:
    """What a step of a status history records beside the object and its two
    statuses: the action, who took it (None: the system), why and when.
    Spaces and proposals each keep theirs in their own table, with a foreign
    key to their object and their own status enum."""
    action = db.Column(db.String(32), nullable=False)
    actor_id = db.Column(db.ForeignKey("user.id"))
    reason = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    @declared_attr
    def actor(cls):
        return db.relationship("User")


class Space(TimestampMixin, db.Model):
    """A vacated common space (腾退空间) of a compound, e.g. where an illegal
    structure was demolished."""
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    name = db.Column(db.String(120), nullable=False)
    location = db.Column(db.String(300), nullable=False, default="")
    area_m2 = db.Column(db.Numeric(10, 2), nullable=False)
    origin = db.Column(_enum(SpaceOrigin), nullable=False, default=SpaceOrigin.illegal_structure)
    description = db.Column(db.Text, nullable=False, default="")
    latitude = db.Column(db.Numeric(9, 6))
    longitude = db.Column(db.Numeric(9, 6))
    status = db.Column(_enum(SpaceStatus), nullable=False, default=SpaceStatus.vacated)
    created_by_id = db.Column(db.ForeignKey("user.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    compound = db.relationship("Compound")
    created_by = db.relationship("User")
    history = db.relationship("SpaceStatusChange", order_by="SpaceStatusChange.id",
                              back_populates="space")
    progress = db.relationship("SpaceProgress", order_by="SpaceProgress.id",
                               back_populates="space")

    def can_view(self, user):
        """Everyone in the compound: residents, secretaries, street office, organisations."""
        return self.compound.is_member(user)

    def can_manage(self, user):
        """Secretaries of its community and the street office over it."""
        return self.compound.can_manage(user)

    def can_propose(self, user):
        return self.can_manage(user) or (
            bool(user) and user.is_authenticated and self.compound_id in user.compound_ids())

    @property
    def community_id(self):
        return self.compound.community_id

    @property
    def has_position(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def latest_progress(self):
        return self.progress[-1] if self.progress else None

    @property
    def path(self):
        return f"/spaces/{self.id}"


class SpaceStatusChange(StatusChange, db.Model):
    """One step of a space's status history: who, when, why."""
    id = db.Column(db.Integer, primary_key=True)
    space_id = db.Column(db.ForeignKey("space.id"), nullable=False, index=True)
    from_status = db.Column(_enum(SpaceStatus))
    to_status = db.Column(_enum(SpaceStatus), nullable=False)
    space = db.relationship(Space, back_populates="history")


class SpaceProgress(db.Model):
    """Implementation progress of the decided use: percent, dates, note, photos
    (uploads with object type ``space_progress``)."""
    id = db.Column(db.Integer, primary_key=True)
    space_id = db.Column(db.ForeignKey("space.id"), nullable=False, index=True)
    percent = db.Column(db.Integer, nullable=False)
    started_on = db.Column(db.Date)
    expected_on = db.Column(db.Date)
    note = db.Column(db.Text, nullable=False, default="")
    recorded_by_id = db.Column(db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    space = db.relationship(Space, back_populates="progress")
    recorded_by = db.relationship("User")

    __table_args__ = (db.CheckConstraint("percent >= 0 AND percent <= 100",
                                         name="ck_space_progress_percent"),)


class ProposalContent:
    """What a proposal says; kept for each submitted revision too."""
    kind = db.Column(_enum(ProposalKind), nullable=False)
    title = db.Column(db.String(120), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    quantity = db.Column(db.Integer)
    estimated_cost = db.Column(db.Numeric(12, 2))  # yuan
    payer = db.Column(_enum(Payer))


class Proposal(ProposalContent, TimestampMixin, db.Model):
    """A proposal for the use of a space, by a resident or by a secretary on
    behalf of residents."""
    id = db.Column(db.Integer, primary_key=True)
    space_id = db.Column(db.ForeignKey("space.id"), nullable=False, index=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    status = db.Column(_enum(ProposalStatus), nullable=False, default=ProposalStatus.draft,
                       index=True)
    proposer_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    on_behalf_of = db.Column(db.String(200), nullable=False, default="")
    revision = db.Column(db.Integer, nullable=False, default=1)
    submitted_at = db.Column(db.DateTime)
    opened_at = db.Column(db.DateTime)
    decided_at = db.Column(db.DateTime)
    # References into other features, kept as plain ids (signals.links_wanted): no foreign keys.
    meeting_id = db.Column(db.Integer)
    ballot_id = db.Column(db.Integer, index=True)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    space = db.relationship(Space, backref=db.backref("proposals", order_by="Proposal.id"))
    compound = db.relationship("Compound")
    proposer = db.relationship("User")
    history = db.relationship("ProposalStatusChange", order_by="ProposalStatusChange.id",
                              back_populates="proposal")
    reviews = db.relationship("ProposalReview", order_by="ProposalReview.id",
                              back_populates="proposal")
    revisions = db.relationship("ProposalRevision", order_by="ProposalRevision.number",
                                back_populates="proposal")

    @property
    def is_public(self):
        return self.status in PUBLIC_STATUSES or (
            self.status is ProposalStatus.withdrawn and self.opened_at is not None)

    def is_proposer(self, user):
        return bool(user) and user.is_authenticated and user.id == self.proposer_id

    def can_view(self, user):
        """Reviewed proposals: the whole compound; submitted ones: also the
        secretaries; drafts: only the proposer."""
        if self.is_proposer(user):
            return True
        if not self.space.can_view(user):
            return False
        return self.is_public or (self.status is not ProposalStatus.draft
                                  and self.space.can_manage(user))

    def can_manage(self, user):
        return self.space.can_manage(user)

    def can_edit(self, user):
        return self.is_proposer(user)

    def can_support(self, user):
        """Support is given by a household of the compound."""
        return bool(user) and user.is_authenticated and self.compound_id in user.compound_ids()

    def can_comment(self, user):
        return self.can_support(user) or self.can_manage(user) or self.is_proposer(user)

    @property
    def latest_review(self):
        return self.reviews[-1] if self.reviews else None

    @property
    def path(self):
        """The page's path without url_for, so notifications can be written outside
        a request (demo loader, the ballot.closed event from a CLI command)."""
        return f"/spaces/proposals/{self.id}"


class ProposalStatusChange(StatusChange, db.Model):
    """One step of a proposal's status history: who, when, why."""
    id = db.Column(db.Integer, primary_key=True)
    proposal_id = db.Column(db.ForeignKey("proposal.id"), nullable=False, index=True)
    from_status = db.Column(_enum(ProposalStatus))
    to_status = db.Column(_enum(ProposalStatus), nullable=False)
    proposal = db.relationship(Proposal, back_populates="history")


class ProposalRevision(ProposalContent, db.Model):
    """What the proposer submitted each time (revision history)."""
    id = db.Column(db.Integer, primary_key=True)
    proposal_id = db.Column(db.ForeignKey("proposal.id"), nullable=False, index=True)
    number = db.Column(db.Integer, nullable=False)
    author_id = db.Column(db.ForeignKey("user.id"))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    proposal = db.relationship(Proposal, back_populates="revisions")
    author = db.relationship("User")

    __table_args__ = (db.UniqueConstraint("proposal_id", "number"),)


# The compliance checklist (合规审查): column name → label.
CHECKS = {
    "fire_lanes": _l("Fire lanes kept clear"),
    "window_distance": _l("Distance to windows and doors"),
    "electrical_capacity": _l("Electrical capacity for charging"),
    "accessibility": _l("No obstruction of access for the disabled"),
    "other": _l("Other"),
}


class ProposalReview(db.Model):
    """A secretary's compliance review of one revision: the checklist and the
    outcome (opened, or returned with a reason the proposer sees)."""
    id = db.Column(db.Integer, primary_key=True)
    proposal_id = db.Column(db.ForeignKey("proposal.id"), nullable=False, index=True)
    revision = db.Column(db.Integer, nullable=False)
    reviewer_id = db.Column(db.ForeignKey("user.id"))
    outcome = db.Column(db.String(16), nullable=False)  # opened | returned
    fire_lanes = db.Column(_enum(CheckResult, 16), nullable=False)
    window_distance = db.Column(_enum(CheckResult, 16), nullable=False)
    electrical_capacity = db.Column(_enum(CheckResult, 16), nullable=False)
    accessibility = db.Column(_enum(CheckResult, 16), nullable=False)
    other = db.Column(_enum(CheckResult, 16), nullable=False)
    notes = db.Column(db.Text, nullable=False, default="")
    reason = db.Column(db.Text, nullable=False, default="")
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    proposal = db.relationship(Proposal, back_populates="reviews")
    reviewer = db.relationship("User")

    @property
    def checklist(self):
        return [(name, label, getattr(self, name)) for name, label in CHECKS.items()]

    @property
    def opened(self):
        return self.outcome == "opened"

"""Support progress (issue 19 §5): how far a proposal is from the support it
needs to go before the resident council — a number of supporting households
the compound's secretaries set (上会门槛).  Shown as text ("12 / 20 户支持")
with a bar beside it, so it reads without colour."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..directory.models import Household
from ..errors_domain import InvalidInput, NotAllowed
from ..extensions import db
from ..models import utcnow


class SupportThreshold(db.Model):
    """The supporting households a proposal of the compound needs before it
    goes to the council.  None set: the page shows the count alone."""
    __tablename__ = "support_threshold"
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, unique=True)
    households = db.Column(db.Integer, nullable=False)
    set_by_id = db.Column(db.ForeignKey("user.id"))
    set_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    set_by = db.relationship("User")

    __table_args__ = (db.CheckConstraint("households > 0", name="ck_support_threshold_positive"),)


@dataclass
class Progress:
    count: int
    needed: int | None

    @property
    def reached(self):
        return self.needed is not None and self.count >= self.needed

    @property
    def missing(self):
        return max(0, (self.needed or 0) - self.count)

    @property
    def percent(self):
        """For the bar's width only (the text carries the figures): whole
        percent, capped at 100."""
        if not self.needed:
            return 0
        return min(100, self.count * 100 // self.needed)


def threshold_of(compound_id):
    return db.session.scalar(db.select(SupportThreshold)
                             .where(SupportThreshold.compound_id == compound_id))


def progress(proposal, count):
    threshold = threshold_of(proposal.compound_id)
    return Progress(count, threshold.households if threshold else None)


def household_count(compound_id):
    return db.session.scalar(db.select(db.func.count(Household.id))
                             .where(Household.compound_id == compound_id))


def set_threshold(actor, compound, households):
    """The compound's secretaries (or the street office) set the number of
    supporting households; between 1 and the compound's households; ``None``
    removes it."""
    if not compound.can_manage(actor):
        raise NotAllowed(_l("Only the compound's secretaries set the support needed."))
    existing = threshold_of(compound.id)
    old = existing.households if existing else None
    if households is None:
        if existing is not None:
            db.session.delete(existing)
    else:
        total = household_count(compound.id)
        if not isinstance(households, int) or households < 1 or (total and households > total):
            raise InvalidInput(_l("Enter a number of households from 1 to %(n)d.", n=total or 1),
                               "households")
        if existing is None:
            existing = SupportThreshold(compound_id=compound.id, households=households)
            db.session.add(existing)
        existing.households = households
        existing.set_by_id = actor.id
        existing.set_at = utcnow()
    db.session.flush()
    record(actor, "spaces.support_threshold", compound, summary=compound.name,
           changes={"households": (old, households)}, community_id=compound.community_id)
    return existing if households is not None else None

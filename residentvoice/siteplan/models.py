"""A compound's site plan and the points marked on it."""
from ..extensions import db
from ..models import utcnow


class SitePlan(db.Model):
    """One plan image per compound (an upload; replacing it keeps the marks,
    which are fractions of the picture)."""
    __tablename__ = "site_plan"
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, unique=True)
    upload_id = db.Column(db.ForeignKey("upload.id"), nullable=False)
    width = db.Column(db.Integer, nullable=False)
    height = db.Column(db.Integer, nullable=False)
    updated_by_id = db.Column(db.ForeignKey("user.id"))
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    compound = db.relationship("Compound")
    marks = db.relationship("PlanMark", back_populates="plan", order_by="PlanMark.id",
                            cascade="all, delete-orphan")


class PlanMark(db.Model):
    """A building or a space placed on the plan: x and y as fractions (0–1)
    of the picture's width and height, never shown as numbers."""
    __tablename__ = "plan_mark"
    id = db.Column(db.Integer, primary_key=True)
    plan_id = db.Column(db.ForeignKey("site_plan.id"), nullable=False, index=True)
    building_id = db.Column(db.ForeignKey("building.id"))
    space_id = db.Column(db.ForeignKey("space.id"))
    x = db.Column(db.Float, nullable=False)
    y = db.Column(db.Float, nullable=False)
    plan = db.relationship(SitePlan, back_populates="marks")
    building = db.relationship("Building")
    space = db.relationship("Space")

    __table_args__ = (
        db.UniqueConstraint("plan_id", "building_id"),
        db.UniqueConstraint("plan_id", "space_id"),
        db.CheckConstraint("(building_id IS NULL) <> (space_id IS NULL)",
                           name="ck_plan_mark_one_target"),
        db.CheckConstraint("x >= 0 AND x <= 1 AND y >= 0 AND y <= 1",
                           name="ck_plan_mark_inside"),
    )

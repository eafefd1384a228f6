"""Renovation progress as a timeline (issue 19 §8): each building's dated
steps, each with its photos and whether it shows the building before, during
or after the work — what residents can check, not only counters."""
import enum
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..dates import beijing_today
from ..errors_domain import InvalidInput, NotAllowed
from ..extensions import db
from ..models import TimestampMixin
from ..uploads import services as uploads
from ..uploads.models import Upload
from ..uploads.services import register_view_check

MAX_PHOTOS = 4
PHOTO_TYPE = "renovation_milestone"


class Stage(enum.Enum):
    before = _l("Before the work")
    during = _l("During the work")
    after = _l("After the work")


class Milestone(TimestampMixin, db.Model):
    """One dated step of a building's renovation, with photos (uploads of
    type ``renovation_milestone``)."""
    __tablename__ = "renovation_milestone"
    __table_args__ = (db.Index("ix_renovation_milestone_building", "project_id", "building_id",
                               "happened_on"),)
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.ForeignKey("renovation_project.id"), nullable=False)
    building_id = db.Column(db.ForeignKey("building.id"), nullable=False)
    happened_on = db.Column(db.Date, nullable=False)
    stage = db.Column(db.Enum(Stage, native_enum=False, length=8), nullable=False)
    title = db.Column(db.String(120), nullable=False)
    note = db.Column(db.Text, nullable=False, default="")
    recorded_by_id = db.Column(db.ForeignKey("user.id"))
    project = db.relationship("RenovationProject")
    building = db.relationship("Building")
    recorded_by = db.relationship("User")


def _visible(object_id, user):
    """Timeline photos are seen by whoever may see the project (its page is public)."""
    milestone = db.session.get(Milestone, object_id)
    return milestone is not None and milestone.project.can_view(user)


register_view_check(PHOTO_TYPE, _visible)



def add_milestone(actor, project, building, *, happened_on, stage, title, note="", photos=(),
                  today=None):
    """Managers and the construction party record a step of one building of
    the project's compound; at most ``MAX_PHOTOS`` photos, checked by uploads."""
    if not project.can_record_progress(actor):
        raise NotAllowed(_l("Only the community office and the construction party record steps."))
    if building.compound_id != project.compound_id:
        raise InvalidInput(_l("Choose a building of this compound."), "building_id")
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise InvalidInput(_l("Say in a few words what was done."), "title")
    if stage not in Stage.__members__:
        raise InvalidInput(_l("Choose before, during or after."), "stage")
    if not isinstance(happened_on, date) or happened_on > (today or beijing_today()):
        raise InvalidInput(_l("Enter the date it happened (not in the future)."), "happened_on")
    photos = [p for p in photos if p and getattr(p, "filename", None)]
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(_l("At most %(n)d photos.", n=MAX_PHOTOS), "photos")
    milestone = Milestone(project_id=project.id, building_id=building.id, happened_on=happened_on,
                          stage=Stage[stage], title=title, note=(note or "").strip(),
                          recorded_by_id=actor.id)
    db.session.add(milestone)
    db.session.flush()
    for photo in photos:
        uploads.store(photo, actor=actor, object_type=PHOTO_TYPE, object_id=milestone.id)
    record(actor, "renovation.milestone_recorded", milestone, summary=title,
           community_id=project.compound.community_id)
    return milestone


def timeline(project, building):
    """``[(milestone, [photos])]`` oldest first: the building's story."""
    milestones = db.session.scalars(db.select(Milestone).where(
        Milestone.project_id == project.id, Milestone.building_id == building.id)
        .order_by(Milestone.happened_on, Milestone.id)
        .options(selectinload(Milestone.recorded_by))).all()
    photos = {}
    if milestones:
        rows = db.session.scalars(db.select(Upload).where(
            Upload.object_type == PHOTO_TYPE,
            Upload.object_id.in_([m.id for m in milestones])).order_by(Upload.id)).all()
        for row in rows:
            photos.setdefault(row.object_id, []).append(row)
    return [(m, photos.get(m.id, [])) for m in milestones]


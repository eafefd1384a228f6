"""A building's renovation story as one dated list (issue 19 §8): the steps
posted with photos (``timeline.Milestone``) together with what the project
already records — progress readings, supervision steps in the building's
flats (or the whole compound's) with their observations, and the project's
notices.  Each entry says when (Beijing day), who posted it (the
organisation, never a resident's name), what phase of the work it shows,
whether it is about this building or the whole compound, and its photos."""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..dates import SHANGHAI, shift
from ..directory.models import Building, Household
from ..extensions import db
from ..uploads.models import Upload
from . import timeline
from .models import ProgressEntry, ProgressMeasure, ProjectNotice
from .models_household import Observation, SupervisionStep
from .timeline import Milestone, Stage

OBSERVATION_PHOTOS = "renovation_observation"

KINDS = {
    "milestone": _l("Work step posted"),
    "progress": _l("Progress reading"),
    "step": _l("Supervised work step"),
    "observation": _l("Supervisor's observation"),
    "notice": _l("Notice"),
}
RESIDENT_SUPERVISOR = _l("A resident supervisor")


@dataclass
class Entry:
    """One dated line of the timeline.  ``moment`` (UTC) is set when the
    record carries a time of day; ``day`` is always the Beijing day."""
    kind: str
    day: date
    title: str
    who: str
    phase: Stage | None = None
    text: str = ""
    moment: datetime | None = None
    whole_compound: bool = False
    problem: bool = False
    photos: list = field(default_factory=list)
    record: object = None

    @property
    def kind_label(self):
        return KINDS[self.kind]

    @property
    def order(self):
        return (self.day, self.moment or datetime.min, self.record.id if self.record else 0)


def poster(project, user):
    """Who posted, as residents know them: the construction party, the
    community (residents' committee) or the street office."""
    if user is None:
        return ""
    if project.construction_party_id and user.is_staff_of(project.construction_party_id):
        return project.construction_party.name
    community = project.compound.community
    if user.is_secretary_of(community.id):
        return community.name
    if user.is_street_admin_of(community.street_office_id):
        return community.street_office.name
    return ""


def _beijing_day(moment):
    return shift(moment, SHANGHAI).date()


def _photos(object_type, ids):
    found = {}
    if ids:
        for row in db.session.scalars(db.select(Upload).where(
                Upload.object_type == object_type, Upload.object_id.in_(ids))
                .order_by(Upload.id)):
            found.setdefault(row.object_id, []).append(row)
    return found


def _milestones(project, building):
    return [Entry("milestone", m.happened_on, m.title, poster(project, m.recorded_by),
                  phase=m.stage, text=m.note, photos=photos, record=m)
            for m, photos in timeline.timeline(project, building)]


def _progress(project):
    rows = db.session.scalars(db.select(ProgressEntry).join(ProgressMeasure).where(
        ProgressMeasure.project_id == project.id)
        .options(selectinload(ProgressEntry.measure), selectinload(ProgressEntry.recorded_by))
    ).all()
    entries = []
    for reading in rows:
        measure = reading.measure
        phase = Stage.after if measure.total and reading.done >= measure.total else Stage.during
        title = f"{measure.name} {reading.done}/{measure.total}"
        entries.append(Entry("progress", reading.recorded_on, title,
                             poster(project, reading.recorded_by), phase=phase,
                             text=reading.note, whole_compound=True, record=reading))
    return entries


def _steps(project, building, user):
    """Steps in the building's flats and steps for the whole compound, with
    their observations, for members of the compound (as on the step page)."""
    if not project.compound.is_member(user):
        return []
    steps = db.session.scalars(db.select(SupervisionStep)
                               .outerjoin(Household, SupervisionStep.household_id == Household.id)
                               .where(SupervisionStep.project_id == project.id,
                                      db.or_(SupervisionStep.household_id.is_(None),
                                             Household.building_id == building.id))).all()
    creators = {u.id: u for u in db.session.scalars(db.select(User).where(
        User.id.in_({s.created_by_id for s in steps} - {None} or {-1})))}
    entries = [Entry("step", s.scheduled_on, s.title,
                     poster(project, creators.get(s.created_by_id)),
                     phase=Stage.during, whole_compound=s.household_id is None, record=s)
               for s in steps]
    observations = db.session.scalars(db.select(Observation).where(
        Observation.step_id.in_([s.id for s in steps] or [-1]))
        .options(selectinload(Observation.step), selectinload(Observation.author))).all()
    photos = _photos(OBSERVATION_PHOTOS, [o.id for o in observations])
    for o in observations:
        entries.append(Entry("observation", _beijing_day(o.created_at), o.step.title,
                             poster(project, o.author) or str(RESIDENT_SUPERVISOR),
                             phase=Stage.during, text=o.text, moment=o.created_at,
                             whole_compound=o.step.household_id is None,
                             problem=o.is_problem, photos=photos.get(o.id, []), record=o))
    return entries


def _notices(project):
    rows = db.session.scalars(db.select(ProjectNotice).where(
        ProjectNotice.project_id == project.id)
        .options(selectinload(ProjectNotice.posted_by))).all()
    return [Entry("notice", _beijing_day(n.created_at), n.title, poster(project, n.posted_by),
                  text=n.body, moment=n.created_at, whole_compound=True, record=n)
            for n in rows]


def entries_for(user, project, building):
    """The building's timeline as ``user`` may see it, oldest first."""
    entries = (_milestones(project, building) + _progress(project)
               + _steps(project, building, user) + _notices(project))
    return sorted(entries, key=lambda e: e.order)


@dataclass
class BuildingSummary:
    building: Building
    steps: int
    latest: Milestone | None
    mine: bool = False


def summaries(project, user):
    """For the project page: each building of the compound with how many
    steps were posted for it, the latest one (its date and phase), and
    whether ``user`` lives there (their building comes first)."""
    buildings = db.session.scalars(db.select(Building)
                                   .where(Building.compound_id == project.compound_id)
                                   .order_by(Building.number, Building.id)).all()
    milestones = db.session.scalars(db.select(Milestone).where(
        Milestone.project_id == project.id)
        .order_by(Milestone.happened_on, Milestone.id)).all()
    counts, latest = {}, {}
    for m in milestones:
        counts[m.building_id] = counts.get(m.building_id, 0) + 1
        latest[m.building_id] = m
    homes = {r.household.building_id for r in user.resident_roles()}
    found = [BuildingSummary(b, counts.get(b.id, 0), latest.get(b.id), b.id in homes)
             for b in buildings]
    return sorted(found, key=lambda s: not s.mine)

"""Renovation projects: creation, status, scope, progress and notices."""

from flask_babel import lazy_gettext as _l

from ..audit.services import diff, record
from ..dates import beijing_today
from ..directory.models import Compound, Organisation
from ..errors_domain import InvalidInput, NotAllowed
from ..extensions import db
from ..statemachine import StateMachine
from .models import (SCOPE_KINDS, ProgressEntry, ProgressMeasure, ProjectNotice,
                     ProjectStatus, RenovationProject, ScopeClass, ScopeItem, lock)

# (status, action) → new status.  Starting records the actual start date,
# completing the actual end date.
PROJECT_TRANSITIONS = {
    (ProjectStatus.planned, "start"): ProjectStatus.in_progress,
    (ProjectStatus.planned, "cancel"): ProjectStatus.cancelled,
    (ProjectStatus.in_progress, "suspend"): ProjectStatus.suspended,
    (ProjectStatus.suspended, "resume"): ProjectStatus.in_progress,
    (ProjectStatus.in_progress, "complete"): ProjectStatus.completed,
}
PROJECT_MACHINE = StateMachine(PROJECT_TRANSITIONS, _l("A project that is %(status)s cannot "
                                                       "do that."))
PROJECT_ACTION_LABELS = {
    "start": _l("Start work"), "cancel": _l("Cancel project"), "suspend": _l("Suspend"),
    "resume": _l("Resume"), "complete": _l("Mark completed"),
}

PROJECT_FIELDS = ("name", "description", "implementing_body_id", "construction_party_id",
                  "planned_start", "planned_end")


def _community(project):
    return project.compound.community_id


def _require(allowed, message=None):
    if not allowed:
        raise NotAllowed(message or _l("You may not do this."))


def _check_dates(start, end, field):
    if start and end and end < start:
        raise InvalidInput(_l("The end date cannot be before the start date."), field)


def _check_organisation(org_id, field):
    if org_id is not None and db.session.get(Organisation, org_id) is None:
        raise InvalidInput(_l("Choose an organisation from the list."), field)


def create_project(actor, compound, data):
    """A manager of the compound creates a project in status ``planned``."""
    _require(compound.can_manage(actor))
    name = (data.get("name") or "").strip()
    if not name:
        raise InvalidInput(_l("Enter a name."), "name")
    _check_dates(data.get("planned_start"), data.get("planned_end"), "planned_end")
    for field in ("implementing_body_id", "construction_party_id"):
        _check_organisation(data.get(field), field)
    project = RenovationProject(compound_id=compound.id, name=name,
                                **{f: data.get(f) for f in PROJECT_FIELDS if f != "name"})
    project.description = project.description or ""
    db.session.add(project)
    db.session.flush()
    record(actor, "renovation.project_created", project, summary=name,
           community_id=compound.community_id)
    return project


def update_project(actor, project, data):
    """Edit name, parties and planned dates (end ≥ start)."""
    _require(project.can_manage(actor))
    if "name" in data and not (data["name"] or "").strip():
        raise InvalidInput(_l("Enter a name."), "name")
    _check_dates(data.get("planned_start", project.planned_start),
                 data.get("planned_end", project.planned_end), "planned_end")
    for field in ("implementing_body_id", "construction_party_id"):
        _check_organisation(data.get(field), field)
    changes = diff(project, {k: v for k, v in data.items() if k in PROJECT_FIELDS},
                   PROJECT_FIELDS)
    if changes:
        record(actor, "renovation.project_updated", project, changes=changes,
               community_id=_community(project))
    return project


def transition_project(actor, project, action, today=None):
    """Apply ``action`` by ``PROJECT_TRANSITIONS``; only managers change status
    (under the project's lock: each step once)."""
    _require(project.can_manage(actor))
    lock(project)
    old, new = PROJECT_MACHINE.apply(project, action)
    today = today or beijing_today()
    if action == "start" and project.actual_start is None:
        project.actual_start = today
    if action == "complete":
        project.actual_end = today
    record(actor, "renovation.project_" + action, project, changes={"status": (old, new)},
           community_id=_community(project))
    return project


def add_scope_item(actor, project, *, scope_class, kind, title):
    _require(project.can_manage(actor))
    if kind not in SCOPE_KINDS:
        raise InvalidInput(_l("Choose a kind from the list."), "kind")
    if not isinstance(scope_class, ScopeClass):
        try:
            scope_class = ScopeClass[scope_class]
        except KeyError:
            raise InvalidInput(_l("Choose a class from the list."), "scope_class")
    title = (title or "").strip()  # empty: pages show the kind's label in the reader's language
    item = ScopeItem(project=project, scope_class=scope_class, kind=kind, title=title)
    db.session.add(item)
    record(actor, "renovation.scope_added", item, summary=title or kind,
           community_id=_community(project))
    return item


def add_measure(actor, project, *, name, total):
    """A progress measure in the project's own unit, e.g. "Risers", 49."""
    _require(project.can_manage(actor))
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_l("Enter a name."), "name")
    if total is None or total < 1:
        raise InvalidInput(_l("The total must be at least 1."), "total")
    measure = ProgressMeasure(project=project, name=name, total=total)
    db.session.add(measure)
    record(actor, "renovation.measure_added", measure, summary=f"{name} /{total}",
           community_id=_community(project))
    return measure


def record_progress(actor, measure, *, done, recorded_on, note=""):
    """A dated progress reading; managers and the construction party record it.
    Refused above the measure's total or below zero."""
    project = measure.project
    _require(project.can_record_progress(actor))
    if done is None or done < 0:
        raise InvalidInput(_l("Enter a number of zero or more."), "done")
    if done > measure.total:
        raise InvalidInput(_l("Progress cannot exceed the total of %(total)d.",
                              total=measure.total), "done")
    if recorded_on is None:
        raise InvalidInput(_l("Enter a date."), "recorded_on")
    previous = measure.done
    entry = ProgressEntry(measure=measure, done=done, recorded_on=recorded_on,
                          note=(note or "").strip(), recorded_by_id=actor.id)
    db.session.add(entry)
    record(actor, "renovation.progress_recorded", entry,
           summary=f"{measure.name} {done}/{measure.total}",
           changes={"done": (previous, done)},
           community_id=_community(project))
    return entry


def post_notice(actor, project, *, title, body):
    _require(project.can_manage(actor))
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_l("Enter a title."), "title")
    notice = ProjectNotice(project=project, title=title, body=(body or "").strip(),
                           posted_by_id=actor.id)
    db.session.add(notice)
    record(actor, "renovation.notice_posted", notice, summary=title,
           community_id=_community(project))
    return notice


def latest_notices(project, limit=5):
    return db.session.scalars(db.select(ProjectNotice).where(
        ProjectNotice.project_id == project.id)
        .order_by(ProjectNotice.created_at.desc(), ProjectNotice.id.desc()).limit(limit)).all()


def projects_of_compound(compound_id):
    return db.session.scalars(db.select(RenovationProject).where(
        RenovationProject.compound_id == compound_id).order_by(RenovationProject.id)).all()


def visible_project_query(user):
    """Projects in the user's compounds, managed compounds or worked on by
    the user's organisations."""
    compound_ids = set(user.compound_ids()) | user.managed_compound_ids()
    org_ids = user.organisation_ids()
    cond = RenovationProject.compound_id.in_(compound_ids or {-1})
    if org_ids:
        cond = cond | RenovationProject.construction_party_id.in_(org_ids)
    return db.select(RenovationProject).where(cond).order_by(RenovationProject.id)


def compounds_for_new_project(user):
    ids = user.managed_compound_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(Compound).where(Compound.id.in_(ids))
                              .order_by(Compound.name)).all()


def organisations():
    return db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()

"""JSON API: projects with progress, household plans (staff only) and
warranties (staff, and a household's own for its residents)."""

from flask import jsonify
from flask_babel import gettext as _

from .. import access
from ..api import bp
from ..api.helpers import (PAGE_PARAMS, fail, json_body, paginate, user)
from ..api.serializers import iso
from ..api.spec import add_schemas, documented, page_of, ref
from ..api.spec import COUNT, ID
from ..dates import beijing_today
from ..extensions import db
from . import plans, projects, services, warranties  # noqa: F401
from .models import ProgressMeasure, RenovationProject, WarrantyAgreement
from .models_household import HouseholdPlan


def _d(day):
    return day.isoformat() if day else None


def project_json(p):
    return {"id": p.id, "compound_id": p.compound_id, "name": p.name,
            "description": p.description, "status": p.status.name,
            "implementing_body": p.implementing_body.name if p.implementing_body else None,
            "construction_party": p.construction_party.name if p.construction_party else None,
            "planned_start": _d(p.planned_start), "planned_end": _d(p.planned_end),
            "actual_start": _d(p.actual_start), "actual_end": _d(p.actual_end),
            "scope": [{"class": s.scope_class.name, "kind": s.kind, "title": s.title}
                      for s in p.scope_items],
            "progress": [{"id": m.id, "name": m.name, "done": m.done, "total": m.total,
                          "as_of": _d(m.latest.recorded_on) if m.latest else None}
                         for m in p.measures]}


def plan_json(p):
    return {"id": p.id, "project_id": p.project_id, "household_id": p.household_id,
            "household": p.household.code, "status": p.status.name, "needs": p.needs,
            "concerns": p.concerns, "concerns_resolved": p.concerns_resolved,
            "enters_home": p.enters_home, "window_start": _d(p.window_start),
            "window_end": _d(p.window_end), "relocates": p.relocates,
            "relocation_place": p.relocation_place, "relocation_from": _d(p.relocation_from),
            "relocation_to": _d(p.relocation_to), "elderly": p.elderly, "mobility": p.mobility,
            "restoration": p.restoration.name,
            "owner_pays": f"{p.owner_pays:.2f}" if p.owner_pays is not None else None,
            "visits": [{"by": v.visited_by.name, "on": _d(v.visited_on), "note": v.note}
                       for v in p.visits]}


def warranty_json(w):
    return {"id": w.id, "project_id": w.project_id, "compound_id": w.compound_id,
            "organisation": {"id": w.organisation_id, "name": w.organisation.name},
            "household_id": w.household_id, "building_id": w.building_id, "title": w.title,
            "signed_on": _d(w.signed_on), "created_at": iso(w.created_at),
            "parts": [{"kind": p.kind, "starts_on": _d(p.starts_on),
                       "period_months": p.period_months, "ends_on": _d(p.ends_on)}
                      for p in w.parts]}


add_schemas({
    "RenovationProject": {"type": "object", "properties": {
        "id": {"type": "integer"}, "compound_id": {"type": "integer"}, "name": {"type": "string"},
        "status": {"type": "string", "enum": [s.name for s in projects.ProjectStatus]},
        "scope": {"type": "array", "items": {"type": "object"}},
        "progress": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "done": {"type": "integer"},
            "total": {"type": "integer"}, "as_of": {"type": "string", "nullable": True}}}}}},
    "HouseholdPlan": {"type": "object", "properties": {
        "id": {"type": "integer"}, "household": {"type": "string"},
        "status": {"type": "string", "enum": [s.name for s in plans.PlanStatus]},
        "window_start": {"type": "string", "format": "date", "nullable": True},
        "window_end": {"type": "string", "format": "date", "nullable": True},
        "owner_pays": {"type": "string", "nullable": True}}},
    "Warranty": {"type": "object", "properties": {
        "id": {"type": "integer"}, "organisation": {"type": "object"},
        "household_id": {"type": "integer", "nullable": True},
        "building_id": {"type": "integer", "nullable": True},
        "parts": {"type": "array", "items": {"type": "object"}}}},
})


@bp.route("/renovation/projects")
@access.api()
@documented("Renovation projects the user lives in, manages or works on, with progress",
            statuses=[200, 422], success=page_of("RenovationProject"), params=PAGE_PARAMS,
            tag="renovation")
def renovation_projects():
    return paginate(projects.visible_project_query(user()), project_json,
                    "api.renovation_projects")


@bp.route("/renovation/projects/<int:project_id>")
@access.api()
@documented("One renovation project with its scope and progress (public)",
            statuses=[200, 404], success=ref("RenovationProject"), tag="renovation")
@access.guard(RenovationProject, "project_id")
def renovation_project(project):
    return jsonify(project_json(project))


@bp.route("/renovation/projects/<int:project_id>/progress", methods=["POST"])
@access.api()
@documented("Record a dated progress reading (managers and the construction party)",
            statuses=[201, 400, 403, 404, 422], success=ref("RenovationProject"),
            body={"type": "object", "required": ["measure_id", "done"], "properties": {
                "measure_id": ID, "done": COUNT,
                "recorded_on": {"type": "string", "format": "date"},
                "note": {"type": "string", "maxLength": 300}}}, tag="renovation")
@access.guard(RenovationProject, "project_id", can="can_record_progress", into="item")
def renovation_progress(item):
    data = json_body()
    measure = db.session.get(ProgressMeasure, data["measure_id"])
    if measure is None or measure.project_id != item.id:
        fail(422, "invalid", _("measure_id is not a measure of this project."), "measure_id")
    projects.record_progress(user(), measure, done=data["done"],
                             recorded_on=data.get("recorded_on") or beijing_today(),
                             note=data.get("note", ""))
    db.session.refresh(measure)
    return jsonify(project_json(item)), 201


@bp.route("/renovation/projects/<int:project_id>/plans")
@access.api()
@documented("Household plans of a project (community staff and the construction party)",
            statuses=[200, 403, 404, 422], success=page_of("HouseholdPlan"),
            params=PAGE_PARAMS, tag="renovation")
@access.guard(RenovationProject, "project_id", can="can_see_plans", into="item")
def renovation_plans(item):
    return paginate(plans.plans_of_project_query(item), plan_json, "api.renovation_plans",
                    project_id=item.id)


@bp.route("/renovation/plans/<int:plan_id>")
@access.api()
@documented("One household plan (staff only)", statuses=[200, 403, 404],
            success=ref("HouseholdPlan"), tag="renovation")
@access.guard(HouseholdPlan, "plan_id", into="item")
def renovation_plan(item):
    if not item.project.can_see_plans(user()):
        fail(403, "forbidden", _("Household plans are for staff."))
    return jsonify(plan_json(item))


@bp.route("/renovation/plans/<int:plan_id>/transition", methods=["POST"])
@access.api()
@documented("Move a plan along to_visit → … → warranty_signed (community staff)",
            statuses=[200, 400, 403, 404, 409, 422], success=ref("HouseholdPlan"),
            body={"type": "object", "required": ["action"], "properties": {
                "action": {"type": "string", "enum": sorted(
                    plans.PLAN_MACHINE.actions)}}}, tag="renovation")
@access.guard(HouseholdPlan, "plan_id", can="can_edit", into="item")
def renovation_plan_transition(item):
    plans.transition_plan(user(), item, json_body()["action"])
    return jsonify(plan_json(item))


@bp.route("/renovation/warranties")
@access.api()
@documented("Warranty agreements: managed compounds', the organisation's and the "
            "user's own households'", statuses=[200, 422], success=page_of("Warranty"),
            params=PAGE_PARAMS, tag="renovation")
def renovation_warranties():
    return paginate(warranties.warranties_visible_query(user()), warranty_json,
                    "api.renovation_warranties")


@bp.route("/renovation/warranties/<int:warranty_id>")
@access.api()
@documented("One warranty agreement", statuses=[200, 404], success=ref("Warranty"),
            tag="renovation")
@access.guard(WarrantyAgreement, "warranty_id")
def renovation_warranty(warranty):
    return jsonify(warranty_json(warranty))

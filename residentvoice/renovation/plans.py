"""Household plans (一户一策): needs, schedule window, relocation,
restoration standard, visits and the plan's status."""
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from flask import url_for
from sqlalchemy.orm import contains_eager, selectinload

from ..audit.services import diff, record
from ..auth.models import RoleAssignment, RoleKind
from ..dates import beijing_today
from ..directory.models import Building, Household
from ..errors_domain import Conflict, InvalidInput, NotAllowed
from ..extensions import db
from ..notifications.services import notify
from ..statemachine import StateMachine
from .models import lock
from .models_household import HouseholdPlan, PlanStatus, PlanVisit, Restoration
from .supervision import TICKET_CATEGORIES
from .warranties import household_has_warranty, warranties_of_household

def N_(msgid):
    """Marks a stored msgid for extraction; translated when read."""
    return msgid

# (status, action) → new status (DESIGN §1: to_visit → … → warranty_signed).
PLAN_TRANSITIONS = {
    (PlanStatus.to_visit, "visit"): PlanStatus.visited,
    (PlanStatus.visited, "agree"): PlanStatus.agreed,
    (PlanStatus.agreed, "schedule"): PlanStatus.scheduled,
    (PlanStatus.scheduled, "reschedule"): PlanStatus.agreed,
    (PlanStatus.scheduled, "start_work"): PlanStatus.in_work,
    (PlanStatus.in_work, "restore"): PlanStatus.restored,
    (PlanStatus.restored, "sign_warranty"): PlanStatus.warranty_signed,
}
PLAN_MACHINE = StateMachine(PLAN_TRANSITIONS, _l("A plan that is “%(status)s” cannot do "
                                                 "that."))
PLAN_ACTION_LABELS = {
    "visit": _l("Mark visited"), "agree": _l("Plan agreed"), "schedule": _l("Schedule"),
    "reschedule": _l("Back to agreed"), "start_work": _l("Work started"),
    "restore": _l("Floor restored"), "sign_warranty": _l("Warranty signed"),
}
PLAN_FIELDS = ("needs", "concerns", "concern_category", "concerns_resolved", "enters_home",
               "window_start", "window_end", "relocates", "relocation_place",
               "relocation_from", "relocation_to", "elderly", "mobility", "restoration",
               "owner_pays")


def _require_edit(actor, plan):
    if not plan.can_edit(actor):
        raise NotAllowed(_l("Only the community's staff may change household plans."))


def create_plans(actor, project, households):
    """Add a plan (status to_visit) for each household of the project's
    compound that has none yet; returns the new plans."""
    if not project.can_manage(actor):
        raise NotAllowed(_l("You may not do this."))
    lock(project)  # one plan per household when two requests add plans at once
    existing = set(db.session.scalars(db.select(HouseholdPlan.household_id).where(
        HouseholdPlan.project_id == project.id)))
    created = []
    for household in households:
        if household.compound_id != project.compound_id:
            raise InvalidInput(_l("Choose a household of this project's compound."),
                               "household_id")
        if household.id in existing:
            continue
        plan = HouseholdPlan(project_id=project.id, household_id=household.id)
        db.session.add(plan)
        created.append(plan)
        existing.add(household.id)
    if created:
        db.session.flush()
        record(actor, "renovation.plans_created", project,
               summary=", ".join(p.household.code for p in created)[:2000],
               community_id=project.compound.community_id)
    return created


def validate_plan(data):
    """The rules of a plan, field by field (DESIGN §1)."""
    if data.get("concern_category") not in TICKET_CATEGORIES:
        raise InvalidInput(_l("Choose a category from the list."), "concern_category")
    start, end = data.get("window_start"), data.get("window_end")
    if bool(start) != bool(end):
        raise InvalidInput(_l("Give both the first and the last day of the window."),
                           "window_end" if start else "window_start")
    if start and end and end < start:
        raise InvalidInput(_l("The window cannot end before it starts."), "window_end")
    if data.get("relocates"):
        if not data.get("relocation_place"):
            raise InvalidInput(_l("Say where the household will stay."), "relocation_place")
        if not data.get("relocation_from") or not data.get("relocation_to"):
            raise InvalidInput(_l("A relocation needs its move-out and return dates."),
                               "relocation_from" if not data.get("relocation_from")
                               else "relocation_to")
        if data["relocation_to"] < data["relocation_from"]:
            raise InvalidInput(_l("The return date cannot be before the move-out date."),
                               "relocation_to")
    restoration = data.get("restoration")
    pays = data.get("owner_pays")
    if restoration is Restoration.above_basic:
        if pays is None or pays <= 0:
            raise InvalidInput(_l("Enter the amount the owner pays above the basic standard."),
                               "owner_pays")
    elif pays not in (None, Decimal(0)):
        raise InvalidInput(_l("The owner pays only for restoration above the basic standard."),
                           "owner_pays")


def parse_amount(text):
    """Yuan amounts as exact decimals with at most two places."""
    if text in (None, ""):
        return None
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        raise InvalidInput(_l("Enter an amount in yuan, e.g. 3500.00."), "owner_pays")
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2 \
            or value >= Decimal("100000000"):
        raise InvalidInput(_l("Enter an amount in yuan, e.g. 3500.00."), "owner_pays")
    return value


def update_plan(actor, plan, data):
    """Edit a plan after checking every rule; nothing changes on bad input."""
    _require_edit(actor, plan)
    lock(plan)
    merged = {f: getattr(plan, f) for f in PLAN_FIELDS}
    merged.update({k: v for k, v in data.items() if k in PLAN_FIELDS})
    if not merged.get("relocates"):
        merged.update(relocation_place="", relocation_from=None, relocation_to=None)
    if merged.get("restoration") is Restoration.basic and merged.get("owner_pays") == 0:
        merged["owner_pays"] = None
    validate_plan(merged)
    if plan.status in (PlanStatus.scheduled, PlanStatus.in_work) and not merged["window_start"]:
        raise InvalidInput(_l("A scheduled plan needs its schedule window."), "window_start")
    changes = diff(plan, merged, PLAN_FIELDS)
    if changes:
        record(actor, "renovation.plan_updated", plan, changes=changes,
               summary=plan.household.code, community_id=plan.project.compound.community_id)
    return plan


def record_visit(actor, plan, *, visited_on, note=""):
    """A door-to-door visit; the first one moves the plan to ``visited``."""
    _require_edit(actor, plan)
    lock(plan)
    if visited_on is None:
        raise InvalidInput(_l("Enter a date."), "visited_on")
    if visited_on > beijing_today():
        raise InvalidInput(_l("A visit cannot be in the future."), "visited_on")
    visit = PlanVisit(plan=plan, visited_by_id=actor.id, visited_on=visited_on,
                      note=(note or "").strip())
    db.session.add(visit)
    record(actor, "renovation.plan_visited", plan, summary=f"{plan.household.code} {visited_on}",
           community_id=plan.project.compound.community_id)
    if plan.status is PlanStatus.to_visit:
        transition_plan(actor, plan, "visit")
    return visit


def transition_plan(actor, plan, action):
    """Apply ``action`` by ``PLAN_TRANSITIONS``.  Scheduling needs a window
    (and relocation dates when relocating) and tells the household;
    ``sign_warranty`` needs a warranty signed for the household.  Under the
    plan's lock: each step is taken once."""
    _require_edit(actor, plan)
    lock(plan)
    new = PLAN_MACHINE.target(plan, action)
    if action == "schedule":
        if not (plan.window_start and plan.window_end):
            raise Conflict(_l("Agree a schedule window before scheduling."), "window_start")
        validate_plan({f: getattr(plan, f) for f in PLAN_FIELDS})
    if action == "sign_warranty" and not household_has_warranty(plan.project_id,
                                                               plan.household_id):
        raise Conflict(_l("Record the household's signed warranty first."))
    old = plan.status
    plan.status = new
    record(actor, "renovation.plan_" + action, plan, changes={"status": (old, new)},
           summary=plan.household.code, community_id=plan.project.compound.community_id)
    if action == "schedule":
        _notify_scheduled(plan)
    return plan


def _notify_scheduled(plan):
    user_ids = db.session.scalars(db.select(RoleAssignment.user_id).where(
        RoleAssignment.kind == RoleKind.resident,
        RoleAssignment.household_id == plan.household_id)).all()
    notify(user_ids, "renovation.plan_scheduled",
           N_("Work in your home for “%(project)s” is scheduled from %(start)s to %(end)s."),
           {"project": plan.project.name, "start": plan.window_start.isoformat(),
            "end": plan.window_end.isoformat()},
           url_for("renovation.plan", plan_id=plan.id))


def building_view(project, building):
    """Every household of the building, floor by floor (top floor first),
    with its plan or None."""
    households = db.session.scalars(db.select(Household).where(
        Household.building_id == building.id).order_by(Household.floor.desc(),
                                                       Household.unit)).all()
    plans = {p.household_id: p for p in db.session.scalars(db.select(HouseholdPlan).where(
        HouseholdPlan.project_id == project.id,
        HouseholdPlan.household_id.in_([h.id for h in households] or [-1])))}
    floors = defaultdict(list)
    for household in households:
        floors[household.floor].append((household, plans.get(household.id)))
    counts = defaultdict(int)
    for plan in plans.values():
        counts[plan.status] += 1
    return sorted(floors.items(), reverse=True), counts


NOT_YET_AGREED = (PlanStatus.to_visit, PlanStatus.visited)


def plan_counts(project):
    rows = db.session.execute(db.select(HouseholdPlan.status, db.func.count(HouseholdPlan.id))
                              .where(HouseholdPlan.project_id == project.id)
                              .group_by(HouseholdPlan.status)).all()
    return {status: count for status, count in rows}


def plans_of_project_query(project):
    return (db.select(HouseholdPlan).join(Household)
            .where(HouseholdPlan.project_id == project.id).order_by(Household.code)
            .options(contains_eager(HouseholdPlan.household),
                     selectinload(HouseholdPlan.visits).joinedload(PlanVisit.visited_by)))


def project_buildings(project):
    return db.session.scalars(db.select(Building).where(
        Building.compound_id == project.compound_id).order_by(Building.number)).all()


def plans_for_households(household_ids):
    if not household_ids:
        return []
    return db.session.scalars(db.select(HouseholdPlan).where(
        HouseholdPlan.household_id.in_(household_ids)).order_by(HouseholdPlan.id)).all()


def plans_awaiting_visit(compound_ids, limit=20):
    """The first ``limit`` plans awaiting a visit in the compounds, by unit,
    with their households and buildings (the list names each flat), and how
    many there are."""
    if not compound_ids:
        return [], 0
    awaiting = (Household.compound_id.in_(compound_ids),
                HouseholdPlan.status == PlanStatus.to_visit)
    total = db.session.scalar(db.select(db.func.count(HouseholdPlan.id))
                              .select_from(HouseholdPlan).join(Household).where(*awaiting))
    plans = db.session.scalars(
        db.select(HouseholdPlan).join(Household).where(*awaiting)
        .options(contains_eager(HouseholdPlan.household).joinedload(Household.building))
        .order_by(Household.code).limit(limit)).all()
    return plans, total




def household_warranties(plan):
    return warranties_of_household(plan.household_id)

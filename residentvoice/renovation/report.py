"""The demand-analysis meeting report (诉求分析会): open household concerns
and open tickets, grouped by building and category, for printing."""
from collections import defaultdict

from sqlalchemy.orm import contains_eager

from .. import signals
from ..directory.models import Household
from ..extensions import db
from .models_household import HouseholdPlan


def demand_report(project):
    """Rows
    ``{"building", "category", "concerns": [plan, ...], "tickets": n}`` ordered
    by building then category.  Ticket counts are the tickets feature's answer
    to ``signals.open_tickets_wanted``."""
    plans = db.session.scalars(
        db.select(HouseholdPlan).join(Household)
        .where(HouseholdPlan.project_id == project.id, HouseholdPlan.concerns != "",
               HouseholdPlan.concerns_resolved.is_(False))
        .order_by(Household.code)
        .options(contains_eager(HouseholdPlan.household).joinedload(Household.building))).all()
    groups = defaultdict(lambda: {"concerns": [], "tickets": 0})
    names = {}
    for plan in plans:
        building = plan.household.building
        names[building.id] = building.number
        groups[(building.id, plan.concern_category)]["concerns"].append(plan)
    for _receiver, answer in signals.open_tickets_wanted.send(project,
                                                              compound_id=project.compound_id):
        for row in answer:
            names.setdefault(row["building_id"], row.get("building") or "")
            groups[(row["building_id"], row["category"])]["tickets"] += row["count"]
    rows = []
    for (building_id, category), data in groups.items():
        rows.append({"building_id": building_id, "building": names.get(building_id) or "",
                     "category": category, **data})
    rows.sort(key=lambda r: (r["building_id"] is None, _natural(r["building"]), r["category"]))
    return rows


def _natural(number):
    return (0, int(number), "") if str(number).isdigit() else (1, 0, str(number))

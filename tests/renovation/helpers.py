"""Renovation objects on top of ``factory.world()``: a project in compound A
whose construction party is the world's organisation, plans, a survey,
supervision steps and a warranty."""
from datetime import timedelta

from residentvoice.dates import beijing_today
from residentvoice.extensions import db
from residentvoice.renovation.models import (
    ProgressMeasure,
    RenovationProject,
    WarrantyAgreement,
    WarrantyPart,
)
from residentvoice.renovation.models_household import (
    HouseholdPlan,
    NeedsSurvey,
    SupervisionStep,
    SurveyOption,
)
from residentvoice.renovation.warranties import period_end


def add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def project(compound, party=None, name="上下水改造"):
    p = add(RenovationProject(compound_id=compound.id, name=name,
                              construction_party_id=party.id if party else None))
    add(ProgressMeasure(project_id=p.id, name="立管", total=49))
    return p


def warranty(project, *, household=None, building=None, kind="water_drainage",
             starts_on=None, months=24, organisation=None):
    starts_on = starts_on or beijing_today() - timedelta(days=10)
    w = add(WarrantyAgreement(
        project_id=project.id, compound_id=project.compound_id,
        organisation_id=(organisation or project.construction_party).id,
        household_id=household.id if household else None,
        building_id=building.id if building else None, title="保修协议",
        signed_on=starts_on))
    add(WarrantyPart(warranty_id=w.id, kind=kind, starts_on=starts_on, period_months=months,
                     ends_on=period_end(starts_on, months)))
    return w


def renovation_world(w):
    """Adds ``w.rv_*`` objects once per world."""
    if getattr(w, "rv_project", None) is not None:
        return w
    w.rv_project = project(w.compound_a, w.organisation)
    w.rv_plan = add(HouseholdPlan(project_id=w.rv_project.id, household_id=w.household_a.id))
    w.rv_plan2 = add(HouseholdPlan(project_id=w.rv_project.id, household_id=w.household_a2.id))
    w.rv_survey = add(NeedsSurvey(compound_id=w.compound_a.id, title="改造意愿征集"))
    add(SurveyOption(survey_id=w.rv_survey.id, kind="water_drainage", title="上下水"))
    w.rv_step = add(SupervisionStep(project_id=w.rv_project.id, title="开挖 1-0301",
                                    scheduled_on=beijing_today(), household_id=w.household_a.id))
    w.rv_step2 = add(SupervisionStep(project_id=w.rv_project.id, title="回填 1-0301",
                                     scheduled_on=beijing_today(), household_id=w.household_a.id))
    w.rv_warranty = warranty(w.rv_project, household=w.household_a)
    return w

"""Demo renovation data: the district report's figures, idempotent."""
from datetime import date

from residentvoice.auth.models import User
from residentvoice.directory.models import Household
from residentvoice.renovation.models import RenovationProject, WarrantyAgreement
from residentvoice.renovation.models_household import HouseholdPlan
from residentvoice.renovation import timeline_entries
from residentvoice.renovation.warranties import active_warranty_for


def _counts(db):
    return (db.session.scalar(db.select(db.func.count(RenovationProject.id))),
            db.session.scalar(db.select(db.func.count(WarrantyAgreement.id))),
            db.session.scalar(db.select(db.func.count(HouseholdPlan.id))))


def test_demo_projects_figures_and_warranty_routing(runner, db):
    assert runner.invoke(args=["demo"]).exit_code == 0
    first = _counts(db)
    bgt = db.session.scalar(db.select(RenovationProject).where(
        RenovationProject.name == "北官厅胡同2号院上下水改造"))
    assert [(m.done, m.total) for m in bgt.measures] == [(39, 49), (228, 273)]
    assert bgt.construction_party.name == "北京市政管网工程有限公司"
    signed = db.session.scalar(db.select(db.func.count(WarrantyAgreement.id)).where(
        WarrantyAgreement.project_id == bgt.id, WarrantyAgreement.household_id.isnot(None)))
    assert signed == 228
    plans = db.session.scalars(db.select(HouseholdPlan).where(
        HouseholdPlan.project_id == bgt.id)).all()
    assert len(plans) == 9 and all(p.household.floor == 1 for p in plans)
    assert any(p.relocates and p.elderly for p in plans)
    assert any(p.owner_pays for p in plans)
    household = db.session.scalar(db.select(Household).where(Household.code == "DSST34-1-0601"))
    found = active_warranty_for(household.compound_id, "facade_ac",
                                household_id=household.id, at=date(2026, 1, 1))
    assert found.organisation.name == "北京城建建设工程有限公司"
    # building 1's story: before, during and after the work, posted by the construction party
    resident = db.session.scalar(db.select(User).where(User.phone == "13800000001"))
    dongsi = db.session.scalar(db.select(RenovationProject).where(
        RenovationProject.compound_id == household.compound_id))
    story = timeline_entries.entries_for(resident, dongsi, household.building)
    steps = [e for e in story if e.kind == "milestone"]
    assert [e.phase.name for e in steps] == ["before", "during", "after"]
    assert {e.who for e in steps} == {"北京城建建设工程有限公司"}
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert _counts(db) == first
    again = timeline_entries.entries_for(resident, dongsi, household.building)
    assert len(again) == len(story)

from ..access_matrix import FORBIDDEN, HIDDEN, OK, PUBLIC, expect, only
from .helpers import renovation_world as rw

MANAGERS = ("secretary", "street_admin")
WITH_PARTY = ("secretary", "street_admin", "staff")


def _p(w):
    return f"/renovation/projects/{rw(w).rv_project.id}"


def _plan(w, second=False):
    return f"/renovation/plans/{(rw(w).rv_plan2 if second else rw(w).rv_plan).id}"


PLAN_VIEW = expect(other_resident=HIDDEN, other_secretary=HIDDEN)
PLAN_EDIT = expect(resident=FORBIDDEN, staff=FORBIDDEN, other_resident=HIDDEN,
                   other_secretary=HIDDEN)
SURVEY_VIEW = expect(other_resident=HIDDEN, other_secretary=HIDDEN, staff=HIDDEN)

EXAMPLES = {
    "renovation.compound_page": lambda w: [
        ("GET", f"/renovation/compounds/{w.compound_a.id}", PUBLIC),
        ("GET", "/renovation/compounds/999999", {r: HIDDEN for r in PUBLIC})],
    "renovation.project": lambda w: [("GET", _p(w), PUBLIC)],
    "renovation.manage": lambda w: [("GET", _p(w) + "/manage", only(*MANAGERS)),
                                    ("POST", _p(w) + "/manage", only(*MANAGERS))],
    "renovation.project_status": lambda w: [("POST", _p(w) + "/status", only(*MANAGERS))],
    "renovation.add_scope": lambda w: [("POST", _p(w) + "/scope", only(*MANAGERS))],
    "renovation.add_measure": lambda w: [("POST", _p(w) + "/measures", only(*MANAGERS))],
    "renovation.post_notice": lambda w: [("POST", _p(w) + "/notices", only(*MANAGERS))],
    "renovation.progress": lambda w: [("GET", _p(w) + "/progress", only(*WITH_PARTY)),
                                      ("POST", _p(w) + "/progress", only(*WITH_PARTY))],
    "renovation.new_warranty": lambda w: [
        ("GET", _p(w) + "/warranties/new", only(*WITH_PARTY)),
        ("POST", _p(w) + "/warranties/new", only(*WITH_PARTY))],
    "renovation.warranty": lambda w: [
        ("GET", f"/renovation/warranties/{rw(w).rv_warranty.id}", PLAN_VIEW)],
    "renovation.new_survey": lambda w: [
        (m, f"/renovation/compounds/{w.compound_a.id}/surveys/new",
         only(*MANAGERS, other_secretary=HIDDEN)) for m in ("GET", "POST")],
    "renovation.survey": lambda w: [
        ("GET", f"/renovation/surveys/{rw(w).rv_survey.id}", SURVEY_VIEW)],
    "renovation.close_survey": lambda w: [
        ("POST", f"/renovation/surveys/{rw(w).rv_survey.id}/close",
         expect(resident=FORBIDDEN, other_resident=HIDDEN, other_secretary=HIDDEN,
                staff=HIDDEN))],
    "renovation.survey_answer": lambda w: [
        ("GET", f"/renovation/surveys/{rw(w).rv_survey.id}/households/{w.household_a.id}",
         SURVEY_VIEW),
        ("POST", f"/renovation/surveys/{rw(w).rv_survey.id}/households/{w.household_a.id}",
         SURVEY_VIEW),
        # another household's answer is not the resident's to give or see
        ("GET", f"/renovation/surveys/{rw(w).rv_survey.id}/households/{w.household_a2.id}",
         expect(resident=HIDDEN, other_resident=HIDDEN, other_secretary=HIDDEN,
                staff=HIDDEN))],
    "renovation.plans_overview": lambda w: [
        ("GET", _p(w) + "/plans", only(*WITH_PARTY)),
        ("POST", _p(w) + "/plans", only(*MANAGERS))],
    "renovation.building": lambda w: [
        ("GET", _p(w) + f"/buildings/{w.building_a.id}", only(*WITH_PARTY)),
        ("GET", _p(w) + f"/buildings/{w.building_b.id}",
         only(*WITH_PARTY, secretary=HIDDEN, street_admin=HIDDEN, staff=HIDDEN))],
    "renovation.demand_report": lambda w: [("GET", _p(w) + "/report", only(*WITH_PARTY))],
    "renovation.plan": lambda w: [
        ("GET", _plan(w), PLAN_VIEW),
        ("GET", _plan(w, second=True), expect(resident=HIDDEN, other_resident=HIDDEN,
                                              other_secretary=HIDDEN))],
    "renovation.edit_plan": lambda w: [("GET", _plan(w) + "/edit", PLAN_EDIT),
                                       ("POST", _plan(w) + "/edit", PLAN_EDIT)],
    "renovation.plan_visit": lambda w: [("POST", _plan(w) + "/visits", PLAN_EDIT)],
    "renovation.plan_status": lambda w: [("POST", _plan(w) + "/status", PLAN_EDIT)],
    "renovation.new_step": lambda w: [(m, _p(w) + "/steps/new", only(*WITH_PARTY))
                                      for m in ("GET", "POST")],
    "renovation.step": lambda w: [
        ("GET", f"/renovation/steps/{rw(w).rv_step.id}",
         expect(other_resident=HIDDEN, other_secretary=HIDDEN))],
    "renovation.step_signup": lambda w: [
        ("POST", f"/renovation/steps/{rw(w).rv_step.id}/signup",
         only("resident", other_resident=HIDDEN, other_secretary=HIDDEN))],
    "renovation.observe": lambda w: [
        ("POST", f"/renovation/steps/{rw(w).rv_step2.id}/observations",
         only(*MANAGERS, other_resident=HIDDEN, other_secretary=HIDDEN))],
    "api.renovation_project": lambda w: [
        ("GET", f"/api/v1/renovation/projects/{rw(w).rv_project.id}", expect(OK))],
    "api.renovation_progress": lambda w: [
        ("POST", f"/api/v1/renovation/projects/{rw(w).rv_project.id}/progress",
         only(*WITH_PARTY))],
    "api.renovation_plans": lambda w: [
        ("GET", f"/api/v1/renovation/projects/{rw(w).rv_project.id}/plans",
         only(*WITH_PARTY))],
    "api.renovation_plan": lambda w: [
        ("GET", f"/api/v1{_plan(w)}", expect(resident=FORBIDDEN, other_resident=HIDDEN,
                                             other_secretary=HIDDEN))],
    "api.renovation_plan_transition": lambda w: [
        ("POST", f"/api/v1{_plan(w)}/transition", PLAN_EDIT)],
    "api.renovation_warranty": lambda w: [
        ("GET", f"/api/v1/renovation/warranties/{rw(w).rv_warranty.id}", PLAN_VIEW)],
    # a building's timeline: as public as the project page, to the signed-in;
    # steps are recorded by the community office and the construction party
    "renovation.building_timeline": lambda w: [
        ("GET", f"{_p(w)}/buildings/{w.building_a.id}/timeline", expect()),
        ("GET", f"{_p(w)}/buildings/{w.building_b.id}/timeline", expect(HIDDEN))],
    "renovation.new_milestone": lambda w: [
        (m, f"{_p(w)}/buildings/{w.building_a.id}/timeline/new", only(*WITH_PARTY))
        for m in ("GET", "POST")],
}

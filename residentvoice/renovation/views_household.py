"""Needs surveys, household plans, the building view, the demand-analysis
report and on-site supervision."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import access
from ..dates import beijing_today
from ..directory.models import Building, Compound, Household
from ..extensions import db
from ..forms import choices
from ..uploads.forms import keep_photos, kept_photos
from ..uploads.services import uploads_for
from ..web import attempted, submitted
from . import bp, plans, report, supervision, surveys
from .forms import ObservationForm, PlanForm, StepForm, SurveyAnswerForm, SurveyForm, \
    SurveyVisitForm, VisitForm
from .models import RenovationProject, kind_label
from .models_household import HouseholdPlan, NeedsSurvey, Restoration, SupervisionStep


@bp.route("/compounds/<int:compound_id>/surveys/new", methods=["GET", "POST"])
@access.role("secretary", "street_admin")
@access.guard(Compound, "compound_id", can_view="can_manage")
def new_survey(compound):
    form = SurveyForm()
    if request.method == "GET":
        form.kinds.data = ["water_drainage", "facade_ac", "insulation", "roads", "rain_sewage"]
    done = submitted(form, lambda: surveys.open_survey(current_user, compound,
                                                       title=form.title.data,
                                                    kinds=form.kinds.data),
        done=_("Survey opened."),
        to=lambda survey: url_for("renovation.survey",
                                                              survey_id=survey.id))
    if done:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("renovation/survey_form.html", compound=compound, form=form,
                           surveys=surveys.surveys_of_compound(compound.id)), status


@bp.route("/surveys/<int:survey_id>")
@access.login
@access.guard(NeedsSurvey, "survey_id", into="item")
def survey(item):
    if not item.can_manage(current_user):
        own = [r.household for r in current_user.resident_roles()
               if r.household.compound_id == item.compound_id]
        return render_template("renovation/survey_resident.html", survey=item, households=own,
                               responses={h.id: surveys.response_of(item, h) for h in own})
    grid, totals = surveys.coverage(item)
    return render_template("renovation/survey.html", survey=item, results=surveys.results(item),
                           grid=grid, totals=totals, problems=surveys.problems_list(item))


@bp.route("/surveys/<int:survey_id>/close", methods=["POST"])
@access.login
@access.guard(NeedsSurvey, "survey_id", can="can_manage", into="item")
def close_survey(item):
    return attempted(lambda: surveys.close_survey(current_user, item),
        done=_("Survey closed."),
        to=url_for("renovation.survey", survey_id=item.id))


@bp.route("/surveys/<int:survey_id>/households/<int:household_id>", methods=["GET", "POST"])
@access.login
@access.guard(NeedsSurvey, "survey_id", into="item")
@access.guard(Household, "household_id", within=("item", surveys.can_answer))
def survey_answer(item, household):
    staff = item.can_manage(current_user)
    existing = surveys.response_of(item, household)
    form = (SurveyVisitForm if staff else SurveyAnswerForm)()
    form.option_ids.choices = choices([(o.id, o.display_title) for o in item.options])
    if request.method == "GET":
        if existing is not None:
            form.option_ids.data = [o.id for o in existing.choices]
            form.problems.data = existing.problems
        if staff:
            form.visited_on.data = beijing_today()
    done = submitted(form, lambda: surveys.answer(
        current_user, item, household, option_ids=form.option_ids.data or [],
        problems=form.problems.data, absent=staff and form.absent.data,
        visited_on=form.visited_on.data if staff else None),
        done=_("Answer recorded for %(code)s.", code=household.label),
        to=url_for("renovation.survey", survey_id=item.id))
    if done:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("renovation/survey_answer.html", survey=item, household=household,
                           form=form, existing=existing, staff=staff), status


@bp.route("/projects/<int:project_id>/plans", methods=["GET", "POST"])
@access.login
@access.guard(RenovationProject, "project_id", into="item",
              can={"GET": "can_see_plans", "POST": "can_manage"})
def plans_overview(item):
    status = 200
    if request.method == "POST":
        building = db.session.get(Building, request.form.get("building_id", type=int) or 0)
        if building is None or building.compound_id != item.compound_id:
            flash(_("Choose a building of this compound."), "error")
            status = 422
        else:
            created = plans.create_plans(current_user, item, building.households)
            flash(ngettext("%(num)d plan added.", "%(num)d plans added.", len(created)),
                  "success")
            return redirect(url_for("renovation.building", project_id=item.id,
                                    building_id=building.id))
    return render_template("renovation/plans.html", project=item,
                           buildings=plans.project_buildings(item),
                           counts=plans.plan_counts(item), statuses=list(plans.PlanStatus),
                           can_manage=item.can_manage(current_user)), status


@bp.route("/projects/<int:project_id>/buildings/<int:building_id>")
@access.login
@access.guard(RenovationProject, "project_id", can="can_see_plans", into="item")
@access.guard(Building, "building_id", within=("item", "compound_id"), into="place")
def building(item, place):
    floors, counts = plans.building_view(item, place)
    return render_template("renovation/building.html", project=item, building=place,
                           floors=floors, counts=counts, statuses=list(plans.PlanStatus))


@bp.route("/projects/<int:project_id>/report")
@access.login
@access.guard(RenovationProject, "project_id", can="can_see_plans", into="item")
def demand_report(item):
    return render_template("renovation/report.html", project=item,
                           rows=report.demand_report(item), kind_label=kind_label,
                           today=beijing_today())


def _plan_page(plan, status=200, **forms):
    user = current_user
    forms.setdefault("visit_form", VisitForm(formdata=None, data={"visited_on": beijing_today()}))
    return render_template(
        "renovation/plan.html", plan=plan, can_edit=plan.can_edit(user),
        transitions=plans.PLAN_MACHINE.allowed(plan),
        action_labels=plans.PLAN_ACTION_LABELS, kind_label=kind_label,
        statuses=list(plans.PlanStatus),
        warranties=plans.household_warranties(plan), **forms), status


@bp.route("/plans/<int:plan_id>")
@access.login
@access.guard(HouseholdPlan, "plan_id")
def plan(plan):
    return _plan_page(plan)


def _plan_data(form):
    data = {f: form[f].data for f in plans.PLAN_FIELDS if f != "owner_pays"}
    data["restoration"] = Restoration[form.restoration.data] \
        if form.restoration.data in Restoration.__members__ else Restoration.basic
    data["needs"] = data["needs"] or ""
    data["concerns"] = data["concerns"] or ""
    data["relocation_place"] = data["relocation_place"] or ""
    data["owner_pays"] = plans.parse_amount(form.owner_pays.data)
    return data


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@access.login
@access.guard(HouseholdPlan, "plan_id", can="can_edit", into="item")
def edit_plan(item):
    if request.method == "GET":
        form = PlanForm(obj=item)
        form.restoration.data = item.restoration.name
        form.owner_pays.data = f"{item.owner_pays:.2f}" if item.owner_pays is not None else ""
        return render_template("renovation/plan_form.html", plan=item, form=form)
    form = PlanForm()
    done = submitted(form, lambda: plans.update_plan(current_user, item, _plan_data(form)),
        done=_("Plan saved."),
        to=url_for("renovation.plan", plan_id=item.id))
    return done or (render_template("renovation/plan_form.html", plan=item, form=form), 422)


@bp.route("/plans/<int:plan_id>/visits", methods=["POST"])
@access.login
@access.guard(HouseholdPlan, "plan_id", can="can_edit", into="item")
def plan_visit(item):
    form = VisitForm()
    done = submitted(form, lambda: plans.record_visit(current_user, item,
                                                   visited_on=form.visited_on.data,
                                                   note=form.note.data),
        done=_("Visit recorded."),
        to=url_for("renovation.plan", plan_id=item.id))
    return done or _plan_page(item, 422, visit_form=form)


@bp.route("/plans/<int:plan_id>/status", methods=["POST"])
@access.login
@access.guard(HouseholdPlan, "plan_id", can="can_edit", into="item")
def plan_status(item):
    return attempted(lambda: plans.transition_plan(current_user, item,
                                                   request.form.get("action", "")),
        done=lambda _result: _("Status changed to %(status)s.", status=item.status.value),
        to=url_for("renovation.plan", plan_id=item.id))


def _step_form(item):
    form = StepForm()
    form.household_id.choices = choices([(0, "—")] + [
        (h.id, h.label) for h in db.session.scalars(db.select(Household).where(
            Household.compound_id == item.compound_id).order_by(Household.code))])
    return form


@bp.route("/projects/<int:project_id>/steps/new", methods=["GET", "POST"])
@access.login
@access.guard(RenovationProject, "project_id", can="can_record_progress", into="item")
def new_step(item):
    form = _step_form(item)
    if request.method == "GET" and request.args.get("household_id", type=int):
        form.household_id.data = request.args.get("household_id", type=int)
    done = submitted(form, lambda: supervision.create_step(
        current_user, item, title=form.title.data, scheduled_on=form.scheduled_on.data,
        household_id=form.household_id.data or None),
        done=_("Work step announced."),
        to=lambda step: url_for("renovation.step", step_id=step.id))
    if done:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("renovation/step_form.html", project=item, form=form), status


def _step_page(step, status=200, form=None, kept=()):
    user = current_user
    return render_template(
        "renovation/step.html", step=step, form=form or ObservationForm(formdata=None),
        kept=kept,
        can_observe=step.can_observe(user), is_supervisor=step.is_supervisor(user),
        can_sign_up=supervision.can_sign_up(user, step), kind_label=kind_label,
        photos={o.id: uploads_for("renovation_observation", o.id)
                for o in step.observations}), status


@bp.route("/steps/<int:step_id>")
@access.login
@access.guard(SupervisionStep, "step_id")
def step(step):
    return _step_page(step)


@bp.route("/steps/<int:step_id>/signup", methods=["POST"])
@access.login
@access.guard(SupervisionStep, "step_id", can=supervision.can_sign_up, into="item")
def step_signup(item):
    return attempted(lambda: supervision.sign_up(current_user, item),
                     done=_("You are signed up to supervise this step."),
                     to=url_for("renovation.step", step_id=item.id))


@bp.route("/steps/<int:step_id>/observations", methods=["POST"])
@access.login
@access.guard(SupervisionStep, "step_id", can="can_observe", into="item")
def observe(item):
    form = ObservationForm()
    kept = kept_photos("photo")
    return submitted(
        form, lambda: supervision.record_observation(
            current_user, item, text=form.text.data, is_problem=form.is_problem.data,
            category=form.category.data, photos=[request.files.get("photo")], kept=kept),
        done=lambda observation: _("Observation recorded and filed as a ticket.") if observation.ticket_id
        else _("Observation recorded."),
        to=url_for("renovation.step", step_id=item.id),
    ) or _step_page(item, 422, form, keep_photos("photo", kept, len(kept) + 1))

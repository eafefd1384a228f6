"""Project pages, progress, notices and warranties (load → authorize →
service → render)."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access
from ..directory.models import Compound
from ..errors_domain import DomainError
from ..extensions import db
from ..forms import choices
from ..main.sections import home_section, nav_item
from ..uploads.services import uploads_for
from ..web import attempted, form_status, submitted
from . import (bp, plans, projects, services, supervision, surveys,  # noqa: F401
               timeline_entries, warranties)
from .forms import (MeasureForm, NewProjectForm, NoticeForm, ProgressForm, ProjectForm,
                    ScopeItemForm, WarrantyForm)
from .models import ProgressMeasure, RenovationProject, WarrantyAgreement

nav_item(60, "renovation.index", _l("Renovation"))


def _is_manager(user):
    return user.is_authenticated and user.has_any_role("secretary", "street_admin")


@home_section(30, "renovation/_home.html")
def renovation_section(user):
    """Residents: their plans and supervision; managers: households awaiting a visit."""
    data = {}
    if user.household_ids():
        data["plans"] = plans.plans_for_households(user.household_ids())
        data["signups"] = supervision.signups_of(user)
        data["steps"] = supervision.upcoming_steps_for(user)
        data["surveys"] = surveys.open_surveys_for(user)
    if _is_manager(user):
        managed = user.managed_compound_ids()
        data["awaiting"], data["awaiting_total"] = plans.plans_awaiting_visit(managed)
        data["expiring"] = len(warranties.expiring_parts(managed))
    return data if any(data.values()) else None


def _org_choices(blank):
    return choices([(0, blank)] + [(o.id, o.name) for o in projects.organisations()])


def _project_form(form):
    blank = _("— none —")
    form.implementing_body_id.choices = _org_choices(blank)
    form.construction_party_id.choices = _org_choices(blank)
    return form


def _project_data(form):
    data = {f: form[f].data for f in projects.PROJECT_FIELDS}
    for f in ("implementing_body_id", "construction_party_id"):
        data[f] = data[f] or None
    data["description"] = data["description"] or ""
    return data


@bp.route("/")
@access.login
def index():
    items = db.session.scalars(projects.visible_project_query(current_user)).all()
    managed = projects.compounds_for_new_project(current_user)
    return render_template("renovation/index.html", projects=items,
                           can_create=_is_manager(current_user), managed=managed,
                           surveys={c.id: surveys.surveys_of_compound(c.id) for c in managed},
                           open_surveys=surveys.open_surveys_for(current_user))


@bp.route("/compounds/<int:compound_id>")
@access.public
@access.guard(Compound, "compound_id", can_view=None)
def compound_page(compound):
    items = projects.projects_of_compound(compound.id)
    return render_template("renovation/compound.html", compound=compound, projects=items,
                           notices={p.id: projects.latest_notices(p, 3) for p in items})


@bp.route("/projects/new", methods=["GET", "POST"])
@access.role("secretary", "street_admin")
def new_project():
    form = _project_form(NewProjectForm())
    compounds = projects.compounds_for_new_project(current_user)
    form.compound_id.choices = choices([(c.id, c.name) for c in compounds])
    if request.method == "GET" and request.args.get("compound_id", type=int):
        form.compound_id.data = request.args.get("compound_id", type=int)

    def create():
        compound = next((c for c in compounds if c.id == form.compound_id.data), None)
        if compound is None:
            raise DomainError(_("Choose a compound from the list."), field="compound_id")
        return projects.create_project(current_user, compound, _project_data(form))

    return submitted(
        form, create, done=_("Project created."),
        to=lambda project: url_for("renovation.manage", project_id=project.id),
    ) or (render_template("renovation/project_form.html", form=form, project=None),
          form_status())


@bp.route("/projects/<int:project_id>")
@access.public
@access.guard(RenovationProject, "project_id", into="item")
def project(item):
    user = current_user
    homes = [r.household_id for r in user.resident_roles()
             if r.household.compound_id == item.compound_id] if user.is_authenticated else []
    my_plans = [p for p in plans.plans_for_households(homes) if p.project_id == item.id] \
        if homes else None
    return render_template(
        "renovation/project.html", project=item, notices=projects.latest_notices(item),
        my_plans=my_plans,
        steps=supervision.steps_of_project(item) if item.compound.is_member(user) else [],
        can_manage=item.can_manage(user), can_progress=item.can_record_progress(user),
        can_see_plans=item.can_see_plans(user),
        transitions=projects.PROJECT_MACHINE.allowed(item),
        action_labels=projects.PROJECT_ACTION_LABELS,
        buildings=timeline_entries.summaries(item, user) if user.is_authenticated else [])


def _manage_page(item, status=200, **forms):
    forms.setdefault("form", _project_form(ProjectForm(obj=item, formdata=None)))
    if forms["form"].implementing_body_id.data is None:
        forms["form"].implementing_body_id.data = 0
    forms.setdefault("scope_form", ScopeItemForm(formdata=None))
    forms.setdefault("measure_form", MeasureForm(formdata=None))
    forms.setdefault("notice_form", NoticeForm(formdata=None))
    return render_template("renovation/manage.html", project=item, **forms), status


@bp.route("/projects/<int:project_id>/manage", methods=["GET", "POST"])
@access.login
@access.guard(RenovationProject, "project_id", can="can_manage", into="item")
def manage(item):
    if request.method == "GET":
        return _manage_page(item)
    form = _project_form(ProjectForm())
    done = submitted(form, lambda: projects.update_project(current_user, item, _project_data(form)),
        done=_("Project saved."),
        to=url_for("renovation.manage", project_id=item.id))
    return done or _manage_page(item, 422, form=form)


@bp.route("/projects/<int:project_id>/status", methods=["POST"])
@access.login
@access.guard(RenovationProject, "project_id", can="can_manage", into="item")
def project_status(item):
    return attempted(lambda: projects.transition_project(current_user, item,
                                                   request.form.get("action", "")),
        done=lambda _result: _("Status changed to %(status)s.", status=item.status.value),
        to=url_for("renovation.project", project_id=item.id))


@bp.route("/projects/<int:project_id>/scope", methods=["POST"])
@access.login
@access.guard(RenovationProject, "project_id", can="can_manage", into="item")
def add_scope(item):
    form = ScopeItemForm()
    done = submitted(form, lambda: projects.add_scope_item(
        current_user, item, scope_class=form.scope_class.data, kind=form.kind.data,
        title=form.title.data),
        done=_("Scope item added."),
        to=url_for("renovation.manage", project_id=item.id))
    return done or _manage_page(item, 422, scope_form=form)


@bp.route("/projects/<int:project_id>/measures", methods=["POST"])
@access.login
@access.guard(RenovationProject, "project_id", can="can_manage", into="item")
def add_measure(item):
    form = MeasureForm()
    done = submitted(form, lambda: projects.add_measure(current_user, item, name=form.name.data,
                                                     total=form.total.data),
        done=_("Measure added."),
        to=url_for("renovation.manage", project_id=item.id))
    return done or _manage_page(item, 422, measure_form=form)


@bp.route("/projects/<int:project_id>/notices", methods=["POST"])
@access.login
@access.guard(RenovationProject, "project_id", can="can_manage", into="item")
def post_notice(item):
    form = NoticeForm()
    done = submitted(form, lambda: projects.post_notice(current_user, item, title=form.title.data,
                                                     body=form.body.data),
        done=_("Notice posted."),
        to=url_for("renovation.project", project_id=item.id))
    return done or _manage_page(item, 422, notice_form=form)


@bp.route("/projects/<int:project_id>/progress", methods=["GET", "POST"])
@access.login
@access.guard(RenovationProject, "project_id", can="can_record_progress", into="item")
def progress(item):
    form = ProgressForm()
    form.measure_id.choices = choices([(m.id, f"{m.name} ({m.done}/{m.total})")
                                       for m in item.measures])

    def record():
        measure = db.session.get(ProgressMeasure, form.measure_id.data)
        if measure is None or measure.project_id != item.id:
            raise DomainError(_("Choose a measure from the list."), field="measure_id")
        return projects.record_progress(current_user, measure, done=form.done.data,
                                        recorded_on=form.recorded_on.data, note=form.note.data)

    return submitted(form, record, done=_("Progress recorded."),
                     to=url_for("renovation.project", project_id=item.id)) or (
        render_template("renovation/progress.html", project=item, form=form), form_status())


@bp.route("/warranties")
@access.login
def warranties_list():
    page = db.paginate(warranties.warranties_visible_query(current_user), per_page=30,
                       error_out=False)
    expiring = warranties.expiring_parts(current_user.managed_compound_ids()) \
        if _is_manager(current_user) else []
    return render_template("renovation/warranties.html", page=page, expiring=expiring)


def _warranty_form(item):
    form = WarrantyForm()
    form.household_id.choices = choices([(0, "—")] + [(h.id, h.label) for h in _households(item)])
    form.building_id.choices = choices([(0, "—")] + [
        (b.id, _("Building %(n)s", n=b.number)) for b in plans.project_buildings(item)])
    return form


def _households(item):
    from ..directory.models import Household
    return db.session.scalars(db.select(Household).where(
        Household.compound_id == item.compound_id).order_by(Household.code)).all()


@bp.route("/projects/<int:project_id>/warranties/new", methods=["GET", "POST"])
@access.login
@access.guard(RenovationProject, "project_id", can="can_record_progress", into="item")
def new_warranty(item):
    form = _warranty_form(item)
    if request.method == "GET" and request.args.get("household_id", type=int):
        form.household_id.data = request.args.get("household_id", type=int)
    by_household = form.place.data != "building"
    return submitted(
        form, lambda: warranties.sign_warranty(
            current_user, item,
            household_id=(form.household_id.data or None) if by_household else None,
            building_id=None if by_household else (form.building_id.data or None),
            title=form.title.data, signed_on=form.signed_on.data,
            parts=form.parts(), signed_copy=form.signed_copy.data),
        done=_("Warranty recorded."),
        to=lambda warranty: url_for("renovation.warranty", warranty_id=warranty.id),
    ) or (render_template("renovation/warranty_form.html", project=item, form=form),
          form_status())


@bp.route("/warranties/<int:warranty_id>")
@access.login
@access.guard(WarrantyAgreement, "warranty_id", into="item")
def warranty(item):
    return render_template("renovation/warranty.html", warranty=item,
                           files=uploads_for("renovation_warranty", item.id))

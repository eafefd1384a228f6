"""The plan page for the compound's members, and the secretary's page for
uploading the plan and marking buildings and spaces on it."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access
from ..directory.models import Compound
from ..forms import choices
from ..tickets.filing import compounds_for
from ..web import attempted, form_status, submitted
from . import bp, services
from .forms import MarkForm, PlanUploadForm


def _target_label(record):
    number = getattr(record, "number", None)
    return _("Building %(n)s", n=number) if number is not None else record.name


@bp.route("/compounds/<int:compound_id>")
@access.login
@access.guard(Compound, "compound_id", can_view="is_member")
def show(compound):
    plan = services.plan_of(compound.id)
    pins = services.pins(current_user, plan) if plan else []
    can_manage = compound.can_manage(current_user)
    return render_template("siteplan/show.html", compound=compound, plan=plan, pins=pins,
                           can_manage=can_manage,
                           can_propose=can_manage or compound.id in current_user.compound_ids())


@bp.route("/compounds/<int:compound_id>/edit", methods=["GET", "POST"])
@access.login
@access.guard(Compound, "compound_id", can_view="is_member", can="can_manage")
def edit(compound):
    form = PlanUploadForm()
    here = url_for("siteplan.edit", compound_id=compound.id)
    done = submitted(form, lambda: services.upload_plan(current_user, compound,
                                                        request.files.get("picture")),
                     done=_("The site plan is saved."), to=here)
    if done:
        return done
    return _edit_page(compound, form, MarkForm(formdata=None)), form_status()


def _edit_page(compound, upload_form, mark_form):
    plan = services.plan_of(compound.id)
    mark_form.target.choices = choices(
        [("", _l("Choose…"))] + [(key, _target_label(r)) for key, r in services.targets(compound)])
    return render_template("siteplan/edit.html", compound=compound, plan=plan,
                           form=upload_form, mark_form=mark_form)


@bp.route("/compounds/<int:compound_id>/marks", methods=["POST"])
@access.login
@access.guard(Compound, "compound_id", can_view="is_member", can="can_manage")
def mark(compound):
    plan = services.plan_of(compound.id)
    form = MarkForm()
    done = submitted(form, lambda: services.mark(current_user, plan, form.target.data,
                                                 form.x.data, form.y.data),
                     done=_("The place on the plan is saved."),
                     to=url_for("siteplan.edit", compound_id=compound.id))
    return done or (_edit_page(compound, PlanUploadForm(formdata=None), form), form_status())


@bp.route("/compounds/<int:compound_id>/marks/<int:mark_id>/delete", methods=["POST"])
@access.login
@access.guard(Compound, "compound_id", can_view="is_member", can="can_manage")
@access.passes("mark_id")
def unmark(compound, mark_id):
    plan = services.plan_of(compound.id)
    here = url_for("siteplan.edit", compound_id=compound.id)
    return attempted(lambda: services.unmark(current_user, plan, mark_id),
                     done=_("The mark is taken off the plan."), to=here)


def filing_plans():
    """For the filing page: the plans, with marked buildings, of the
    compounds the user may file in, as ``[(compound, plan)]`` — a tap on one
    chooses the nearest building in the "where" list."""
    out = []
    for compound in compounds_for(current_user):
        plan = services.plan_of(compound.id)
        if plan and any(m.building_id for m in plan.marks):
            out.append((compound, plan))
    return out

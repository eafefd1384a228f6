"""Routing rules (secretaries), SLA (street office), dashboard and the public
per-compound summary."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, exports
from ..directory.models import Community, Compound, StreetOffice
from ..extensions import db
from ..renovation.services import projects_by_id
from ..web import form_status, submitted
from . import bp, dashboard, services, sla
from .forms import RuleForm, SlaForm, category_choices
from .models import Category, RoutingRule
from .sla import is_overdue


def _rule_form(compound, formdata=None):
    form = RuleForm(formdata=formdata)
    form.category.choices = category_choices()
    form.organisation_id.choices = [(0, _("Choose…"))] + [
        (o.id, o.name) for o in services.organisations_for(compound)]
    return form


@bp.route("/compounds/<int:compound_id>/rules", methods=["GET", "POST"])
@access.role("secretary", "street_admin")
@access.guard(Compound, "compound_id", can_view="can_manage")
def rules(compound):
    form = _rule_form(compound, request.form if request.method == "POST" else None)
    done = submitted(form, lambda: services.set_rule(current_user, compound, form.category.data,
                                                      form.organisation_id.data,
                                                      form.project_id.data),
                     done=_("Routing rule saved."),
                     to=url_for("tickets.rules", compound_id=compound.id))
    if done:
        return done
    rules_ = services.rules_for(compound)
    projects = projects_by_id(r.project_id for r in rules_ if r.project_id)
    return render_template("tickets/rules.html", compound=compound, form=form,
                           rules=rules_, projects=projects), form_status()


@bp.route("/rules/<int:rule_id>/delete", methods=["POST"])
@access.role("secretary", "street_admin")
@access.guard(RoutingRule, "rule_id")
def delete_rule(rule):
    compound_id = rule.compound_id
    services.delete_rule(current_user, rule)
    flash(_("Routing rule removed: such tickets now go to the secretaries unless a "
            "warranty covers them."), "success")
    return redirect(url_for("tickets.rules", compound_id=compound_id))


def _sla_rows():
    labels = {c.name: c.value for c in Category}
    labels[sla.EMERGENCY] = _("Emergency (any category)")
    return [(key, labels[key], ack, resolve) for key, (ack, resolve) in sla.policies().items()]


def _sla_page(form, status=200):
    return render_template("tickets/sla.html", rows=_sla_rows(), form=form,
                           editable=current_user.has_any_role("street_admin"),
                           failed_key=form.key.data), status


@bp.route("/sla")
@access.role("street_admin", "secretary")
def sla_settings():
    """Secretaries read the service levels their tickets are held to."""
    return _sla_page(SlaForm(formdata=None))


@bp.route("/sla", methods=["POST"])
@access.role("street_admin")
def sla_save():
    """Only the street office sets them."""
    form = SlaForm()
    return submitted(
        form, lambda: sla.set_policy(current_user, form.key.data, form.ack_hours.data,
                                     form.resolve_hours.data),
        done=_("Service level saved. It applies to tickets filed from now on."),
        to=url_for("tickets.sla_settings"),
    ) or _sla_page(form, form_status())


def _streets():
    """The street offices the user oversees (the street filter's choices)."""
    ids = current_user.street_office_ids()
    return db.session.scalars(db.select(StreetOffice).where(StreetOffice.id.in_(ids))
                              .order_by(StreetOffice.name)).all() if ids else []


def _scope():
    """The communities the dashboard counts — the user's, on one street when
    ``?street=`` names one of theirs (issue 17 §9) — and the chosen compound."""
    compound_id = request.args.get("compound", type=int)
    street_id = request.args.get("street", type=int)
    communities = current_user.managed_communities()
    if street_id and street_id in current_user.street_office_ids():
        communities = communities.where(Community.street_office_id == street_id)
    return communities, compound_id


@bp.route("/dashboard")
@access.role("secretary", "street_admin")
def dashboard_page():
    communities, compound_id = _scope()
    data = dashboard.summary(communities, compound_id)
    every_row = request.args.get("rows") == "all"
    cut = {} if every_row else dashboard.shorten(data)
    overdue = dashboard.most_overdue(communities)
    # The compound filter's choices, by community (a street office has
    # hundreds): names only, not whole compounds.
    compounds = db.session.execute(
        db.select(Compound.id, Compound.name, Community.name.label("community"))
        .join(Community, Community.id == Compound.community_id)
        .where(Compound.community_id.in_(communities))
        .order_by(Community.name, Compound.name)).all()
    return render_template("tickets/dashboard.html", data=data,
                           chart=dashboard.chart(data["weekly"]), overdue=overdue,
                           compounds=compounds, compound_id=compound_id, streets=_streets(),
                           street_id=request.args.get("street", type=int),
                           is_overdue=is_overdue, small=dashboard.SMALL, cut=cut,
                           every_row=every_row, long_table=dashboard.LONG_TABLE,
                           overdue_shown=dashboard.OVERDUE_SHOWN,
                           median_weeks=dashboard.MEDIAN_WEEKS)


@bp.route("/dashboard.csv")
@access.role("secretary", "street_admin")
def dashboard_csv():
    communities, compound_id = _scope()
    rows = dashboard.export_rows(dashboard.rows(communities, compound_id))
    return exports.csv_response([dashboard.EXPORT_COLUMNS, *rows], "tickets.csv")


@bp.route("/dashboard.xlsx")
@access.role("secretary", "street_admin")
def dashboard_xlsx():
    communities, compound_id = _scope()
    data = dashboard.summary(communities, compound_id)
    sheets = [(_("Tickets"), [dashboard.EXPORT_COLUMNS, *dashboard.export_rows(
        dashboard.rows(communities, compound_id))])]
    for title, key in dashboard.GROUP_SHEETS:
        rows = [dashboard.GROUP_COLUMNS]
        for name, r in data[key]:
            rows.append([str(name), r["total"], r["response"].num, r["response"].den,
                         r["resolution"].num, r["resolution"].den, r["satisfaction"].num,
                         r["satisfaction"].den, r["reopen"].num, r["reopen"].den])
        sheets.append((title, rows))
    return exports.xlsx_response(sheets, "tickets.xlsx")


@bp.route("/compounds/<int:compound_id>/summary")
@access.public
@access.guard(Compound, "compound_id", can_view=None)
def public_summary(compound):
    """Per-compound figures anyone may see: no names, no descriptions."""
    data = dashboard.summary({compound.community_id}, compound.id)
    return render_template("tickets/summary.html", compound=compound, data=data,
                           chart=dashboard.chart(data["weekly"]))




"""The secretary's page for the support a proposal needs (issue 19 §5)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..directory.models import Compound
from ..errors_domain import DomainError
from ..forms import show_domain_error
from . import bp, progress
from .forms import SupportThresholdForm


@bp.route("/compounds/<int:compound_id>/support-needed", methods=["GET", "POST"])
@access.login
def support_threshold(compound_id):
    compound = access.load(Compound, compound_id, can_view="is_member", can="can_manage")
    threshold = progress.threshold_of(compound.id)
    form = SupportThresholdForm()
    if request.method == "GET":
        form.households.data = str(threshold.households) if threshold else ""
    elif form.validate_on_submit():
        try:
            progress.set_threshold(current_user, compound,
                                   int(form.households.data) if form.households.data else None)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("The support needed is saved."), "success")
            return redirect(request.args.get("next") if (request.args.get("next") or "")
                            .startswith("/spaces/") else url_for("spaces.index"))
    return render_template("spaces/support_threshold.html", compound=compound, form=form,
                           threshold=threshold,
                           households=progress.household_count(compound.id)), \
        (422 if form.errors else 200)

"""The secretary's page for the support a proposal needs (issue 19 §5)."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..directory.models import Compound
from ..web import form_status, safe_next, submitted
from . import bp, progress
from .forms import SupportThresholdForm


@bp.route("/compounds/<int:compound_id>/support-needed", methods=["GET", "POST"])
@access.login
@access.guard(Compound, "compound_id", can_view="is_member", can="can_manage")
def support_threshold(compound):
    threshold = progress.threshold_of(compound.id)
    form = SupportThresholdForm()
    if request.method == "GET":
        form.households.data = str(threshold.households) if threshold else ""
    back = safe_next(request.args.get("next")) or ""
    return submitted(
        form, lambda: progress.set_threshold(
            current_user, compound, int(form.households.data) if form.households.data else None),
        done=_("The support needed is saved."),
        to=back if back.startswith("/spaces/") else url_for("spaces.index"),
    ) or (render_template("spaces/support_threshold.html", compound=compound, form=form,
                          threshold=threshold,
                          households=progress.household_count(compound.id)), form_status())

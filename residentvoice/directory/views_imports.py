"""Spreadsheet import: upload → dry-run preview (every bad row listed,
nothing imported) → confirm (all rows in one transaction)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..errors_domain import DomainError
from ..forms import show_domain_error
from . import bp, importer, spreadsheet
from .forms import ImportForm
from .models import Compound
from ..web import form_status, submitted
from .pages import MANAGERS

SHOWN_ROWS = 30


@bp.route("/compounds/<int:compound_id>/import", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Compound, "compound_id", can_view="can_manage")
def import_upload(compound):
    form = ImportForm()

    def read():
        data = spreadsheet.read_upload(form.file.data)
        plan = importer.plan_import(compound, data, create_buildings=form.create_buildings.data)
        token = spreadsheet.stash(data, user_id=current_user.id, compound_id=compound.id,
                                  filename=form.file.data.filename or "",
                                  create_buildings=form.create_buildings.data)
        return plan, token

    return submitted(form, read, then=lambda result: _preview(
        compound, *result, form.file.data.filename or "")) or (
        render_template("directory/import.html", compound=compound, form=form), form_status())


def _preview(compound, plan, token, filename):
    return render_template("directory/import_preview.html", compound=compound, plan=plan,
                           token=token, filename=filename, shown=plan.rows[:SHOWN_ROWS],
                           form=ImportForm(formdata=None))


@bp.route("/compounds/<int:compound_id>/import/<token>", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Compound, "compound_id", can_view="can_manage")
def import_confirm(compound, token):
    """GET shows the dry run again; POST imports the stashed file after
    checking it once more against the directory as it is now."""
    data, meta = access.found(spreadsheet.unstash(token, user_id=current_user.id,
                                                  compound_id=compound.id))
    if request.method == "GET" and request.args.get("create_buildings") == "1":
        meta = spreadsheet.set_stash_option(token, True)
    try:
        plan = importer.plan_import(compound, data, create_buildings=meta["create_buildings"])
    except DomainError as error:
        form = ImportForm(formdata=None)
        show_domain_error(form, error)
        return render_template("directory/import.html", compound=compound, form=form)
    if plan.clean and request.method == "POST":
        try:
            counts = importer.apply_import(current_user, compound, plan, meta["filename"])
        except DomainError as error:
            flash(str(error.message), "error")
        else:
            spreadsheet.drop_stash(token)
            flash(_("Imported %(households)d households (%(buildings)d new buildings, "
                    "%(new_owners)d new owners, %(matched_owners)d existing owners).",
                    **counts), "success")
            return redirect(url_for("directory.compound", compound_id=compound.id))
    return _preview(compound, plan, token, meta["filename"])

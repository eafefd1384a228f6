"""Each building's renovation timeline (issue 19 §8)."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..directory.models import Building
from ..web import form_status, submitted
from . import bp, timeline, timeline_entries
from .forms import MilestoneForm
from .models import RenovationProject


@bp.route("/projects/<int:project_id>/buildings/<int:building_id>/timeline")
@access.login
@access.guard(RenovationProject, "project_id")
@access.guard(Building, "building_id", within=("project", "compound_id"))
def building_timeline(project, building):
    return render_template("renovation/timeline.html", project=project, building=building,
                           entries=timeline_entries.entries_for(current_user, project, building),
                           can_record=project.can_record_progress(current_user))


@bp.route("/projects/<int:project_id>/buildings/<int:building_id>/timeline/new",
          methods=["GET", "POST"])
@access.login
@access.guard(RenovationProject, "project_id", can="can_record_progress")
@access.guard(Building, "building_id", within=("project", "compound_id"))
def new_milestone(project, building):
    form = MilestoneForm()
    answer = submitted(
        form, lambda: timeline.add_milestone(
            current_user, project, building, happened_on=form.happened_on.data,
            stage=form.stage.data, title=form.title.data, note=form.note.data,
            photos=request.files.getlist("photos")),
        done=_("The step is on the building's timeline."),
        to=url_for("renovation.building_timeline", project_id=project.id,
                   building_id=building.id))
    if answer:
        return answer
    return render_template("renovation/timeline_form.html", project=project, building=building,
                           form=form), form_status()

"""Agenda items, their order, and residents' suggestions."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from .. import signals
from ..directory.models import Compound
from ..extensions import db
from . import agenda, bp
from .forms import AgendaItemForm, DeclineForm, SuggestionForm
from ..web import attempted, form_status, submitted
from .helpers import back_url
from .models import AgendaItem, Meeting
from .views import render_detail


def _item_data(form):
    return {"title": form.title.data, "description": form.description.data or "",
            "time_box_minutes": form.time_box_minutes.data,
            "presenter": form.presenter.data or ""}


def _item_form(meeting, obj=None):
    """The agenda item form, its linked record picked from the ballots and
    proposals of the meeting's compound (or its community's compounds)."""
    form = AgendaItemForm(obj=obj)
    compound_ids = [meeting.compound_id] if meeting.compound_id else db.session.scalars(
        db.select(Compound.id).where(Compound.community_id == meeting.community_id)).all()
    form.set_ref_choices(signals.link_choices("ballot", compound_ids, current_user)
                         + signals.link_choices("proposal", compound_ids, current_user))
    return form


@bp.route("/<int:meeting_id>/items/new", methods=["GET", "POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_manage")
def add_item(meeting):
    form = _item_form(meeting)
    done = submitted(form, lambda: agenda.add_item(current_user, meeting, refs=form.refs(),
                                                   **_item_data(form)),
                     done=_("Agenda item added."),
                     to=url_for("meetings.detail", meeting_id=meeting.id))
    return done or (render_template("meetings/item_form.html", form=form, meeting=meeting,
                                    item=None), form_status())


@bp.route("/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_manage")
@access.guard(AgendaItem, "item_id", within="meeting")
def edit_item(meeting, item):
    form = _item_form(meeting, obj=item if request.method == "GET" else None)
    if request.method == "GET" and item.refs:
        form.ref.data = f"{item.refs[0].ref_kind}:{item.refs[0].ref_id}"
    done = submitted(form, lambda: agenda.update_item(current_user, meeting, item,
                                                      refs=form.refs(), **_item_data(form)),
                     done=_("Agenda item saved."),
                     to=url_for("meetings.detail", meeting_id=meeting.id))
    return done or (render_template("meetings/item_form.html", form=form, meeting=meeting,
                                    item=item), form_status())


@bp.route("/<int:meeting_id>/items/<int:item_id>/delete", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_manage")
@access.guard(AgendaItem, "item_id", within="meeting")
def delete_item(meeting, item):
    return attempted(lambda: agenda.remove_item(current_user, meeting, item),
                     done=_("Agenda item removed."), to=back_url(meeting))


@bp.route("/<int:meeting_id>/items/<int:item_id>/move", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_manage")
@access.guard(AgendaItem, "item_id", within="meeting")
def move_item(meeting, item):
    """Up/down buttons: reordering works without JavaScript."""
    return attempted(lambda: agenda.move_item(current_user, meeting, item,
                                              request.form.get("direction")),
                     to=back_url(meeting))


@bp.route("/<int:meeting_id>/suggestions", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id")
def suggest(meeting):
    form = SuggestionForm()
    return submitted(
        form, lambda: agenda.suggest(current_user, meeting, title=form.title.data,
                                     description=form.description.data),
        done=_("Thank you. The secretary will accept or decline your suggestion."),
        to=url_for("meetings.detail", meeting_id=meeting.id),
    ) or render_detail(meeting, suggestion_form=form, status=422)


@bp.route("/<int:meeting_id>/suggestions/<int:suggestion_id>/accept", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_manage")
@access.passes("suggestion_id")
def accept_suggestion(meeting, suggestion_id):
    return attempted(lambda: agenda.accept_suggestion(current_user, meeting, suggestion_id),
                     done=_("The suggestion is on the agenda."), to=back_url(meeting))


@bp.route("/<int:meeting_id>/suggestions/<int:suggestion_id>/decline", methods=["GET", "POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_manage")
@access.passes("suggestion_id")
def decline_suggestion(meeting, suggestion_id):
    suggestion = agenda.get_suggestion(meeting, suggestion_id)
    form = DeclineForm()
    done = submitted(form, lambda: agenda.decline_suggestion(current_user, meeting, suggestion_id,
                                                             form.reason.data),
                     done=_("The suggestion is declined; the resident sees your reason."),
                     to=url_for("meetings.detail", meeting_id=meeting.id))
    return done or (render_template("meetings/decline.html", form=form, meeting=meeting,
                                    suggestion=suggestion), form_status())

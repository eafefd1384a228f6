"""Minutes: draft, edit, approve, publish (via the transition view), print,
comment during 公示; action items."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from . import attendance, bp, minutes
from .forms import ActionForm, CommentForm, MinutesForm
from ..web import attempted, form_status, safe_next, submitted
from .helpers import back_url
from .models import ActionItem, Meeting, MeetingStatus

WITH_MINUTES = (MeetingStatus.minutes_draft, MeetingStatus.minutes_published)


def _render(meeting, minutes_form=None, comment_form=None, action_form=None, status=200):
    if minutes_form is None:
        minutes_form = MinutesForm(data={"text": meeting.minutes_text})
    action_form = action_form or ActionForm()
    action_form.owner_id.choices = minutes.owner_choices(meeting)
    motions = minutes.motions_of(meeting)
    return render_template(
        "meetings/minutes.html", meeting=meeting, minutes_form=minutes_form,
        comment_form=comment_form or CommentForm(), action_form=action_form,
        actions=minutes.actions_of(meeting), comments=minutes.comments_of(meeting),
        motions=motions, vote_parts=minutes.vote_breakdown(motions),
        summary=attendance.summary(meeting),
        comments_open=minutes.comments_open(meeting),
        can_comment=minutes.can_comment(meeting, current_user),
        recording=meeting.can_record(current_user)), status


@bp.route("/<int:meeting_id>/minutes", methods=["GET", "POST"])
@access.login
@access.guard(Meeting, "meeting_id", can_view="can_read_minutes",
              can={"GET": None, "POST": "can_record"})
def minutes_page(meeting):
    if request.method == "GET":
        return _render(meeting)
    form = MinutesForm()
    done = submitted(form, lambda: minutes.edit(current_user, meeting, form.text.data),
                     done=_("Minutes saved."),
                     to=url_for("meetings.minutes_page", meeting_id=meeting.id))
    return done or _render(meeting, minutes_form=form, status=422)


@bp.route("/<int:meeting_id>/minutes/approve", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_approve_minutes")
def approve_minutes(meeting):
    return attempted(lambda: minutes.approve(current_user, meeting),
                     done=_("You approved the minutes."),
                     to=back_url(meeting, "meetings.minutes_page"))


@bp.route("/<int:meeting_id>/minutes/print")
@access.login
@access.guard(Meeting, "meeting_id", can_view="can_read_minutes")
def print_minutes(meeting):
    return render_template("meetings/minutes_print.html", meeting=meeting,
                           actions=minutes.actions_of(meeting))


@bp.route("/<int:meeting_id>/minutes/comments", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can_view="can_read_published_minutes")
def comment(meeting):
    form = CommentForm()
    done = submitted(form, lambda: minutes.comment(current_user, meeting, form.body.data),
                     done=_("Thank you for your comment."),
                     to=url_for("meetings.minutes_page", meeting_id=meeting.id))
    return done or _render(meeting, comment_form=form, status=422)


@bp.route("/<int:meeting_id>/actions", methods=["GET", "POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_record")
def add_action(meeting):
    form = ActionForm()
    form.owner_id.choices = minutes.owner_choices(meeting)
    done = submitted(form, lambda: minutes.add_action(current_user, meeting, text=form.text.data,
                                                      owner_id=form.owner_id.data,
                                                      due_on=form.due_on.data),
                     done=_("Action item added."),
                     to=url_for("meetings.detail", meeting_id=meeting.id))
    return done or (render_template("meetings/action_form.html", meeting=meeting, form=form),
                    form_status())


@bp.route("/actions/<int:action_id>/done", methods=["POST"])
@access.login
@access.guard(ActionItem, "action_id", can="can_complete")
def action_done(action):
    action
    return attempted(lambda: minutes.complete_action(current_user, action.id),
                     done=_("Marked as done."),
                     to=safe_next(request.form.get("next")) or url_for("main.home"))

"""Check-in by QR code on one's own phone, by the secretary from a list, and
the attendance page with quorum."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..errors_domain import DomainError
from . import attendance, bp
from .helpers import back, failed, load_meeting, qr_svg
from .models import Meeting
from ..extensions import db


@bp.route("/<int:meeting_id>/checkin/<token>", methods=["GET", "POST"])
@access.login
def checkin(meeting_id, token):
    """The QR code's secret URL: only its holders (people in the room) reach it."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.checkin_token_is(token):
        abort(404)
    if request.method == "POST":
        try:
            attendance.check_in_self(current_user, meeting, token)
        except DomainError as error:
            failed(error)
        else:
            flash(_("You are checked in. Welcome!"), "success")
            return redirect(url_for("meetings.live", meeting_id=meeting.id))
    return render_template("meetings/checkin.html", meeting=meeting, token=token,
                           mine=attendance.attendance_of(meeting, current_user.id),
                           open=attendance.checkin_open(meeting))


@bp.route("/<int:meeting_id>/attendance")
@access.login
def attendance_page(meeting_id):
    meeting = load_meeting(meeting_id)
    recording = meeting.can_record(current_user)
    query = request.args.get("q", "")[:60]
    rows = attendance.invitee_list(meeting, query) if recording else []
    qr = None
    if recording:
        qr = qr_svg(url_for("meetings.checkin", meeting_id=meeting.id,
                            token=meeting.checkin_token, _external=True), 4)
    return render_template("meetings/attendance.html", meeting=meeting,
                           summary=attendance.summary(meeting), recording=recording,
                           rows=rows[:100], more=len(rows) > 100, query=query, qr=qr,
                           present=attendance.present(meeting),
                           open=attendance.checkin_open(meeting))


@bp.route("/<int:meeting_id>/attendance/<int:user_id>", methods=["POST"])
@access.login
def check_in_person(meeting_id, user_id):
    meeting = load_meeting(meeting_id, can="can_record")
    try:
        entry = attendance.check_in_other(current_user, meeting, user_id)
    except DomainError as error:
        failed(error)
    else:
        flash(_("%(name)s is checked in.", name=entry.user.name), "success")
    return back(meeting, "meetings.attendance_page")

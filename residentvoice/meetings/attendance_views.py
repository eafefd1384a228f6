"""Check-in by QR code on one's own phone, by the secretary from a list, and
the attendance page with quorum."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..web import attempted
from . import attendance, bp
from .helpers import back_url, qr_svg
from .models import Meeting


def holds_the_code(_user, meeting):
    """Who holds the check-in code in the address (people in the room) may
    know the meeting by it."""
    return meeting.checkin_token_is(request.view_args["token"])


@bp.route("/<int:meeting_id>/checkin/<token>", methods=["GET", "POST"])
@access.login
@access.guard(Meeting, "meeting_id", can_view=holds_the_code)
def checkin(meeting, token):
    """The QR code's secret URL: only its holders (people in the room) reach it."""
    if request.method == "POST":
        return attempted(lambda: attendance.check_in_self(current_user, meeting, token),
                         done=_("You are checked in. Welcome!"),
                         to=url_for("meetings.live", meeting_id=meeting.id),
                         back=url_for("meetings.checkin", meeting_id=meeting.id, token=token))
    return render_template("meetings/checkin.html", meeting=meeting, token=token,
                           mine=attendance.attendance_of(meeting, current_user.id),
                           open=attendance.checkin_open(meeting))


@bp.route("/<int:meeting_id>/attendance")
@access.login
@access.guard(Meeting, "meeting_id")
def attendance_page(meeting):
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
@access.guard(Meeting, "meeting_id", can="can_record")
@access.passes("user_id")
def check_in_person(meeting, user_id):
    return attempted(lambda: attendance.check_in_other(current_user, meeting, user_id),
                     done=lambda entry: _("%(name)s is checked in.", name=entry.user.name),
                     to=back_url(meeting, "meetings.attendance_page"))

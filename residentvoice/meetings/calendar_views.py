"""Calendar routes (issue 19 §6): ``.ics`` files for one meeting and one
ballot window, and each user's subscription feed behind a secret address
(phone calendars fetch it without a session)."""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, web
from ..voting.models import Ballot
from . import calendar
from .models import Meeting

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


def _base_url():
    return request.url_root.rstrip("/")


def _ics(body, filename):
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/meetings/<int:meeting_id>.ics")
@access.login
@access.guard(Meeting, "meeting_id")
def meeting_file(meeting):
    return _ics(calendar.meeting_ics(meeting, _base_url()), f"meeting-{meeting.id}.ics")


@bp.route("/ballots/<int:ballot_id>.ics")
@access.login
@access.guard(Ballot, "ballot_id")
def ballot_file(ballot):
    return _ics(calendar.ballot_ics(ballot, _base_url()), f"ballot-{ballot.id}.ics")


@bp.route("/")
@access.login
def settings():
    return render_template("meetings/calendar.html", feed=calendar.feed_of(current_user),
                           feed_url=None)


@bp.route("/feed", methods=["POST"])
@access.login
def new_feed():
    """Make (or replace) the feed address and show it, this once."""
    token = calendar.new_feed(current_user)
    feed_url = url_for("calendar.feed", token=token, _external=True)
    return render_template("meetings/calendar.html", feed=calendar.feed_of(current_user),
                           feed_url=feed_url)


@bp.route("/feed/revoke", methods=["POST"])
@access.login
def revoke_feed():
    calendar.revoke_feed(current_user)
    flash(_("The calendar address is turned off: calendars that used it get nothing more."),
          "success")
    return redirect(url_for("calendar.settings"))


@bp.route("/feed/<token>.ics")
@access.public
def feed(token):
    """The feed itself: the secret in the address stands for the user."""
    user = access.found(calendar.feed_user(token))
    body = calendar.feed_ics(user, _base_url())
    web.about_to_write()        # read, now noted: the write lock only for that
    calendar.feed_read(token)
    return _ics(body, "residentvoice.ics")

"""Live moderation screens: the chair's (tablet/projector) and the residents'
(phone), a small polled fragment, and the actions behind their buttons."""
from flask import flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..web import attempted, submitted
from . import attendance, bp, moderation, phone_votes
from .forms import FloorForm, MotionForm, VoteForm
from .helpers import back, back_url, qr_svg
from .models import Meeting, Side
from .phone_vote_models import VoteChoice

# A motion's steps the chair or a manager takes; anyone present seconds or
# withdraws (moderation checks who may, and when).
# Seconding and withdrawing: anyone who sees the meeting asks; the service checks who
# may (an attendee seconds, the mover withdraws) under the meeting's lock.
STEP_PERMISSION = {"second": None, "withdraw": None, "debate": "can_chair", "vote": "can_chair",
                   "ballot": "can_manage"}

SCREENS = {"live": "meetings/_live_panel.html", "chair": "meetings/_chair_panel.html"}
SCREEN_PERMISSION = {"live": None, "chair": "can_chair"}   # who sees the meeting sees it live


def _context(meeting, motion_form=None, vote_form=None, screen="live"):
    summary = attendance.summary(meeting) if screen == "chair" else None
    can_refer = meeting.compound_id is not None and meeting.can_manage(current_user)
    state = moderation.live_state(meeting, current_user)
    motion = state["motion"]
    state.update(phone_votes.screen_state(meeting, motion, current_user))
    advisory = moderation.advisory_reason(meeting, motion) \
        if screen == "chair" and motion is not None and motion.status.name == "voting" else None
    return dict(state, floor_form=FloorForm(),
                motion_form=motion_form or MotionForm(), vote_form=vote_form or VoteForm(),
                can_refer=can_refer, summary=summary, advisory=advisory,
                vote_choices=list(VoteChoice))


def _page(meeting, screen, status=200, **forms):
    template = "meetings/chair.html" if screen == "chair" else "meetings/live.html"
    extra = {}
    if screen == "chair":
        extra["checkin_qr"] = qr_svg(url_for("meetings.checkin", meeting_id=meeting.id,
                                             token=meeting.checkin_token, _external=True), 3)
    return render_template(template, screen=screen, **_context(meeting, screen=screen, **forms),
                           **extra), status


@bp.route("/<int:meeting_id>/live")
@access.login
@access.guard(Meeting, "meeting_id")
def live(meeting):
    return _page(meeting, "live")


@bp.route("/<int:meeting_id>/chair")
@access.login
@access.guard(Meeting, "meeting_id", can="can_chair")
def chair(meeting):
    return _page(meeting, "chair")


@bp.route("/<int:meeting_id>/<any(live, chair):screen>/state")
@access.login
@access.guard(Meeting, "meeting_id", can=SCREEN_PERMISSION, by="screen")
def state(meeting, screen):
    """The polled fragment: 204 when nothing changed since ``?since=<version>``."""
    template = SCREENS[screen]
    since = request.args.get("since", type=int)
    if since is not None and since == meeting.live_version:
        response = make_response("", 204)
    else:
        response = make_response(render_template(template, screen=screen,
                                                 **_context(meeting, screen=screen)))
    response.headers["X-Live-Version"] = str(meeting.live_version)
    response.headers["Cache-Control"] = "no-store"
    return response


def _screen():
    return "chair" if request.form.get("screen") == "chair" else "live"


def _act(meeting, fn, *args, done=None, **kwargs):
    """A button on the live or chair screen: back to the screen it was on."""
    return attempted(lambda: fn(current_user, meeting, *args, **kwargs), done=done,
                     to=back_url(meeting, f"meetings.{_screen()}"))


@bp.route("/<int:meeting_id>/motions", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id")
def move(meeting):
    form = MotionForm()
    return submitted(form, lambda: moderation.move(current_user, meeting, form.text.data),
                     done=_("Your motion is on the floor. It needs a seconder."),
                     to=back_url(meeting, "meetings.live")) or \
        _page(meeting, "live", 422, motion_form=form)


@bp.route("/<int:meeting_id>/motions/<int:motion_id>/"
          "<any(second, debate, withdraw, vote, ballot):step>", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can=STEP_PERMISSION, by="step")
@access.passes("motion_id")
def motion_step(meeting, motion_id, step):
    fn = {"second": moderation.second, "debate": moderation.accept_for_debate,
          "withdraw": moderation.withdraw, "vote": moderation.call_vote,
          "ballot": moderation.refer_to_ballot}[step]
    done = {"second": _("You seconded the motion."),
            "debate": _("The motion is open for debate."),
            "withdraw": _("The motion is withdrawn."),
            "vote": _("The vote is called: those present vote on their phones; count "
                      "the hands of the others."),
            "ballot": _("A draft owners' ballot was created from the motion. Set its dates "
                        "and announce it on the ballot page.")}[step]
    return _act(meeting, fn, motion_id, done=done)


@bp.route("/<int:meeting_id>/motions/<int:motion_id>/count", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_count")
@access.passes("motion_id")
def count(meeting, motion_id):
    form = VoteForm()
    return submitted(
        form, lambda: moderation.record_vote(current_user, meeting, motion_id,
                                             votes_for=form.votes_for.data,
                                             votes_against=form.votes_against.data,
                                             votes_abstain=form.votes_abstain.data),
        done=lambda motion: _("Recorded: %(result)s.", result=motion.status.value),
        to=back_url(meeting, "meetings.chair"),
    ) or _page(meeting, "chair", 422, vote_form=form)


@bp.route("/<int:meeting_id>/motions/<int:motion_id>/phone-vote", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id")
@access.passes("motion_id")
def phone_vote(meeting, motion_id):
    """An attendee's vote from the live screen on their phone (issue 19 §7)."""
    choice = VoteChoice.__members__.get(request.form.get("choice", ""))
    return _act(meeting, phone_votes.cast, motion_id, choice,
                done=lambda vote: _("Your vote is counted: %(choice)s. You can change it until "
                                    "the chair records the count.", choice=vote.choice.value))


@bp.route("/<int:meeting_id>/floor", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id")
def request_floor(meeting):
    side = Side.__members__.get(request.form.get("side", ""))
    return _act(meeting, moderation.request_floor, side,
                done=_("You are in the queue. The chair will call you."))


@bp.route("/<int:meeting_id>/floor/<int:request_id>/cancel", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id")
@access.passes("request_id")
def cancel_floor(meeting, request_id):
    return _act(meeting, moderation.cancel_request, request_id,
                done=_("Your request to speak is withdrawn."))


@bp.route("/<int:meeting_id>/speakers/<any(next, end):step>", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_chair")
def speakers(meeting, step):
    if step == "end":
        return _act(meeting, moderation.end_speech)

    def call_next():
        if moderation.call_next(current_user, meeting) is None:
            flash(_("Nobody is waiting to speak."), "info")

    return attempted(call_next, to=back_url(meeting, "meetings.chair"))


@bp.route("/<int:meeting_id>/current", methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can="can_chair")
def current_item(meeting):
    item_id = request.form.get("item_id", type=int)
    if item_id is None:
        flash(_("Choose an agenda item."), "error")
        return back(meeting, "meetings.chair")
    return _act(meeting, moderation.set_current_item, item_id)

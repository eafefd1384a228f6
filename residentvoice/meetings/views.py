"""Meetings: list, call, edit, detail, state changes and the printable notice."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access
from ..directory.services import compounds_managed_by
from ..extensions import db
from ..main.sections import home_section, nav_item
from ..models import utcnow
from . import agenda, bp, core, minutes, services
from .forms import DeclineForm, MeetingForm, SuggestionForm
from ..web import attempted, form_status, submitted
from .helpers import back_url, from_local, local_input, qr_svg
from .models import InviteeScope, MeetingKind, MeetingStatus
from .models import Meeting

nav_item(30, "meetings.index", _l("Meetings"))


@home_section(20, "meetings/_home_actions.html")
def action_items_section(user):
    actions = minutes.open_actions_for(user)
    return {"actions": actions} if actions else None


@home_section(25, "meetings/_home_upcoming.html")
def upcoming_section(user):
    if not user.resident_roles():
        return None
    found = db.session.scalars(services.meetings_for(user, upcoming=True).limit(3)).all()
    found = [m for m in found if m.status is not MeetingStatus.draft]
    return {"meetings": found} if found else None


@home_section(22, "meetings/_home_minutes.html")
def minutes_for_comment_section(user):
    """Residents: published minutes still open for comment (公示) — one query."""
    if not user.resident_roles():
        return None
    found = db.session.scalars(services.meetings_for(user).where(
        Meeting.status == MeetingStatus.minutes_published,
        Meeting.comments_until > utcnow()).limit(3)).all()
    return {"meetings": found} if found else None


@bp.route("/")
@access.login
def index():
    page = db.paginate(services.meetings_for(current_user), per_page=20, error_out=False)
    can_call = bool(current_user.managed_community_ids())
    return render_template("meetings/index.html", page=page, can_call=can_call)


def _fill_choices(form, community_id=None, compound_id=None):
    people = core.officer_candidates(community_id, compound_id) if community_id else []
    pairs = [(u.id, u.name) for u in people]
    form.chair_id.choices = pairs
    form.recorder_id.choices = pairs
    form.named.choices = pairs


def _form_data(form):
    data = {name: form[name].data for name in (
        "title", "place", "duration_minutes", "chair_id", "recorder_id", "speech_seconds",
        "speeches_per_motion", "publicity_days")}
    data["kind"] = MeetingKind[form.kind.data]
    data["invitees"] = InviteeScope[form.invitees.data]
    data["starts_at"] = from_local(form.starts_at.data)
    return data


def _target(compounds):
    """The compound (or the whole community) chosen on the first step."""
    communities = {c.community_id: c.community for c in compounds}
    target = request.values.get("target", "")
    kind, _sep, ident = target.partition("-")
    compound_id = request.values.get("compound_id", type=int)
    community_id = request.values.get("community_id", type=int)
    if ident.isdigit():
        compound_id, community_id = (int(ident), None) if kind == "compound" else \
            (None, int(ident))
    compound = next((c for c in compounds if c.id == compound_id), None)
    if compound is not None:
        return compound, compound.community
    return None, communities.get(community_id)


@bp.route("/new", methods=["GET", "POST"])
@access.role("secretary", "street_admin")
def create():
    """Two steps without JavaScript: choose the compound (or the whole
    community), then fill in the rest."""
    compounds = compounds_managed_by(current_user)
    form = MeetingForm()
    compound, community = _target(compounds)
    if community is None:
        communities = sorted({c.community for c in compounds}, key=lambda c: c.name)
        return render_template("meetings/choose_compound.html", form=form, compounds=compounds,
                               communities=communities)
    form.compound_id.choices = [(compound.id if compound else 0,
                                 compound.name if compound else community.name)]
    form.compound_id.data = compound.id if compound else 0
    _fill_choices(form, community.id, compound.id if compound else None)
    if request.method == "GET" and current_user.id in {c[0] for c in form.chair_id.choices}:
        form.chair_id.data = form.recorder_id.data = current_user.id
    return submitted(
        form, lambda: services.create_meeting(
            current_user, compound_id=compound.id if compound else None,
            community_id=community.id, named_user_ids=form.named.data or [], **_form_data(form)),
        done=_("Meeting saved as a draft. Add the agenda, then announce it."),
        to=lambda meeting: url_for("meetings.detail", meeting_id=meeting.id),
    ) or (render_template("meetings/form.html", form=form, compound=compound,
                          community=community, meeting=None), form_status())


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@access.role("secretary", "street_admin")
@access.guard(Meeting, "meeting_id", can="can_manage")
def edit(meeting):
    form = MeetingForm(obj=meeting if request.method == "GET" else None)
    form.compound_id.choices = [(meeting.compound_id or 0, meeting.place_name)]
    form.compound_id.data = meeting.compound_id or 0
    _fill_choices(form, meeting.community_id, meeting.compound_id)
    if request.method == "GET":
        form.kind.data = meeting.kind.name
        form.invitees.data = meeting.invitees.name
        form.starts_at.data = local_input(meeting.starts_at)
        form.named.data = [i.user_id for i in meeting.named_invitees]
    return submitted(
        form, lambda: services.update_meeting(current_user, meeting,
                                              named_user_ids=form.named.data or [],
                                              **_form_data(form)),
        done=_("Meeting saved."), to=url_for("meetings.detail", meeting_id=meeting.id),
    ) or (render_template("meetings/form.html", form=form, compound=meeting.compound,
                          community=meeting.community, meeting=meeting), form_status())


def render_detail(meeting, suggestion_form=None, status=200):
    invited = core.is_invited(meeting, current_user)
    managing = meeting.can_manage(current_user)
    return render_template(
        "meetings/detail.html", meeting=meeting, invited=invited, managing=managing,
        links=agenda.resolved_refs(meeting, current_user),
        actions=services.allowed_actions(meeting, current_user),
        action_labels=services.ACTION_LABELS,
        suggestion_form=suggestion_form or SuggestionForm(),
        decline_form=DeclineForm(),
        suggestions=agenda.suggestions_of(meeting, None if managing else current_user),
        action_items=minutes.actions_of(meeting)), status


@bp.route("/<int:meeting_id>")
@access.login
@access.guard(Meeting, "meeting_id")
def detail(meeting):
    return render_detail(meeting)


@bp.route("/<int:meeting_id>/<any(announce, open, adjourn, draft_minutes, publish):action>",
          methods=["POST"])
@access.login
@access.guard(Meeting, "meeting_id", can=services.ACTION_PERMISSION, by="action")
def transition(meeting, action):
    return attempted(lambda: services.transition(current_user, meeting, action),
                     done=_("Done: %(action)s.", action=services.ACTION_LABELS[action]),
                     to=back_url(meeting))


@bp.route("/<int:meeting_id>/notice")
@access.login
@access.guard(Meeting, "meeting_id")
def notice(meeting):
    """The printable A4 notice for the wall: agenda and a QR code to the meeting page."""
    url = url_for("meetings.detail", meeting_id=meeting.id, _external=True)
    return render_template("meetings/notice.html", meeting=meeting, qr=qr_svg(url, 5), url=url,
                           links=agenda.resolved_refs(meeting, current_user))

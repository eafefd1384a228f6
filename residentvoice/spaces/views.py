"""Pages for vacated spaces: list, create/edit, detail with status history and
progress, comparison of proposals, and the hand-off to meetings and ballots."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import format_decimal, to_utc
from flask_login import current_user

from .. import access
from ..directory.models import Compound
from ..extensions import db
from ..forms import choices
from ..main.sections import home_section, nav_item
from ..uploads.models import Upload
from ..uploads.services import uploads_for
from ..web import attempted, form_status, submitted
from . import bp, handoff, queries, services
from .forms import (AgendaForm, BallotForm, EditSpaceForm, PhotoForm, ProgressForm, SpaceForm,
                    StatusForm)
from .models import ProposalStatus, Space, SpaceStatus
from .workflow import SPACE_ACTION_LABELS, allowed_space_actions

# Space steps a secretary takes by hand; "decide" follows a council decision or a ballot.
MANUAL_SPACE_ACTIONS = ("deliberate", "back_to_vacated", "start_construction", "complete")

nav_item(40, "spaces.index", _l("Spaces & proposals"),
         lambda user: user.is_authenticated and bool(user.roles))


nav_item(41, "spaces.review_queue", _l("Proposals to review"),
         lambda user: user.is_authenticated and user.has_any_role("secretary", "street_admin"))


@home_section(7, "spaces/_home_review.html")
def review_section(user):
    """Secretaries: how many proposals wait for their review (one count)."""
    if not user.has_any_role("secretary", "street_admin"):
        return None
    waiting = queries.review_count(user)
    return {"waiting": waiting} if waiting else None


@home_section(30, "spaces/_home.html")
def open_proposals_section(user):
    """Residents: proposals open for support in their compound."""
    if not user.resident_roles():
        return None
    proposals = queries.open_for_support(user)
    if not proposals:
        return None
    counts, mine = queries.support_summary(user, [p.id for p in proposals])
    return {"proposals": proposals, "counts": counts, "mine": mine}


@bp.app_template_filter("yuan")
def format_yuan(value):
    """An amount in yuan, exact to the fen, in the reader's locale."""
    if value is None:
        return ""
    return _("¥%(amount)s", amount=format_decimal(value, format="#,##0.00"))


def photo_of(form):
    data = form.photo.data if form.photo is not None else None
    return data if data and getattr(data, "filename", "") else None


@bp.route("/")
@access.login
def index():
    compounds = queries.compounds_for(current_user)
    grouped = queries.spaces_by_compound(compounds)
    space_ids = [s.id for spaces in grouped.values() for s in spaces]
    return render_template("spaces/index.html", compounds=compounds, grouped=grouped,
                           counts=queries.proposal_counts(space_ids),
                           managed=current_user.managed_compound_ids())


@bp.route("/review")
@access.role("secretary", "street_admin")
def review_queue():
    """Proposals waiting for the compliance review, the longest waiting first."""
    return render_template("spaces/review_queue.html",
                           proposals=queries.review_queue(current_user))


@bp.route("/new", methods=["GET", "POST"])
@access.role("secretary", "street_admin")
def new_space():
    compound = access.load(Compound, request.args.get("compound_id", type=int) or 0,
                           can_view="is_member", can="can_manage")
    form = SpaceForm()
    return submitted(
        form, lambda: services.create_space(current_user, compound, form.data, photo_of(form)),
        done=lambda space: _("Space “%(name)s” added.", name=space.name),
        to=lambda space: url_for("spaces.space", space_id=space.id),
    ) or (render_template("spaces/space_form.html", form=form, compound=compound, space=None),
          form_status())


@bp.route("/<int:space_id>/edit", methods=["GET", "POST"])
@access.login
@access.guard(Space, "space_id", can="can_manage")
def edit_space(space):
    form = EditSpaceForm(obj=space if request.method == "GET" else None)
    if request.method == "GET":
        form.origin.data = space.origin.name
        for name in ("area_m2", "latitude", "longitude"):
            value = getattr(space, name)
            getattr(form, name).data = "" if value is None else f"{value}"
    return submitted(form, lambda: services.update_space(current_user, space, form.data),
                     done=_("Space saved."), to=url_for("spaces.space", space_id=space.id)) or (
        render_template("spaces/space_form.html", form=form, compound=space.compound,
                        space=space), form_status())


def _progress_photos(space):
    ids = [p.id for p in space.progress]
    if not ids:
        return {}
    rows = db.session.scalars(db.select(Upload).where(
        Upload.object_type == "space_progress", Upload.object_id.in_(ids))).all()
    photos = {}
    for upload in rows:
        photos.setdefault(upload.object_id, []).append(upload)
    return photos


def _agenda_form(space, open_proposals, form=None):
    form = form or AgendaForm(formdata=None)
    form.proposal_ids.choices = choices([(p.id, p.title) for p in open_proposals])
    form.meeting_id.choices = choices([(m["id"], m["title"]) for m in
                                       handoff.upcoming_meetings(space.compound_id)])
    return form


def space_page(space, status=200, **forms):
    queries.load_space_details(space)
    proposals = queries.visible_proposals(space, current_user)
    manage = space.can_manage(current_user)
    open_proposals = [p for p in proposals if p.status is ProposalStatus.open]
    context = {
        "space": space, "proposals": proposals, "manage": manage,
        "photos": uploads_for("space", space.id), "progress_photos": _progress_photos(space),
        "counts": queries.support_counts([p.id for p in proposals]),
        "actions": [(a, SPACE_ACTION_LABELS[a]) for a in allowed_space_actions(current_user, space)
                    if a in MANUAL_SPACE_ACTIONS] if manage else [],
        "status_form": forms.get("status_form") or StatusForm(formdata=None),
        "progress_form": forms.get("progress_form") or ProgressForm(formdata=None),
        "photo_form": forms.get("photo_form") or PhotoForm(formdata=None),
        "can_propose": space.can_propose(current_user) and space.status in (
            SpaceStatus.vacated, SpaceStatus.deliberating),
        "meetings": manage,
        "ballots": manage,
        "open_proposals": open_proposals,
        "ballot_candidates": [p for p in proposals if p.status in (
            ProposalStatus.open, ProposalStatus.on_agenda)],
        "awaiting": queries.awaiting_review(space) if manage else [],
        "flagged": queries.flagged_comments(space) if manage else [],
    }
    if context["meetings"]:
        context["agenda_form"] = _agenda_form(space, open_proposals, forms.get("agenda_form"))
    return render_template("spaces/space.html", **context), status


@bp.route("/<int:space_id>")
@access.login
@access.guard(Space, "space_id", options=queries.space_details())
def space(space):
    return space_page(space)


@bp.route("/<int:space_id>/photos", methods=["POST"])
@access.login
@access.guard(Space, "space_id", can="can_manage")
def space_photo(space):
    form = PhotoForm()
    return submitted(form, lambda: services.add_space_photo(current_user, space, photo_of(form)),
                     done=_("Photo added."), to=url_for("spaces.space", space_id=space.id)) or \
        space_page(space, 422, photo_form=form)


@bp.route("/<int:space_id>/status", methods=["POST"])
@access.login
@access.guard(Space, "space_id", can="can_manage")
def space_status(space):
    form = StatusForm()
    action = form.action.data
    if not form.validate() or action not in MANUAL_SPACE_ACTIONS:
        flash(_("Choose a step."), "error")
        return redirect(url_for("spaces.space", space_id=space.id))
    return attempted(
        lambda: services.change_space_status(current_user, space, action, form.reason.data),
        done=lambda _result: _("The space is now “%(status)s”.", status=space.status.value),
        to=url_for("spaces.space", space_id=space.id))


@bp.route("/<int:space_id>/progress", methods=["POST"])
@access.login
@access.guard(Space, "space_id", can="can_manage")
def space_progress(space):
    form = ProgressForm()
    return submitted(
        form, lambda: services.record_progress(current_user, space, form.data, photo_of(form)),
        done=_("Progress recorded."),
        to=url_for("spaces.space", space_id=space.id) + "#progress",
    ) or space_page(space, 422, progress_form=form)


@bp.route("/<int:space_id>/compare")
@access.login
@access.guard(Space, "space_id")
def compare(space):
    proposals = queries.comparable(space, current_user)
    return render_template("spaces/compare.html", space=space, proposals=proposals,
                           counts=queries.support_counts([p.id for p in proposals]))


@bp.route("/<int:space_id>/agenda", methods=["POST"])
@access.login
@access.guard(Space, "space_id", can="can_manage")
def handoff_agenda(space):
    open_proposals = [p for p in space.proposals if p.status is ProposalStatus.open]
    form = _agenda_form(space, open_proposals, AgendaForm())
    return submitted(
        form, lambda: handoff.put_on_agenda(current_user, space, form.proposal_ids.data,
                                            form.meeting_id.data),
        done=_("The proposals are on the meeting's agenda."),
        to=url_for("spaces.space", space_id=space.id),
    ) or space_page(space, 422, agenda_form=form)


@bp.route("/<int:space_id>/ballot", methods=["GET", "POST"])
@access.login
@access.guard(Space, "space_id", can="can_manage")
def handoff_ballot(space):
    candidates = [p for p in space.proposals
                  if p.status in (ProposalStatus.open, ProposalStatus.on_agenda)]
    form = BallotForm()
    form.proposal_ids.choices = choices([(p.id, p.title) for p in candidates])
    if request.method == "GET":
        form.title.data = _("Use of %(space)s", space=space.name)
        form.proposal_ids.data = [p.id for p in candidates]

    def create():
        data = dict(form.data)
        for name in ("announced_at", "opens_at", "closes_at"):
            data[name] = to_utc(data[name]).replace(tzinfo=None)
        return handoff.create_ballot(current_user, space, form.proposal_ids.data, data)

    return submitted(
        form, create,
        done=lambda ballot: _("Draft ballot %(id)s created; its proposals now show as being "
                              "voted on. Check its dates and announce it on the ballot page.",
                              id=ballot.id),
        to=url_for("spaces.space", space_id=space.id),
    ) or (render_template("spaces/ballot_form.html", space=space, form=form,
                          candidates=candidates), form_status())

"""Pages for proposals: write, edit, submit, review, withdraw, record a
council decision, support, and the comment thread with moderation."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, signals
from ..uploads.forms import keep_photos, kept_photos
from ..uploads.services import uploads_for
from ..web import attempted, form_status, submitted
from . import bp, discussion, proposals as service, queries
from . import progress
from .discussion_models import Comment
from .forms import (CommentForm, DecisionForm, EditCommentForm, FlagForm, HideForm, PhotoForm,
                    ProposalForm, ReviewForm, WithdrawForm)
from .models import EDITABLE, SUPPORTABLE, Proposal, ProposalStatus, Space
from .views import photo_of
from .workflow import allowed_proposal_actions


def _url(proposal, anchor=""):
    return url_for("spaces.proposal", proposal_id=proposal.id) + anchor


def _to_proposal(proposal, anchor=""):
    return redirect(_url(proposal, anchor))


def _proposal_form(actor_manages, **kwargs):
    form = ProposalForm(**kwargs)
    if not actor_manages:
        del form.on_behalf_of
    return form


def _households_here(proposal):
    return [r.household for r in current_user.resident_roles()
            if r.household.compound_id == proposal.compound_id]


def _references(proposal):
    """The meeting and ballot this proposal went to."""
    refs = [ref for ref in (("meeting", proposal.meeting_id), ("ballot", proposal.ballot_id))
            if ref[1] is not None]
    found = signals.look_up_links(refs, current_user) if refs else {}
    return [(ref, found[ref]) for ref in refs if ref in found]


def proposal_page(proposal, status=200, **forms):
    queries.load_details(proposal)
    actions = allowed_proposal_actions(current_user, proposal)
    counts, mine = queries.support_summary(current_user, [proposal.id])
    context = {
        "proposal": proposal, "space": proposal.space,
        "manage": proposal.can_manage(current_user),
        "photos": uploads_for("proposal", proposal.id),
        "support_count": counts.get(proposal.id, 0),
        "progress": progress.progress(proposal, counts.get(proposal.id, 0)),
        "mine": mine.get(proposal.id, set()),
        "households": _households_here(proposal),
        "supportable": proposal.status in SUPPORTABLE,
        "threads": (queries.comment_threads(proposal, request.args.get("page", 1, type=int))
                    if proposal.is_public else []),
        "can_comment": proposal.can_comment(current_user) and proposal.status in SUPPORTABLE,
        "can_edit": proposal.can_edit(current_user) and proposal.status in EDITABLE,
        "can_submit": "submit" in actions, "can_withdraw": "withdraw" in actions,
        "can_review": proposal.status in (ProposalStatus.submitted,
                                          ProposalStatus.under_review)
        and proposal.can_manage(current_user),
        "can_decide": "accept" in actions,
        "comment_form": forms.get("comment_form") or CommentForm(formdata=None),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(formdata=None,
                                                                    prefix="withdraw"),
        "decision_form": forms.get("decision_form") or DecisionForm(formdata=None,
                                                                    prefix="decision"),
        "refs": _references(proposal),
        "photo_form": forms.get("photo_form") or PhotoForm(formdata=None),
        "flag_form": FlagForm(formdata=None),
    }
    return render_template("spaces/proposal.html", **context), status


@bp.route("/<int:space_id>/proposals/new", methods=["GET", "POST"])
@access.login
@access.guard(Space, "space_id", can="can_propose")
def new_proposal(space):
    form = _proposal_form(space.can_manage(current_user))
    submit = request.form.get("action") == "submit"
    kept = kept_photos("photo")
    return submitted(
        form, lambda: service.create_proposal(current_user, space, form.data, photo_of(form),
                                              submit=submit, kept=kept),
        done=_("Proposal submitted for the compliance review.") if submit else
        _("Proposal saved as a draft. Submit it when it is ready."), to=_url,
    ) or (render_template("spaces/proposal_form.html", form=form, space=space, proposal=None,
                          kept=keep_photos("photo", kept, len(kept) + 1)), form_status())


@bp.route("/proposals/<int:proposal_id>")
@access.login
@access.guard(Proposal, "proposal_id", options=queries.page_details())
def proposal(proposal):
    return proposal_page(proposal)


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@access.login
@access.guard(Proposal, "proposal_id", can="can_edit")
def edit_proposal(proposal):
    manages = proposal.can_manage(current_user)
    if request.method == "GET":
        form = _proposal_form(manages, obj=proposal)
        form.kind.data = proposal.kind.name
        form.payer.data = proposal.payer.name if proposal.payer else ""
        form.quantity.data = "" if proposal.quantity is None else str(proposal.quantity)
        form.estimated_cost.data = "" if proposal.estimated_cost is None else \
            f"{proposal.estimated_cost}"
    else:
        form = _proposal_form(manages)
    if proposal.status not in EDITABLE:
        flash(_("A proposal can be changed only as a draft or after it was returned."),
              "error")
        return _to_proposal(proposal)
    kept = kept_photos("photo")
    return submitted(
        form, lambda: service.revise_proposal(current_user, proposal, form.data,
                                              photo_of(form),
                                              submit=request.form.get("action") == "submit",
                                              kept=kept),
        done=lambda _result: _("Proposal submitted for the compliance review.")
        if proposal.status is ProposalStatus.submitted else _("Proposal saved."),
        to=_url(proposal),
    ) or (render_template("spaces/proposal_form.html", form=form, space=proposal.space,
                          proposal=proposal, kept=keep_photos("photo", kept, len(kept) + 1)),
          form_status())


@bp.route("/proposals/<int:proposal_id>/photos", methods=["POST"])
@access.login
@access.guard(Proposal, "proposal_id", can="can_edit")
def proposal_photo(proposal):
    form = PhotoForm()
    return submitted(form, lambda: service.add_proposal_photo(current_user, proposal,
                                                              photo_of(form)),
                     done=_("Photo added."), to=_url(proposal)) or \
        proposal_page(proposal, 422, photo_form=form)


@bp.route("/proposals/<int:proposal_id>/submit", methods=["POST"])
@access.login
@access.guard(Proposal, "proposal_id", can="can_edit")
def submit_proposal(proposal):
    return attempted(lambda: service.submit_proposal(current_user, proposal),
                     done=_("Proposal submitted for the compliance review."), to=_url(proposal))


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@access.login
@access.guard(Proposal, "proposal_id", can="can_edit")
def withdraw_proposal(proposal):
    form = WithdrawForm(prefix="withdraw")
    if not form.validate():
        return proposal_page(proposal, 422, withdraw_form=form)
    return attempted(lambda: service.withdraw_proposal(current_user, proposal, form.reason.data),
                     done=_("Proposal withdrawn."), to=_url(proposal))


@bp.route("/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
@access.login
@access.guard(Proposal, "proposal_id", can="can_manage")
def review_proposal(proposal):
    if proposal.status not in (ProposalStatus.submitted, ProposalStatus.under_review):
        flash(_("Only submitted proposals are reviewed."), "error")
        return _to_proposal(proposal)
    form = ReviewForm()
    return submitted(
        form, lambda: service.review_proposal(current_user, proposal, form.outcome.data,
                                              form.data),
        done=lambda _result: _("Proposal opened for support.") if form.outcome.data == "open"
        else _("Proposal returned to the proposer."),
        to=_url(proposal),
    ) or (render_template("spaces/review.html", form=form, proposal=proposal,
                          photos=uploads_for("proposal", proposal.id)), form_status())


@bp.route("/proposals/<int:proposal_id>/decision", methods=["POST"])
@access.login
@access.guard(Proposal, "proposal_id", can="can_manage")
def decide_proposal(proposal):
    form = DecisionForm(prefix="decision")
    return submitted(
        form, lambda: service.record_council_decision(current_user, proposal,
                                                      form.decision.data, form.reason.data),
        done=_("Decision recorded."), to=_url(proposal),
    ) or proposal_page(proposal, 422, decision_form=form)


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@access.login
@access.guard(Proposal, "proposal_id", can="can_support")
def support(proposal):
    household_id = request.form.get("household_id", type=int)
    return attempted(lambda: discussion.support(current_user, proposal, household_id),
                     done=_("Your household supports this proposal."),
                     to=_url(proposal, "#support"))


@bp.route("/proposals/<int:proposal_id>/unsupport", methods=["POST"])
@access.login
@access.guard(Proposal, "proposal_id", can="can_support")
def unsupport(proposal):
    household_id = request.form.get("household_id", type=int)
    return attempted(lambda: discussion.withdraw_support(current_user, proposal, household_id),
                     done=_("Your household's support is withdrawn."),
                     to=_url(proposal, "#support"))


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@access.login
@access.guard(Proposal, "proposal_id", can="can_comment")
def add_comment(proposal):
    form = CommentForm()
    parent_id = int(form.parent_id.data) if (form.parent_id.data or "").isdigit() else None
    return submitted(
        form, lambda: discussion.add_comment(current_user, proposal, form.body.data, parent_id),
        done=_("Comment posted."), to=lambda comment: _url(proposal, f"#comment-{comment.id}"),
    ) or proposal_page(proposal, 422, comment_form=form)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@access.login
@access.guard(Comment, "comment_id", can="is_author")
def edit_comment(comment):
    form = EditCommentForm(obj=comment if request.method == "GET" else None)
    return submitted(
        form, lambda: discussion.edit_comment(current_user, comment, form.body.data),
        done=_("Comment saved."), to=_url(comment.proposal, f"#comment-{comment.id}"),
    ) or (render_template("spaces/comment_form.html", form=form, comment=comment, mode="edit"),
          form_status())


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@access.login
@access.guard(Comment, "comment_id", can="is_author")
def delete_comment(comment):
    return attempted(lambda: discussion.delete_comment(current_user, comment),
                     done=_("Comment deleted."),
                     to=_url(comment.proposal, f"#comment-{comment.id}"))


@bp.route("/comments/<int:comment_id>/flag", methods=["POST"])
@access.login
@access.guard(Comment, "comment_id")
def flag_comment(comment):
    form = FlagForm()
    if not form.validate():
        flash(_("At most %(max)d characters.", max=500), "error")
        return _to_proposal(comment.proposal, f"#comment-{comment.id}")
    return attempted(lambda: discussion.flag_comment(current_user, comment, form.reason.data),
                     done=_("Thank you. The moderators will look at this comment."),
                     to=_url(comment.proposal, f"#comment-{comment.id}"))


@bp.route("/comments/<int:comment_id>/hide", methods=["GET", "POST"])
@access.login
@access.guard(Comment, "comment_id", can="can_moderate")
def hide_comment(comment):
    form = HideForm()
    return submitted(
        form, lambda: discussion.hide_comment(current_user, comment, form.reason.data),
        done=_("Comment hidden."), to=_url(comment.proposal, f"#comment-{comment.id}"),
    ) or (render_template("spaces/comment_form.html", form=form, comment=comment, mode="hide"),
          form_status())

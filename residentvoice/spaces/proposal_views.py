"""Pages for proposals: write, edit, submit, review, withdraw, record a
council decision, support, and the comment thread with moderation."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, signals
from ..errors_domain import DomainError
from ..forms import show_domain_error
from ..uploads.services import uploads_for
from . import bp, discussion, progress, proposals as service, queries
from .discussion_models import Comment
from .forms import (CommentForm, DecisionForm, EditCommentForm, FlagForm, HideForm, PhotoForm,
                    ProposalForm, ReviewForm, WithdrawForm)
from .models import EDITABLE, SUPPORTABLE, Proposal, ProposalStatus, Space
from .views import photo_of
from .workflow import allowed_proposal_actions


def _to_proposal(proposal, anchor=""):
    return redirect(url_for("spaces.proposal", proposal_id=proposal.id) + anchor)


def _attempt(step, success):
    """Run a one-click step; flash its refusal or ``success`` (nothing to redisplay)."""
    try:
        step()
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(success, "success")


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
    actions = allowed_proposal_actions(current_user, proposal)
    counts = queries.support_counts([proposal.id])
    context = {
        "proposal": proposal, "space": proposal.space,
        "manage": proposal.can_manage(current_user),
        "photos": uploads_for("proposal", proposal.id),
        "support_count": counts.get(proposal.id, 0),
        "progress": progress.progress(proposal, counts.get(proposal.id, 0)),
        "mine": queries.supported_households(current_user, [proposal.id]).get(proposal.id,
                                                                             set()),
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
def new_proposal(space_id):
    space = access.load(Space, space_id, can="can_propose")
    form = _proposal_form(space.can_manage(current_user))
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        try:
            proposal = service.create_proposal(current_user, space, form.data, photo_of(form),
                                               submit=submit)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Proposal submitted for the compliance review.") if submit else
                  _("Proposal saved as a draft. Submit it when it is ready."), "success")
            return _to_proposal(proposal)
    return render_template("spaces/proposal_form.html", form=form, space=space, proposal=None)


@bp.route("/proposals/<int:proposal_id>")
@access.login
def proposal(proposal_id):
    return proposal_page(access.load(Proposal, proposal_id))


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
@access.login
def edit_proposal(proposal_id):
    proposal = access.load(Proposal, proposal_id, can="can_edit")
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
    if form.validate_on_submit():
        try:
            service.revise_proposal(current_user, proposal, form.data, photo_of(form),
                                    submit=request.form.get("action") == "submit")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Proposal submitted for the compliance review.")
                  if proposal.status is ProposalStatus.submitted else _("Proposal saved."),
                  "success")
            return _to_proposal(proposal)
    return render_template("spaces/proposal_form.html", form=form, space=proposal.space,
                           proposal=proposal)


@bp.route("/proposals/<int:proposal_id>/photos", methods=["POST"])
@access.login
def proposal_photo(proposal_id):
    proposal = access.load(Proposal, proposal_id, can="can_edit")
    form = PhotoForm()
    try:
        service.add_proposal_photo(current_user, proposal, photo_of(form))
    except DomainError as error:
        form.photo.errors = [str(error.message)]
        return proposal_page(proposal, 422, photo_form=form)
    flash(_("Photo added."), "success")
    return _to_proposal(proposal)


@bp.route("/proposals/<int:proposal_id>/submit", methods=["POST"])
@access.login
def submit_proposal(proposal_id):
    proposal = access.load(Proposal, proposal_id, can="can_edit")
    _attempt(lambda: service.submit_proposal(current_user, proposal),
             _("Proposal submitted for the compliance review."))
    return _to_proposal(proposal)


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["POST"])
@access.login
def withdraw_proposal(proposal_id):
    proposal = access.load(Proposal, proposal_id, can="can_edit")
    form = WithdrawForm(prefix="withdraw")
    if not form.validate():
        return proposal_page(proposal, 422, withdraw_form=form)
    _attempt(lambda: service.withdraw_proposal(current_user, proposal, form.reason.data),
             _("Proposal withdrawn."))
    return _to_proposal(proposal)


@bp.route("/proposals/<int:proposal_id>/review", methods=["GET", "POST"])
@access.login
def review_proposal(proposal_id):
    proposal = access.load(Proposal, proposal_id, can="can_manage")
    if proposal.status not in (ProposalStatus.submitted, ProposalStatus.under_review):
        flash(_("Only submitted proposals are reviewed."), "error")
        return _to_proposal(proposal)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            service.review_proposal(current_user, proposal, form.outcome.data, form.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Proposal opened for support.") if form.outcome.data == "open" else
                  _("Proposal returned to the proposer."), "success")
            return _to_proposal(proposal)
    return render_template("spaces/review.html", form=form, proposal=proposal,
                           photos=uploads_for("proposal", proposal.id))


@bp.route("/proposals/<int:proposal_id>/decision", methods=["POST"])
@access.login
def decide_proposal(proposal_id):
    proposal = access.load(Proposal, proposal_id, can="can_manage")
    form = DecisionForm(prefix="decision")
    if form.validate():
        try:
            service.record_council_decision(current_user, proposal, form.decision.data,
                                            form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Decision recorded."), "success")
            return _to_proposal(proposal)
    return proposal_page(proposal, 422, decision_form=form)


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@access.login
def support(proposal_id):
    proposal = access.load(Proposal, proposal_id, can="can_support")
    household_id = request.form.get("household_id", type=int)
    _attempt(lambda: discussion.support(current_user, proposal, household_id),
             _("Your household supports this proposal."))
    return _to_proposal(proposal, "#support")


@bp.route("/proposals/<int:proposal_id>/unsupport", methods=["POST"])
@access.login
def unsupport(proposal_id):
    proposal = access.load(Proposal, proposal_id, can="can_support")
    household_id = request.form.get("household_id", type=int)
    _attempt(lambda: discussion.withdraw_support(current_user, proposal, household_id),
             _("Your household's support is withdrawn."))
    return _to_proposal(proposal, "#support")


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@access.login
def add_comment(proposal_id):
    proposal = access.load(Proposal, proposal_id, can="can_comment")
    form = CommentForm()
    if form.validate():
        parent_id = int(form.parent_id.data) if (form.parent_id.data or "").isdigit() else None
        try:
            comment = discussion.add_comment(current_user, proposal, form.body.data, parent_id)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Comment posted."), "success")
            return _to_proposal(proposal, f"#comment-{comment.id}")
    return proposal_page(proposal, 422, comment_form=form)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@access.login
def edit_comment(comment_id):
    comment = access.load(Comment, comment_id, can="is_author")
    form = EditCommentForm(obj=comment if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            discussion.edit_comment(current_user, comment, form.body.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Comment saved."), "success")
            return _to_proposal(comment.proposal, f"#comment-{comment.id}")
    return render_template("spaces/comment_form.html", form=form, comment=comment,
                           mode="edit")


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@access.login
def delete_comment(comment_id):
    comment = access.load(Comment, comment_id, can="is_author")
    _attempt(lambda: discussion.delete_comment(current_user, comment), _("Comment deleted."))
    return _to_proposal(comment.proposal, f"#comment-{comment.id}")


@bp.route("/comments/<int:comment_id>/flag", methods=["POST"])
@access.login
def flag_comment(comment_id):
    comment = access.load(Comment, comment_id)
    form = FlagForm()
    if not form.validate():
        flash(_("At most %(max)d characters.", max=500), "error")
        return _to_proposal(comment.proposal, f"#comment-{comment.id}")
    _attempt(lambda: discussion.flag_comment(current_user, comment, form.reason.data),
             _("Thank you. The moderators will look at this comment."))
    return _to_proposal(comment.proposal, f"#comment-{comment.id}")


@bp.route("/comments/<int:comment_id>/hide", methods=["GET", "POST"])
@access.login
def hide_comment(comment_id):
    comment = access.load(Comment, comment_id, can="can_moderate")
    form = HideForm()
    if form.validate_on_submit():
        try:
            discussion.hide_comment(current_user, comment, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Comment hidden."), "success")
            return _to_proposal(comment.proposal, f"#comment-{comment.id}")
    return render_template("spaces/comment_form.html", form=form, comment=comment,
                           mode="hide")

"""Proposals for the use of a space: writing, submitting, compliance review
(合规审查), revision and resubmission, withdrawal and council decisions.

"Whatever complies with regulations is done the way residents want" (DESIGN §1):
a secretary checks each proposal against the checklist before residents can
support it or vote on it."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ..audit.services import diff, record
from ..auth.models import RoleAssignment, RoleKind
from ..directory.models import Household
from ..errors_domain import InvalidInput, NotAllowed
from ..extensions import db
from ..i18n import N_
from ..notifications.services import notify
from ..uploads import services as uploads
from . import validation as v
from .models import (CHECKS, EDITABLE, CheckResult, Payer, Proposal, ProposalKind,
                     ProposalReview, ProposalRevision, ProposalStatus, SpaceStatus)
from .services import _store_photo, secretary_ids
from .workflow import decide_space, lock_space, transition_proposal, transition_space

MAX_COST = Decimal("9999999999.99")
CONTENT_FIELDS = ("kind", "title", "description", "quantity", "estimated_cost", "payer")
PROPOSAL_FIELDS = CONTENT_FIELDS + ("on_behalf_of",)
OPEN_SPACE_STATUSES = (SpaceStatus.vacated, SpaceStatus.deliberating)


def clean_proposal(data, actor_is_secretary):
    clean = {
        "kind": v.choice(ProposalKind, data.get("kind"), "kind"),
        "title": v.text(data.get("title"), "title", max_length=v.TITLE_MAX, required=True,
                        message=_l("Give your proposal a title.")),
        "description": v.text(data.get("description"), "description",
                              max_length=v.TEXT_MAX),
        "quantity": v.integer(data.get("quantity"), "quantity", minimum=1, maximum=100000),
        "estimated_cost": v.decimal(data.get("estimated_cost"), "estimated_cost",
                                    minimum=Decimal(0), maximum=MAX_COST),
        "payer": v.choice(Payer, data.get("payer"), "payer", required=False),
        "on_behalf_of": v.text(data.get("on_behalf_of"), "on_behalf_of", max_length=200)
        if actor_is_secretary else "",
    }
    return clean


def create_proposal(actor, space, data, photo=None, submit=False, now=None, kept=()):
    """A resident of the compound (or a secretary on behalf of residents)
    proposes a use for a space that is still being deliberated.  ``kept``:
    photos kept from the same form sent back before (``uploads.keep``)."""
    if not space.can_propose(actor):
        raise NotAllowed(_l("Only residents of this compound and its secretaries can "
                            "propose."))
    lock_space(space)
    if space.status not in OPEN_SPACE_STATUSES:
        raise InvalidInput(_l("The use of this space is already decided."), "title")
    clean = clean_proposal(data, space.can_manage(actor))
    with db.session.begin_nested():
        proposal = Proposal(space=space, compound_id=space.compound_id, proposer_id=actor.id,
                            **clean)
        db.session.add(proposal)
        db.session.flush()
        uploads.attach(kept, "proposal", proposal.id)
        if photo:
            _store_photo(actor, photo, "proposal", proposal.id)
        record(actor, "proposal.created", proposal, summary=proposal.title,
               community_id=space.community_id)
        if submit:
            submit_proposal(actor, proposal, now=now)
    return proposal


def update_proposal(actor, proposal, data, photo=None, kept=()):
    """The proposer edits a draft or a returned proposal (``kept``: photos
    kept from the same form sent back before)."""
    if not proposal.can_edit(actor):
        raise NotAllowed(_l("Only the proposer can edit a proposal."))
    lock_space(proposal.space)
    if proposal.status not in EDITABLE:
        raise InvalidInput(_l("A proposal can be changed only as a draft or after it was "
                              "returned."), "title")
    clean = clean_proposal(data, proposal.can_manage(actor))
    if not clean["on_behalf_of"] and not proposal.can_manage(actor):
        clean.pop("on_behalf_of")
    with db.session.begin_nested():
        changes = diff(proposal, clean, PROPOSAL_FIELDS)
        added = [upload.original_name for upload in kept]
        uploads.attach(kept, "proposal", proposal.id)
        if photo:
            _store_photo(actor, photo, "proposal", proposal.id)
            added.append(getattr(photo, "filename", ""))
        if added:
            changes["photo"] = ("", ", ".join(added))
        if changes:
            record(actor, "proposal.updated", proposal, changes=changes,
                   community_id=proposal.space.community_id)
        db.session.flush()
    return changes


def add_proposal_photo(actor, proposal, photo):
    if not proposal.can_edit(actor) or proposal.status not in EDITABLE:
        raise NotAllowed(_l("Photos are added by the proposer while the proposal can be "
                            "changed."))
    if not photo:
        raise InvalidInput(_l("Choose a photo."), "photo")
    upload = _store_photo(actor, photo, "proposal", proposal.id)
    record(actor, "proposal.photo_added", proposal, summary=upload.original_name,
           community_id=proposal.space.community_id)
    return upload


def _snapshot(actor, proposal, now=None):
    number = len(proposal.revisions) + 1
    revision = ProposalRevision(proposal=proposal, number=number, author_id=actor.id,
                                **{f: getattr(proposal, f) for f in CONTENT_FIELDS})
    if now:
        revision.created_at = now
    db.session.add(revision)
    proposal.revision = number
    return revision


def submit_proposal(actor, proposal, now=None):
    """Submit (or resubmit after a return): the submitted text is kept as a
    revision and the compound's secretaries are told (once: two clicks submit
    one revision)."""
    lock_space(proposal.space)
    if proposal.space.status not in OPEN_SPACE_STATUSES:
        raise InvalidInput(_l("The use of this space is already decided."), "title")
    resubmitted = proposal.status is ProposalStatus.returned
    transition_proposal(actor, proposal, "submit", now=now)
    _snapshot(actor, proposal, now)
    db.session.flush()
    notify(secretary_ids(proposal.space.community_id) - {actor.id}, "proposal.submitted",
           N_("Proposal to review: “%(title)s” (%(space)s)") if not resubmitted else
           N_("Revised proposal to review: “%(title)s” (%(space)s)"),
           {"title": proposal.title, "space": proposal.space.name}, proposal.path)
    return proposal


def clean_checklist(data):
    checklist = {name: v.choice(CheckResult, data.get(name), name) for name in CHECKS}
    notes = v.text(data.get("notes"), "notes", max_length=v.TEXT_MAX)
    return checklist, notes


def review_proposal(actor, proposal, outcome, data, now=None):
    """Compliance review by a secretary: record the checklist, then open the
    proposal for support or return it with a reason the proposer sees.

    Opening needs every check to comply (or not apply); electrical capacity
    always applies to charging piles; a problem under "other" needs notes."""
    if not proposal.can_manage(actor):
        raise NotAllowed(_l("Only the community's secretaries review proposals."))
    lock_space(proposal.space)
    if outcome not in ("open", "return"):
        raise InvalidInput(_l("Choose to open the proposal or return it."), "outcome")
    checklist, notes = clean_checklist(data)
    reason = v.text(data.get("reason"), "reason", max_length=v.REASON_MAX)
    if checklist["other"] is CheckResult.problem and not notes:
        raise InvalidInput(_l("Describe the other problem in the notes."), "notes")
    if outcome == "open":
        problems = [name for name, result in checklist.items() if result is CheckResult.problem]
        if problems:
            raise InvalidInput(_l("A proposal with a compliance problem cannot be opened; "
                                  "return it with the reason."), problems[0])
        if proposal.kind is ProposalKind.charging_piles and \
                checklist["electrical_capacity"] is not CheckResult.ok:
            raise InvalidInput(_l("Charging piles need the electrical capacity checked."),
                               "electrical_capacity")
    elif not reason:
        raise InvalidInput(_l("Tell the proposer why it is returned."), "reason")
    with db.session.begin_nested():
        if proposal.status is ProposalStatus.submitted:
            transition_proposal(actor, proposal, "start_review", now=now)
        review = ProposalReview(proposal=proposal, revision=proposal.revision,
                                reviewer_id=actor.id,
                                outcome="opened" if outcome == "open" else "returned",
                                notes=notes, reason=reason, **checklist)
        if now:
            review.created_at = now
        db.session.add(review)
        transition_proposal(actor, proposal, outcome, reason=reason or notes, now=now)
        if outcome == "open" and proposal.space.status is SpaceStatus.vacated:
            # The history row itself says why: vacated → under deliberation by this review.
            transition_space(actor, proposal.space, "deliberate", reason=proposal.title,
                             now=now)
    _notify_review(actor, proposal, outcome, reason)
    return review


def _notify_review(actor, proposal, outcome, reason):
    url = proposal.path
    if outcome == "return":
        notify([proposal.proposer_id], "proposal.returned",
               N_("Your proposal “%(title)s” was returned: %(reason)s"),
               {"title": proposal.title, "reason": reason[:120]}, url)
        return
    notify([proposal.proposer_id], "proposal.opened",
           N_("Your proposal “%(title)s” passed the compliance review and is open for "
              "support."), {"title": proposal.title}, url)
    residents = set(db.session.scalars(
        db.select(RoleAssignment.user_id).join(Household,
                                               Household.id == RoleAssignment.household_id)
        .where(RoleAssignment.kind == RoleKind.resident,
               Household.compound_id == proposal.compound_id)))
    notify(residents - {proposal.proposer_id, actor.id}, "proposal.open",
           N_("New proposal open for support: “%(title)s” (%(space)s)"),
           {"title": proposal.title, "space": proposal.space.name}, url)


def withdraw_proposal(actor, proposal, reason="", now=None):
    reason = v.text(reason, "reason", max_length=v.REASON_MAX)
    lock_space(proposal.space)
    return transition_proposal(actor, proposal, "withdraw", reason=reason, now=now)


COUNCIL_DECISIONS = ("accept", "reject", "back_to_open")


def record_council_decision(actor, proposal, decision, reason, now=None):
    """A resident council meeting decided on a proposal on its agenda and the
    secretary records it: accepted (the space is decided and its other
    proposals in discussion are set aside), rejected, or postponed (back to
    open for support)."""
    if decision not in COUNCIL_DECISIONS:
        raise InvalidInput(_l("Choose the decision."), "decision")
    reason = v.text(reason, "reason", max_length=v.REASON_MAX, required=True,
                    message=_l("Say which meeting decided and how."))
    lock_space(proposal.space)  # one accepted proposal per space
    with db.session.begin_nested():
        transition_proposal(actor, proposal, decision, reason=reason, now=now)
        if decision == "accept":
            decide_space(actor, proposal, reason, now=now)
    return proposal


def revise_proposal(actor, proposal, data, photo=None, submit=False, now=None, kept=()):
    """Save the proposer's changes and, if asked, submit them: both or neither."""
    with db.session.begin_nested():
        changes = update_proposal(actor, proposal, data, photo, kept)
        if submit:
            submit_proposal(actor, proposal, now=now)
    return changes

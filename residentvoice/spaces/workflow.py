"""The two state machines of this feature, each one table plus one function
that applies it (STYLE §8), recording who changed what, when and why.

Roles in the tables: ``proposer`` (who wrote the proposal), ``secretary``
(secretaries of the compound's community and the street office over it) and
``system`` (the ballot result arriving through the ``ballot.closed`` event)."""
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..errors_domain import NotAllowed
from ..extensions import db
from ..models import utcnow
from ..statemachine import StateMachine
from .models import SUPPORTABLE, Proposal, ProposalStatusChange, SpaceStatusChange
from .models import ProposalStatus as P
from .models import SpaceStatus as S

SPACE_TRANSITIONS = {
    (S.vacated, "deliberate"): (S.deliberating, {"secretary", "system"}),
    (S.deliberating, "decide"): (S.decided, {"secretary", "system"}),
    (S.decided, "start_construction"): (S.under_construction, {"secretary"}),
    (S.under_construction, "complete"): (S.in_use, {"secretary"}),
    (S.deliberating, "back_to_vacated"): (S.vacated, {"secretary"}),
}

SPACE_ACTION_LABELS = {
    "deliberate": _l("Open deliberation"),
    "decide": _l("Record the decision"),
    "start_construction": _l("Start construction"),
    "complete": _l("Mark as in use"),
    "back_to_vacated": _l("Back to vacated"),
}

_BEFORE_DECISION = (P.draft, P.submitted, P.under_review, P.returned, P.open, P.on_agenda)

PROPOSAL_TRANSITIONS = {
    (P.draft, "submit"): (P.submitted, {"proposer"}),
    (P.returned, "submit"): (P.submitted, {"proposer"}),
    (P.submitted, "start_review"): (P.under_review, {"secretary"}),
    (P.under_review, "open"): (P.open, {"secretary"}),
    (P.under_review, "return"): (P.returned, {"secretary"}),
    (P.open, "put_on_agenda"): (P.on_agenda, {"secretary"}),
    (P.open, "start_vote"): (P.voting, {"secretary"}),
    (P.on_agenda, "start_vote"): (P.voting, {"secretary"}),
    (P.on_agenda, "back_to_open"): (P.open, {"secretary"}),
    # A resident council decision recorded by the secretary (no ballot needed).
    (P.on_agenda, "accept"): (P.accepted, {"secretary"}),
    (P.on_agenda, "reject"): (P.rejected, {"secretary"}),
    # A ballot's result (ballot.closed).
    (P.voting, "accept"): (P.accepted, {"system"}),
    (P.voting, "reject"): (P.rejected, {"system"}),
    (P.accepted, "implement"): (P.implemented, {"secretary", "system"}),
    # Another proposal for the same space was chosen (council or ballot).
    **{(state, "set_aside"): (P.rejected, {"secretary", "system"})
       for state in (P.open, P.on_agenda, P.voting)},
    **{(state, "withdraw"): (P.withdrawn, {"proposer"}) for state in _BEFORE_DECISION},
}

_REFUSE = _l("This step is not possible while the status is “%(status)s”.")
SPACE_MACHINE = StateMachine(SPACE_TRANSITIONS, _REFUSE)
PROPOSAL_MACHINE = StateMachine(PROPOSAL_TRANSITIONS, _REFUSE)

PROPOSAL_ACTION_LABELS = {
    "submit": _l("Submit for review"),
    "start_review": _l("Start review"),
    "open": _l("Open for support"),
    "return": _l("Return for revision"),
    "put_on_agenda": _l("Put on a meeting agenda"),
    "start_vote": _l("Put to a vote"),
    "back_to_open": _l("Take off the agenda"),
    "accept": _l("Accept"),
    "reject": _l("Reject"),
    "implement": _l("Mark as implemented"),
    "set_aside": _l("Set aside for the chosen proposal"),
    "withdraw": _l("Withdraw"),
}


def lock_space(space):
    """Take the space's row lock and read the space and its proposals again
    under it.  Every change of a space's status or of its proposals' starts
    here, so concurrent requests queue on the space and each decides on what
    the one before it wrote: a space gets one accepted proposal, a proposal is
    submitted, reviewed and decided once (DESIGN §8).  PostgreSQL: ``FOR NO
    KEY UPDATE`` held to the commit; SQLite serializes write requests itself.
    What the session holds is flushed first."""
    db.session.flush()
    db.session.refresh(space, with_for_update={"key_share": True})
    db.session.scalars(db.select(Proposal).where(Proposal.space_id == space.id)
                       .execution_options(populate_existing=True)).all()
    return space


def space_roles(user, space, system=False):
    if system:
        return {"system"}
    return {"secretary"} if space.can_manage(user) else set()


def proposal_roles(user, proposal, system=False):
    if system:
        return {"system"}
    roles = set()
    if proposal.is_proposer(user):
        roles.add("proposer")
    if proposal.can_manage(user):
        roles.add("secretary")
    return roles


def allowed_space_actions(user, space):
    roles = space_roles(user, space)
    return SPACE_MACHINE.allowed(space, lambda _action, entry: roles & entry[1])


def allowed_proposal_actions(user, proposal):
    roles = proposal_roles(user, proposal)
    return PROPOSAL_MACHINE.allowed(proposal, lambda _action, entry: roles & entry[1])


def _apply(machine, obj, action, roles):
    new_status, who = machine.entry(obj, action)
    if not roles & who:
        raise NotAllowed(_l("You may not take this step."))
    return new_status


def transition_space(actor, space, action, *, reason="", system=False, now=None):
    """Move a space along SPACE_TRANSITIONS, recording who, when and why."""
    new_status = _apply(SPACE_MACHINE, space, action, space_roles(actor, space, system))
    old = space.status
    space.status = new_status
    db.session.add(SpaceStatusChange(space=space, from_status=old, to_status=new_status,
                                     action=action, actor_id=getattr(actor, "id", None),
                                     reason=reason, created_at=now or utcnow()))
    record(actor, f"space.{action}", space, summary=reason,
           changes={"status": (old, new_status)}, community_id=space.community_id)
    db.session.flush()
    return space


def transition_proposal(actor, proposal, action, *, reason="", system=False, now=None):
    """Move a proposal along PROPOSAL_TRANSITIONS, recording who, when and why."""
    roles = proposal_roles(actor, proposal, system)
    new_status = _apply(PROPOSAL_MACHINE, proposal, action, roles)
    old = proposal.status
    now = now or utcnow()
    proposal.status = new_status
    if new_status is P.submitted:
        proposal.submitted_at = now
    if new_status is P.open and proposal.opened_at is None:
        proposal.opened_at = now
    if new_status in (P.accepted, P.rejected):
        proposal.decided_at = now
    db.session.add(ProposalStatusChange(proposal=proposal, from_status=old,
                                        to_status=new_status, action=action,
                                        actor_id=getattr(actor, "id", None), reason=reason,
                                        created_at=now))
    record(actor, f"proposal.{action}", proposal, summary=reason,
           changes={"status": (old, new_status)}, community_id=proposal.space.community_id)
    db.session.flush()
    return proposal


def decide_space(actor, winner, reason, *, system=False, now=None):
    """The space's use is decided: the space becomes ``decided`` and the other
    proposals still in discussion are set aside (rejected) with the reason."""
    space = winner.space
    for other in space.proposals:
        if other.id != winner.id and other.status in SUPPORTABLE:
            transition_proposal(actor, other, "set_aside", reason=reason, system=system,
                                now=now)
    if space.status is S.vacated:
        transition_space(actor, space, "deliberate", reason=reason, system=system, now=now)
    if space.status is S.deliberating:
        transition_space(actor, space, "decide", reason=reason, system=system, now=now)

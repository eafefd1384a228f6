"""The two transition tables: every transition allowed for its roles and
refused for the others, and every step recorded with who, when and why."""
import pytest

from residentvoice.audit.models import AuditEntry
from residentvoice.errors_domain import NotAllowed, TransitionNotAllowed
from residentvoice.spaces.models import ProposalStatus as P
from residentvoice.spaces.models import SpaceStatus as S
from residentvoice.spaces.workflow import (PROPOSAL_TRANSITIONS, SPACE_TRANSITIONS,
                                           allowed_proposal_actions, transition_proposal,
                                           transition_space)

from .helpers import make_proposal, make_space


def _actor(w, role):
    return {"proposer": w.resident, "secretary": w.secretary, "system": None,
            "street_admin": w.street_admin, "staff": w.staff,
            "other_resident": w.other_resident, "neighbour": None}[role]


def _neighbour(factory, w):
    """A resident of the same compound who did not write the proposal."""
    return factory.resident(w.household_a2, name="邻居")


@pytest.mark.parametrize("state,action", sorted(PROPOSAL_TRANSITIONS, key=str))
def test_each_proposal_transition_allowed_for_its_roles_only(factory, state, action):
    w = factory.world()
    space = make_space(w)
    proposal = make_proposal(w, space, status="draft")
    new_status, roles = PROPOSAL_TRANSITIONS[(state, action)]
    neighbour = _neighbour(factory, w)
    candidates = {"proposer": (w.resident, False), "secretary": (w.secretary, False),
                  "system": (None, True), "neighbour": (neighbour, False),
                  "staff": (w.staff, False)}
    for name, (actor, system) in candidates.items():
        proposal.status = state
        expected = name in roles
        if expected:
            transition_proposal(actor, proposal, action, reason="why", system=system)
            assert proposal.status is new_status, (name, state, action)
            change = proposal.history[-1]
            assert (change.from_status, change.to_status, change.action, change.reason) == \
                (state, new_status, action, "why")
            assert change.actor_id == getattr(actor, "id", None)
        else:
            with pytest.raises(NotAllowed):
                transition_proposal(actor, proposal, action, system=system)
            assert proposal.status is state, (name, state, action)


def test_street_admin_counts_as_secretary_for_review(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="submitted")
    transition_proposal(w.street_admin, proposal, "start_review")
    assert proposal.status is P.under_review


@pytest.mark.parametrize("state", list(P))
def test_actions_outside_the_table_are_refused(factory, state):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="draft")
    actions = {a for (_s, a) in PROPOSAL_TRANSITIONS}
    for action in actions:
        if (state, action) in PROPOSAL_TRANSITIONS:
            continue
        proposal.status = state
        with pytest.raises(TransitionNotAllowed):
            transition_proposal(w.secretary, proposal, action)
        with pytest.raises(TransitionNotAllowed):
            transition_proposal(None, proposal, action, system=True)
        assert proposal.status is state


def test_decided_proposals_cannot_be_withdrawn(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w))
    for state in (P.voting, P.accepted, P.rejected, P.implemented, P.withdrawn):
        proposal.status = state
        with pytest.raises(TransitionNotAllowed):
            transition_proposal(w.resident, proposal, "withdraw")


@pytest.mark.parametrize("state,action", sorted(SPACE_TRANSITIONS, key=str))
def test_each_space_transition_allowed_for_its_roles_only(factory, state, action):
    w = factory.world()
    space = make_space(w)
    new_status, roles = SPACE_TRANSITIONS[(state, action)]
    for name, actor, system in (("secretary", w.secretary, False), ("system", None, True),
                                ("resident", w.resident, False), ("staff", w.staff, False),
                                ("other", w.other_secretary, False)):
        space.status = state
        if name in roles:
            transition_space(actor, space, action, reason="议事会决定", system=system)
            assert space.status is new_status
            assert space.history[-1].reason == "议事会决定"
        else:
            with pytest.raises(NotAllowed):
                transition_space(actor, space, action, system=system)
            assert space.status is state


def test_space_transitions_outside_the_table_are_refused(factory):
    w = factory.world()
    space = make_space(w)
    for state in S:
        for action in {a for (_s, a) in SPACE_TRANSITIONS}:
            if (state, action) in SPACE_TRANSITIONS:
                continue
            space.status = state
            with pytest.raises(TransitionNotAllowed):
                transition_space(w.secretary, space, action)


def test_every_change_is_audited(factory, db):
    w = factory.world()
    space = make_space(w)
    transition_space(w.secretary, space, "deliberate", reason="开始议事")
    entry = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action == "space.deliberate")).one()
    assert entry.object_id == space.id and entry.actor_id == w.secretary.id
    assert entry.changes == {"status": ["vacated", "deliberating"]}
    assert entry.community_id == w.community_a.id


def test_allowed_actions_follow_the_table(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="draft")
    assert set(allowed_proposal_actions(w.resident, proposal)) == {"submit", "withdraw"}
    assert allowed_proposal_actions(w.secretary, proposal) == []
    proposal.status = P.open
    assert set(allowed_proposal_actions(w.secretary, proposal)) == {
        "put_on_agenda", "start_vote", "set_aside"}

"""Spaces and proposals at the service level: input checks, the compliance
review, return and resubmission with revision history, notifications,
council decisions and implementation."""
from datetime import date
from decimal import Decimal

import pytest

from residentvoice.errors_domain import InvalidInput, NotAllowed, TransitionNotAllowed
from residentvoice.notifications.models import Notification
from residentvoice.spaces import proposals, services
from residentvoice.spaces.models import ProposalStatus as P
from residentvoice.spaces.models import SpaceStatus as S

from .helpers import CHECKLIST_OK, make_proposal, make_space, proposal_data, space_data


def notes_for(db, user):
    return db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id).order_by(Notification.id)).all()


# ---- spaces ---------------------------------------------------------------------

def test_space_area_is_exact_decimal(factory):
    w = factory.world()
    space = make_space(w, area_m2="35.25")
    assert space.area_m2 == Decimal("35.25") and space.status is S.vacated


@pytest.mark.parametrize("field,value", [
    ("area_m2", "-3"), ("area_m2", "0"), ("area_m2", "abc"), ("area_m2", "NaN"),
    ("area_m2", "1.234"), ("area_m2", ""), ("name", ""), ("name", "x" * 121),
    ("description", "长" * 10001), ("latitude", "95"), ("origin", "palace")])
def test_space_bad_input_names_the_field(factory, db, field, value):
    w = factory.world()
    with pytest.raises(InvalidInput) as error:
        make_space(w, **{field: value})
    assert error.value.field == field
    assert db.session.scalar(db.select(db.func.count()).select_from(
        services.Space)) == 0


def test_position_needs_both_coordinates(factory):
    w = factory.world()
    with pytest.raises(InvalidInput) as error:
        make_space(w, latitude="39.93")
    assert error.value.field == "longitude"
    space = make_space(w, latitude="39.934512", longitude="116.428871")
    assert space.has_position


def test_only_managers_create_spaces(factory):
    w = factory.world()
    for actor in (w.resident, w.staff, w.other_secretary):
        with pytest.raises(NotAllowed):
            services.create_space(actor, w.compound_a, space_data())
    assert services.create_space(w.street_admin, w.compound_a, space_data()).id


def test_update_space_records_changes(factory):
    w = factory.world()
    space = make_space(w)
    changes = services.update_space(w.secretary, space, space_data(area_m2="99.00"))
    assert changes == {"area_m2": (Decimal("120.50"), Decimal("99.00"))}
    with pytest.raises(NotAllowed):
        services.update_space(w.resident, space, space_data())


# ---- proposals ------------------------------------------------------------------

@pytest.mark.parametrize("field,value", [
    ("title", ""), ("title", "   "), ("estimated_cost", "-1"), ("estimated_cost", "十万"),
    ("estimated_cost", "1e400"), ("quantity", "0"), ("quantity", "2.5"), ("kind", "casino"),
    ("description", "x" * 10000), ("payer", "nobody")])
def test_proposal_bad_input(factory, db, field, value):
    w = factory.world()
    space = make_space(w)
    with pytest.raises(InvalidInput) as error:
        proposals.create_proposal(w.resident, space, proposal_data(**{field: value}))
    assert error.value.field == field
    assert space.proposals == []


def test_residents_of_the_compound_and_secretaries_propose(factory):
    w = factory.world()
    space = make_space(w)
    for actor in (w.other_resident, w.staff, w.other_secretary):
        with pytest.raises(NotAllowed):
            proposals.create_proposal(actor, space, proposal_data())
    by_secretary = proposals.create_proposal(
        w.secretary, space, proposal_data(on_behalf_of="3号楼居民联名"))
    assert by_secretary.on_behalf_of == "3号楼居民联名"
    by_resident = proposals.create_proposal(
        w.resident, space, proposal_data(on_behalf_of="冒充"))
    assert by_resident.on_behalf_of == ""


def test_no_new_proposals_once_decided(factory):
    w = factory.world()
    space = make_space(w)
    space.status = S.decided
    with pytest.raises(InvalidInput):
        proposals.create_proposal(w.resident, space, proposal_data())


def test_submission_notifies_the_secretaries_and_keeps_a_revision(factory, db):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="submitted")
    assert proposal.status is P.submitted and proposal.submitted_at is not None
    assert [r.number for r in proposal.revisions] == [1]
    assert [n.kind for n in notes_for(db, w.secretary)] == ["proposal.submitted"]
    assert notes_for(db, w.other_secretary) == []


def test_review_open_needs_every_check_to_comply(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="submitted")
    with pytest.raises(InvalidInput) as error:
        proposals.review_proposal(w.secretary, proposal, "open",
                                  dict(CHECKLIST_OK, window_distance="problem"))
    assert error.value.field == "window_distance"
    assert proposal.status is P.submitted and proposal.reviews == []


def test_review_needs_every_check_answered(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="submitted")
    data = dict(CHECKLIST_OK)
    del data["fire_lanes"]
    with pytest.raises(InvalidInput) as error:
        proposals.review_proposal(w.secretary, proposal, "open", data)
    assert error.value.field == "fire_lanes"


def test_charging_piles_need_the_electrical_capacity_checked(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="submitted", kind="charging_piles")
    with pytest.raises(InvalidInput) as error:
        proposals.review_proposal(w.secretary, proposal, "open",
                                  dict(CHECKLIST_OK, electrical_capacity="not_applicable"))
    assert error.value.field == "electrical_capacity"


def test_other_problem_needs_notes(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="submitted")
    with pytest.raises(InvalidInput) as error:
        proposals.review_proposal(w.secretary, proposal, "return",
                                  dict(CHECKLIST_OK, other="problem", notes="",
                                       reason="其他问题"))
    assert error.value.field == "notes"


def test_return_needs_a_reason(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="submitted")
    with pytest.raises(InvalidInput) as error:
        proposals.review_proposal(w.secretary, proposal, "return", CHECKLIST_OK)
    assert error.value.field == "reason"


def test_only_secretaries_review(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w), status="submitted")
    for actor in (w.resident, w.staff, w.other_secretary):
        with pytest.raises(NotAllowed):
            proposals.review_proposal(actor, proposal, "open", CHECKLIST_OK)


def test_return_revise_resubmit_open(factory, db):
    """The issue's journey: returned for a missing fire-lane check, revised,
    resubmitted, then opened; the proposer sees the reason; revisions kept."""
    w = factory.world()
    space = make_space(w)
    proposal = make_proposal(w, space, status="submitted", kind="charging_piles",
                             title="充电桩12个")
    review = proposals.review_proposal(
        w.secretary, proposal, "return",
        dict(CHECKLIST_OK, fire_lanes="problem", reason="充电桩位置占用消防通道，请调整"))
    assert proposal.status is P.returned and not review.opened
    assert review.reason == "充电桩位置占用消防通道，请调整"
    returned = notes_for(db, w.resident)[-1]
    assert returned.kind == "proposal.returned" and "消防通道" in returned.params["reason"]
    proposals.update_proposal(w.resident, proposal, proposal_data(
        kind="charging_piles", title="充电桩10个（避开消防通道）", quantity="10"))
    proposals.submit_proposal(w.resident, proposal)
    assert proposal.status is P.submitted
    assert [(r.number, r.title) for r in proposal.revisions] == [
        (1, "充电桩12个"), (2, "充电桩10个（避开消防通道）")]
    assert notes_for(db, w.secretary)[-1].message.startswith("Revised proposal")
    proposals.review_proposal(w.secretary, proposal, "open", CHECKLIST_OK)
    assert proposal.status is P.open and proposal.opened_at is not None
    assert [r.revision for r in proposal.reviews] == [1, 2]
    assert space.status is S.deliberating
    assert [h.action for h in proposal.history] == [
        "submit", "start_review", "return", "submit", "start_review", "open"]


def test_opening_tells_the_compound(factory, db):
    w = factory.world()
    neighbour = factory.resident(w.household_a2, name="邻居")
    make_proposal(w, make_space(w))
    assert [n.kind for n in notes_for(db, neighbour)] == ["proposal.open"]
    assert notes_for(db, w.other_resident) == []
    assert notes_for(db, w.resident)[-1].kind == "proposal.opened"


def test_only_drafts_and_returned_proposals_can_be_edited(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w))
    with pytest.raises(InvalidInput):
        proposals.update_proposal(w.resident, proposal, proposal_data(title="改"))
    draft = make_proposal(w, proposal.space, status="draft")
    with pytest.raises(NotAllowed):
        proposals.update_proposal(w.secretary, draft, proposal_data())


def test_withdraw_by_the_proposer_only(factory):
    w = factory.world()
    proposal = make_proposal(w, make_space(w))
    with pytest.raises(NotAllowed):
        proposals.withdraw_proposal(w.secretary, proposal)
    proposals.withdraw_proposal(w.resident, proposal, "改变主意")
    assert proposal.status is P.withdrawn
    assert proposal.is_public  # it had been opened: the compound still sees it
    with pytest.raises(TransitionNotAllowed):
        proposals.withdraw_proposal(w.resident, proposal)


def test_council_decision_accepts_one_and_decides_the_space(factory):
    w = factory.world()
    space = make_space(w)
    winner = make_proposal(w, space, title="车棚")
    loser = make_proposal(w, space, title="花箱", kind="flower_boxes")
    draft = make_proposal(w, space, status="draft", title="草稿")
    for p in (winner, loser):
        p.status = P.on_agenda
    with pytest.raises(InvalidInput) as error:
        proposals.record_council_decision(w.secretary, winner, "accept", "")
    assert error.value.field == "reason"
    proposals.record_council_decision(w.secretary, winner, "accept", "5月议事会 18票同意")
    assert winner.status is P.accepted and winner.decided_at is not None
    assert loser.status is P.rejected and loser.history[-1].action == "set_aside"
    assert draft.status is P.draft
    assert space.status is S.decided


def test_council_can_reject_or_postpone(factory):
    w = factory.world()
    space = make_space(w)
    rejected, postponed = make_proposal(w, space), make_proposal(w, space, title="花箱")
    rejected.status = postponed.status = P.on_agenda
    with pytest.raises(InvalidInput) as error:
        proposals.record_council_decision(w.secretary, rejected, "maybe", "会议")
    assert error.value.field == "decision"
    proposals.record_council_decision(w.secretary, rejected, "reject", "议事会 3:19")
    proposals.record_council_decision(w.secretary, postponed, "back_to_open", "下次再议")
    assert (rejected.status, postponed.status) == (P.rejected, P.open)
    assert space.status is S.deliberating
    postponed.status = P.on_agenda
    with pytest.raises(NotAllowed):
        proposals.record_council_decision(w.resident, postponed, "accept", "自己通过")
    assert postponed.status is P.on_agenda


def test_revision_and_submission_are_atomic(factory):
    w = factory.world()
    space = make_space(w)
    proposal = make_proposal(w, space, status="returned")
    space.status = S.decided
    with pytest.raises(InvalidInput):
        proposals.revise_proposal(w.resident, proposal, proposal_data(title="新标题"),
                                  submit=True)
    assert proposal.title == "建设自行车棚" and proposal.status is P.returned


def test_construction_progress_and_completion(factory):
    w = factory.world()
    space = make_space(w)
    proposal = make_proposal(w, space)
    proposal.status = P.on_agenda
    proposals.record_council_decision(w.secretary, proposal, "accept", "议事会通过")
    with pytest.raises(InvalidInput) as error:
        services.record_progress(w.secretary, space, {"percent": "120"})
    assert error.value.field == "percent"
    with pytest.raises(InvalidInput) as error:
        services.record_progress(w.secretary, space, {
            "percent": "10", "started_on": date(2024, 5, 2), "expected_on": date(2024, 5, 1)})
    assert error.value.field == "expected_on"
    with pytest.raises(NotAllowed):
        services.record_progress(w.resident, space, {"percent": "10"})
    services.change_space_status(w.secretary, space, "start_construction", "施工方进场")
    services.record_progress(w.secretary, space, {"percent": "60", "note": "基础完成"})
    assert space.latest_progress.percent == 60
    services.change_space_status(w.secretary, space, "complete", "验收合格")
    assert space.status is S.in_use and proposal.status is P.implemented
    with pytest.raises(InvalidInput):
        services.record_progress(w.secretary, space, {"percent": "100"})


def test_decide_needs_an_accepted_proposal(factory):
    w = factory.world()
    space = make_space(w)
    space.status = S.deliberating
    with pytest.raises(InvalidInput):
        services.change_space_status(w.secretary, space, "decide")
    assert space.status is S.deliberating

"""Support (one per household, withdrawable, database-enforced) and the
comment thread (replies one level deep, 15-minute edit window, flags, hiding)."""
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from residentvoice.errors_domain import Conflict, InvalidInput, NotAllowed, NotEligible
from residentvoice.models import utcnow
from residentvoice.notifications.models import Notification
from residentvoice.spaces import discussion
from residentvoice.spaces.discussion_models import Support
from residentvoice.spaces.models import ProposalStatus as P

from .helpers import make_proposal, make_space


@pytest.fixture
def w(factory):
    world = factory.world()
    world.space = make_space(world)
    world.open = make_proposal(world, world.space)
    world.housemate = factory.resident(world.household_a, name="王小明", owner_of=False)
    return world


def test_one_support_per_household(w):
    discussion.support(w.resident, w.open)
    assert discussion.support_count(w.open) == 1
    with pytest.raises(Conflict):
        discussion.support(w.resident, w.open)  # double click / second tab
    with pytest.raises(Conflict):
        discussion.support(w.housemate, w.open)  # another resident of the same household
    assert discussion.support_count(w.open) == 1


def test_database_constraint_holds_without_the_service(w, db):
    discussion.support(w.resident, w.open)
    db.session.add(Support(proposal_id=w.open.id, household_id=w.household_a.id,
                           user_id=w.housemate.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_support_is_withdrawable(w):
    discussion.support(w.resident, w.open)
    discussion.withdraw_support(w.housemate, w.open)  # the household's support, by any member
    assert discussion.support_count(w.open) == 0
    with pytest.raises(Conflict):
        discussion.withdraw_support(w.resident, w.open)
    discussion.support(w.resident, w.open)
    assert discussion.support_count(w.open) == 1


def test_only_reviewed_proposals_can_be_supported(w):
    for status in ("draft", "submitted", "returned"):
        proposal = make_proposal(w, w.space, status=status)
        with pytest.raises(InvalidInput):
            discussion.support(w.resident, proposal)
    decided = make_proposal(w, w.space)
    decided.status = P.accepted
    with pytest.raises(InvalidInput):
        discussion.support(w.resident, decided)
    assert discussion.support_count(decided) == 0


def test_only_households_of_the_compound_support(w):
    for actor in (w.other_resident, w.secretary, w.staff):
        with pytest.raises(NotEligible):
            discussion.support(actor, w.open)
    with pytest.raises(NotEligible):
        discussion.support(w.resident, w.open, household_id=w.household_a2.id)


def test_a_resident_with_two_households_supports_for_each(factory, w):
    factory.role(w.resident, "resident", household_id=w.household_a2.id)
    discussion.support(w.resident, w.open, household_id=w.household_a.id)
    discussion.support(w.resident, w.open, household_id=w.household_a2.id)
    assert discussion.support_count(w.open) == 2


def test_comments_and_replies_one_level_deep(w, db):
    top = discussion.add_comment(w.housemate, w.open, "车棚要加顶棚")
    reply = discussion.add_comment(w.secretary, w.open, "会考虑", parent_id=top.id)
    deeper = discussion.add_comment(w.resident, w.open, "同意", parent_id=reply.id)
    assert reply.parent_id == top.id and deeper.parent_id == top.id
    kinds = {n.user_id: n.kind for n in db.session.scalars(db.select(Notification).where(
        Notification.kind.like("comment.%")))}
    assert kinds[w.housemate.id] == "comment.reply"
    assert kinds[w.resident.id] == "comment.on_proposal"


def test_reply_to_a_comment_of_another_proposal_is_refused(w):
    other = make_proposal(w, w.space, title="另一个")
    top = discussion.add_comment(w.resident, other, "x")
    with pytest.raises(InvalidInput):
        discussion.add_comment(w.resident, w.open, "y", parent_id=top.id)


def test_comments_need_text_and_a_limit(w):
    with pytest.raises(InvalidInput):
        discussion.add_comment(w.resident, w.open, "   ")
    with pytest.raises(InvalidInput):
        discussion.add_comment(w.resident, w.open, "长" * 2001)


def test_no_comments_before_review_or_from_outsiders(w):
    draft = make_proposal(w, w.space, status="submitted")
    with pytest.raises(InvalidInput):
        discussion.add_comment(w.resident, draft, "x")
    with pytest.raises(NotAllowed):
        discussion.add_comment(w.staff, w.open, "x")


def test_edit_window_is_fifteen_minutes(w):
    start = utcnow()
    comment = discussion.add_comment(w.resident, w.open, "原文", now=start)
    discussion.edit_comment(w.resident, comment, "改过", now=start + timedelta(minutes=15))
    assert comment.body == "改过" and comment.edited_at is not None
    with pytest.raises(InvalidInput):
        discussion.edit_comment(w.resident, comment, "再改",
                                now=start + timedelta(minutes=15, seconds=1))
    with pytest.raises(InvalidInput):
        discussion.delete_comment(w.resident, comment, now=start + timedelta(minutes=16))
    assert comment.body == "改过" and comment.deleted_at is None


def test_only_the_author_edits_or_deletes(w):
    comment = discussion.add_comment(w.resident, w.open, "原文")
    for actor in (w.housemate, w.secretary):
        with pytest.raises(NotAllowed):
            discussion.edit_comment(actor, comment, "改")
        with pytest.raises(NotAllowed):
            discussion.delete_comment(actor, comment)
    discussion.delete_comment(w.resident, comment)
    assert comment.deleted_at is not None and not comment.is_visible


def test_flag_once_and_secretaries_are_told(w, db):
    comment = discussion.add_comment(w.resident, w.open, "广告")
    discussion.flag_comment(w.housemate, comment, "广告")
    discussion.flag_comment(w.staff, comment)
    with pytest.raises(Conflict):
        discussion.flag_comment(w.housemate, comment)
    assert len(comment.flags) == 2
    assert db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == w.secretary.id, Notification.kind == "comment.flagged")) == 2


def test_hide_keeps_the_original_with_the_reason(w):
    comment = discussion.add_comment(w.resident, w.open, "人身攻击的话")
    with pytest.raises(NotAllowed):
        discussion.hide_comment(w.resident, comment, "x")
    with pytest.raises(InvalidInput) as error:
        discussion.hide_comment(w.secretary, comment, "")
    assert error.value.field == "reason"
    discussion.hide_comment(w.secretary, comment, "人身攻击")
    assert comment.body == "人身攻击的话" and comment.hidden_reason == "人身攻击"
    assert not comment.is_visible and comment.hidden_by_id == w.secretary.id
    with pytest.raises(Conflict):
        discussion.hide_comment(w.street_admin, comment, "again")
    with pytest.raises(InvalidInput):
        discussion.edit_comment(w.resident, comment, "洗白")

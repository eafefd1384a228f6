"""Minutes drafted from the record, edited, approved by the chair, published
for a 公示 period of comments; action items."""
from datetime import timedelta

import pytest

from residentvoice.dates import beijing_today
from residentvoice.errors_domain import InvalidInput, NotAllowed, TransitionNotAllowed
from residentvoice.meetings import minutes, moderation, services
from residentvoice.meetings.models import MeetingStatus
from residentvoice.models import utcnow
from residentvoice.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def drafted(mt, db):
    meeting, motion = mt.debating()
    moderation.call_vote(mt.chair, meeting, motion.id)
    moderation.record_vote(mt.chair, meeting, motion.id, votes_for=3, votes_against=1,
                           votes_abstain=0)
    minutes.add_action(mt.secretary, meeting, text="请施工方出图", owner_id=mt.resident.id,
                       due_on=beijing_today() + timedelta(days=7))
    services.transition(mt.chair, meeting, "adjourn")
    services.transition(mt.secretary, meeting, "draft_minutes")
    return meeting


def test_the_draft_is_written_from_the_record(mt, drafted):
    text = drafted.minutes_text
    for expected in ("在3号楼东侧建车棚", mt.resident.name, mt.neighbour.name, "3", "请施工方出图",
                     "车棚选址", "花箱布置"):
        assert expected in text
    assert drafted.status is MeetingStatus.minutes_draft


def test_publishing_needs_the_chairs_approval(mt, drafted):
    with pytest.raises(TransitionNotAllowed, match="not approved"):
        services.transition(mt.secretary, drafted, "publish")
    assert drafted.status is MeetingStatus.minutes_draft
    with pytest.raises(NotAllowed):
        minutes.approve(mt.secretary, drafted)          # the recorder is not the chair
    minutes.approve(mt.chair, drafted)
    services.transition(mt.secretary, drafted, "publish")
    assert drafted.status is MeetingStatus.minutes_published
    assert drafted.comments_until - drafted.minutes_published_at == timedelta(days=7)


def test_editing_withdraws_the_approval(mt, drafted):
    minutes.approve(mt.chair, drafted)
    minutes.edit(mt.secretary, drafted, drafted.minutes_text + "补充：下次会议讨论花箱。")
    assert drafted.minutes_approved_at is None
    with pytest.raises(TransitionNotAllowed):
        services.transition(mt.secretary, drafted, "publish")


def test_only_the_recorder_edits_and_never_empty(mt, drafted):
    with pytest.raises(NotAllowed):
        minutes.edit(mt.resident, drafted, "改写")
    with pytest.raises(InvalidInput):
        minutes.edit(mt.secretary, drafted, "  ")
    assert "在3号楼东侧建车棚" in drafted.minutes_text


def test_publishing_notifies_invitees(mt, drafted, db):
    minutes.approve(mt.chair, drafted)
    services.transition(mt.secretary, drafted, "publish")
    notified = set(db.session.scalars(db.select(Notification.user_id).where(
        Notification.kind == "meeting.minutes")))
    assert {mt.resident.id, mt.tenant.id, mt.third.id} <= notified


def test_comments_only_during_the_publicity_period(mt, drafted):
    with pytest.raises(TransitionNotAllowed):
        minutes.comment(mt.resident, drafted, "还没公示")
    minutes.approve(mt.chair, drafted)
    services.transition(mt.secretary, drafted, "publish")
    minutes.comment(mt.resident, drafted, "同意，希望尽快开工。")
    with pytest.raises(InvalidInput):
        minutes.comment(mt.resident, drafted, "   ")
    with pytest.raises(NotAllowed):
        minutes.comment(mt.outsider, drafted, "外院居民")
    later = drafted.comments_until + timedelta(minutes=1)
    with pytest.raises(TransitionNotAllowed, match="closed"):
        minutes.comment(mt.neighbour, drafted, "晚了", now=later)
    assert [c.body for c in minutes.comments_of(drafted)] == ["同意，希望尽快开工。"]


def test_action_items_need_an_owner_from_the_list_and_a_future_date(mt, drafted):
    with pytest.raises(InvalidInput) as error:
        minutes.add_action(mt.secretary, drafted, text="x", owner_id=mt.outsider.id,
                           due_on=beijing_today())
    assert error.value.field == "owner_id"
    with pytest.raises(InvalidInput) as error:
        minutes.add_action(mt.secretary, drafted, text="x", owner_id=mt.third.id,
                           due_on=utcnow().date() - timedelta(days=1))
    assert error.value.field == "due_on"
    with pytest.raises(NotAllowed):
        minutes.add_action(mt.resident, drafted, text="x", owner_id=mt.third.id,
                           due_on=beijing_today())


def test_action_items_stay_open_for_their_owner_until_done(mt, drafted):
    [action] = minutes.open_actions_for(mt.resident)
    with pytest.raises(NotAllowed):
        minutes.complete_action(mt.third, action.id)
    minutes.complete_action(mt.resident, action.id)
    assert minutes.open_actions_for(mt.resident) == []
    with pytest.raises(TransitionNotAllowed):
        minutes.complete_action(mt.resident, action.id)

"""The meeting state machine, its guards and who may apply each action."""
from datetime import timedelta

import pytest

from residentvoice.audit.models import AuditEntry
from residentvoice.errors_domain import InvalidInput, NotAllowed, TransitionNotAllowed
from residentvoice.meetings import services
from residentvoice.meetings.models import InviteeScope, MeetingKind, MeetingStatus
from residentvoice.models import utcnow
from residentvoice.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("english")


def test_create_refuses_a_start_in_the_past_and_an_unknown_chair(mt, db):
    with pytest.raises(InvalidInput) as error:
        mt.create(days=-1)
    assert error.value.field == "starts_at"
    with pytest.raises(InvalidInput) as error:
        mt.create(chair=mt.outsider)
    assert error.value.field == "chair_id"


def test_only_the_communitys_secretaries_call_meetings(mt, db):
    with pytest.raises(NotAllowed):
        services.create_meeting(mt.world.other_secretary, compound_id=mt.world.compound_a.id,
                                title="x", kind=MeetingKind.council, place="p",
                                starts_at=utcnow() + timedelta(days=2),
                                chair_id=mt.chair.id, recorder_id=mt.secretary.id,
                                invitees=InviteeScope.all_residents)


def test_announcing_refuses_an_empty_agenda_and_changes_nothing(mt, db):
    meeting = mt.create(items=())
    with pytest.raises(InvalidInput, match="at least one agenda item"):
        services.transition(mt.secretary, meeting, "announce")
    assert meeting.status is MeetingStatus.draft
    assert meeting.announced_at is None


@pytest.mark.parametrize("days, ok", [(14, False), (15, True), (16, True)])
def test_owners_meetings_need_fifteen_days_notice(mt, db, days, ok):
    meeting = mt.create(days=days, kind=MeetingKind.owners, invitees=InviteeScope.owners)
    now = meeting.starts_at - timedelta(days=days)
    if ok:
        services.transition(mt.secretary, meeting, "announce", now=now)
        assert meeting.status is MeetingStatus.announced
    else:
        with pytest.raises(InvalidInput, match="15 days"):
            services.transition(mt.secretary, meeting, "announce", now=now)
        assert meeting.status is MeetingStatus.draft


def test_council_meetings_may_be_announced_a_day_ahead(mt, db):
    meeting = mt.announced(days=1)
    assert meeting.status is MeetingStatus.announced


def test_moving_an_announced_owners_meeting_closer_is_refused(mt, db):
    meeting = mt.announced(days=20, kind=MeetingKind.owners, invitees=InviteeScope.owners)
    data = {f: getattr(meeting, f) for f in services.FIELDS}
    data["starts_at"] = utcnow() + timedelta(days=5)
    with pytest.raises(InvalidInput):
        services.update_meeting(mt.secretary, meeting, **data)
    assert meeting.starts_at > utcnow() + timedelta(days=19)


def test_announcing_notifies_every_invitee_and_the_officers(mt, db):
    meeting = mt.announced()
    notified = set(db.session.scalars(db.select(Notification.user_id).where(
        Notification.kind == "meeting.announced")))
    assert {mt.resident.id, mt.neighbour.id, mt.third.id, mt.chair.id, mt.tenant.id,
            mt.secretary.id} <= notified
    assert mt.outsider.id not in notified


@pytest.mark.parametrize("role, action, allowed", [
    ("secretary", "announce", True), ("resident", "announce", False),
    ("chair", "announce", False), ("street_admin", "announce", True),
    ("other_secretary", "announce", False)])
def test_who_may_announce(mt, db, role, action, allowed):
    meeting = mt.create()
    actor = getattr(mt, role, None) or getattr(mt.world, role)
    if allowed:
        services.transition(actor, meeting, action)
        assert meeting.status is MeetingStatus.announced
    else:
        with pytest.raises(NotAllowed):
            services.transition(actor, meeting, action)
        assert meeting.status is MeetingStatus.draft


def test_the_chair_opens_and_adjourns_residents_cannot(mt, db):
    meeting = mt.announced()
    with pytest.raises(NotAllowed):
        services.transition(mt.resident, meeting, "open")
    services.transition(mt.chair, meeting, "open")
    assert meeting.status is MeetingStatus.in_session
    assert meeting.current_item_id == meeting.items[0].id
    assert meeting.items[0].started_at is not None
    with pytest.raises(NotAllowed):
        services.transition(mt.resident, meeting, "adjourn")
    services.transition(mt.chair, meeting, "adjourn")
    assert meeting.status is MeetingStatus.adjourned


def test_steps_out_of_order_are_refused(mt, db):
    meeting = mt.create()
    for action in ("open", "adjourn", "draft_minutes", "publish"):
        with pytest.raises(TransitionNotAllowed):
            services.transition(mt.secretary, meeting, action)
    assert meeting.status is MeetingStatus.draft


def test_every_transition_is_audited(mt, db):
    meeting = mt.announced()
    services.transition(mt.chair, meeting, "open")
    actions = set(db.session.scalars(db.select(AuditEntry.action).where(
        AuditEntry.object_type == "Meeting", AuditEntry.object_id == meeting.id)))
    assert {"meeting.created", "meeting.announce", "meeting.open"} <= actions
    items = set(db.session.scalars(db.select(AuditEntry.object_id).where(
        AuditEntry.action == "meeting.agenda_added")))
    assert {i.id for i in meeting.items} <= items


def test_drafts_are_hidden_from_residents_until_announced(mt, db):
    meeting = mt.create()
    assert not meeting.can_view(mt.resident)
    assert meeting.can_view(mt.chair)           # officers see the draft
    services.transition(mt.secretary, meeting, "announce")
    assert meeting.can_view(mt.resident)
    assert not meeting.can_view(mt.outsider)


def test_rules_are_editable_before_the_meeting(mt, db):
    meeting = mt.announced()
    data = {f: getattr(meeting, f) for f in services.FIELDS}
    data.update(speech_seconds=180, speeches_per_motion=3)
    services.update_meeting(mt.secretary, meeting, **data)
    assert (meeting.speech_seconds, meeting.speeches_per_motion) == (180, 3)
    data["speeches_per_motion"] = 0
    with pytest.raises(InvalidInput) as error:
        services.update_meeting(mt.secretary, meeting, **data)
    assert error.value.field == "speeches_per_motion"

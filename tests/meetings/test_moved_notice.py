"""Moving a meeting after its notice went out sends an updated notice to
everyone the first one reached, and the printed notice shows the change
(issue 17 §8)."""
from datetime import timedelta

from residentvoice.extensions import db
from residentvoice.meetings import services
from residentvoice.meetings.models import InviteeScope
from residentvoice.notifications.models import Notification
from residentvoice.notifications.services import render


def _data(meeting, **changes):
    data = {field: getattr(meeting, field) for field in services.FIELDS}
    data.update(changes)
    return data


def _told(meeting, kind):
    return set(db.session.scalars(db.select(Notification.user_id).where(
        Notification.kind == kind, Notification.url == f"/meetings/{meeting.id}")))


def test_a_moved_meeting_reaches_everyone_the_first_notice_reached(mt, db):
    meeting = mt.announced(invitees=InviteeScope.named, named_user_ids=[mt.resident.id,
                                                                        mt.neighbour.id])
    first = _told(meeting, "meeting.announced")
    assert {mt.resident.id, mt.neighbour.id} <= first
    old_start = meeting.starts_at
    # The neighbour is no longer named, and the meeting moves a day later.
    services.update_meeting(mt.secretary, meeting, named_user_ids=[mt.resident.id],
                            **_data(meeting, starts_at=old_start + timedelta(days=1),
                                    place="社区活动室"))
    assert first <= _told(meeting, "meeting.changed")
    assert meeting.previous_starts_at == old_start and meeting.previous_place == "群众接待室"
    note = db.session.scalars(db.select(Notification).where(
        Notification.kind == "meeting.changed", Notification.user_id == mt.neighbour.id)).one()
    text = render(note)
    assert "社区活动室" in text and "群众接待室" in text


def test_editing_the_agenda_text_alone_sends_no_change_notice(mt, db):
    meeting = mt.announced()
    services.update_meeting(mt.secretary, meeting, **_data(meeting, title="腾退空间议事会（二）"))
    assert _told(meeting, "meeting.changed") == set() and meeting.changed_at is None


def test_the_printed_notice_shows_the_change(mt, db, client, auth):
    meeting = mt.announced()
    services.update_meeting(mt.secretary, meeting, **_data(meeting, place="社区活动室"))
    auth.login(mt.resident)
    page = client.get(f"/meetings/{meeting.id}/notice").get_data(as_text=True)
    assert "notice-change" in page
    assert "会议地点改为 社区活动室，不再是 群众接待室" in page

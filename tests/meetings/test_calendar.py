"""Calendar files (issue 19 §6): a meeting and a ballot window as iCalendar,
each user's feed behind a secret, revocable address; a changed meeting keeps
its UID and carries a higher SEQUENCE.  The output is read back with the
icalendar parser."""
from datetime import timedelta

from icalendar import Calendar

from residentvoice.meetings import calendar, services
from residentvoice.meetings.calendar_models import CalendarFeed

from ..factories import sign_in
from ..voting.helpers import make_ballot


def events(body):
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _edit(mt, meeting, **changes):
    data = {name: getattr(meeting, name) for name in services.FIELDS}
    data.update(changes)
    services.update_meeting(mt.secretary, meeting, **data)


def test_a_meeting_file_parses_with_its_time_place_and_uid(mt, db):
    meeting = mt.announced()
    ev = events(calendar.meeting_ics(meeting, "https://rv.example"))[f"meeting-{meeting.id}@residentvoice"]
    assert ev.decoded("DTSTART").replace(tzinfo=None) == meeting.starts_at.replace(microsecond=0)
    assert ev.decoded("DTEND") - ev.decoded("DTSTART") == timedelta(minutes=meeting.duration_minutes)
    assert str(ev["SUMMARY"]) == meeting.title
    assert "群众接待室" in str(ev["LOCATION"])
    assert str(ev["URL"]) == f"https://rv.example/meetings/{meeting.id}"
    assert int(ev["SEQUENCE"]) == 0


def test_a_moved_meeting_is_the_same_event_with_a_higher_sequence(mt, db):
    meeting = mt.announced()
    uid = f"meeting-{meeting.id}@residentvoice"
    _edit(mt, meeting, starts_at=meeting.starts_at + timedelta(days=17), place="社区活动室")
    db.session.flush()
    first = events(calendar.meeting_ics(meeting))[uid]
    assert int(first["SEQUENCE"]) == 1 and "社区活动室" in str(first["LOCATION"])
    _edit(mt, meeting, duration_minutes=120)
    db.session.flush()
    assert int(events(calendar.meeting_ics(meeting))[uid]["SEQUENCE"]) == 2
    # a change the event does not show (the speech length) leaves it alone
    _edit(mt, meeting, speech_seconds=180)
    db.session.flush()
    assert int(events(calendar.meeting_ics(meeting))[uid]["SEQUENCE"]) == 2


def test_a_ballot_window_runs_from_opening_to_closing(mt, db):
    ballot = make_ballot(mt.secretary, mt.world.compound_a, state="announced")
    ev = events(calendar.ballot_ics(ballot))[f"ballot-{ballot.id}@residentvoice"]
    assert ev.decoded("DTSTART").replace(tzinfo=None) == ballot.opens_at.replace(microsecond=0)
    assert ev.decoded("DTEND").replace(tzinfo=None) == ballot.closes_at.replace(microsecond=0)
    assert "充电桩建设" in str(ev["SUMMARY"])


def test_the_feed_holds_what_the_user_may_see(mt, db):
    shown = mt.announced()
    draft = mt.create()
    ballot = make_ballot(mt.secretary, mt.world.compound_a, state="open")
    uids = set(events(calendar.feed_ics(mt.resident)))
    assert {f"meeting-{shown.id}@residentvoice", f"ballot-{ballot.id}@residentvoice"} <= uids
    assert f"meeting-{draft.id}@residentvoice" not in uids
    assert events(calendar.feed_ics(mt.outsider)) == {}


def test_the_feed_address_works_without_a_session_and_can_be_revoked(client, mt, db):
    meeting = mt.announced()
    sign_in(client, mt.resident)
    page = client.post("/calendar/feed").get_data(as_text=True)
    token = page.split("/calendar/feed/", 1)[1].split(".ics", 1)[0]
    assert db.session.scalar(db.select(CalendarFeed.token_hash)) != token   # only a hash kept
    anonymous = client.application.test_client()
    response = anonymous.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert f"meeting-{meeting.id}@residentvoice" in events(response.data)
    # a new address replaces the old one
    page = client.post("/calendar/feed").get_data(as_text=True)
    newer = page.split("/calendar/feed/", 1)[1].split(".ics", 1)[0]
    assert anonymous.get(f"/calendar/feed/{token}.ics").status_code == 404
    assert anonymous.get(f"/calendar/feed/{newer}.ics").status_code == 200
    client.post("/calendar/feed/revoke")
    assert anonymous.get(f"/calendar/feed/{newer}.ics").status_code == 404
    assert "还没有日历地址" in client.get("/calendar/").get_data(as_text=True)


def test_files_answer_only_those_who_may_see_the_record(client, mt, db):
    draft = mt.create()
    sign_in(client, mt.resident)
    assert client.get(f"/calendar/meetings/{draft.id}.ics").status_code == 404
    shown = mt.announced()
    response = client.get(f"/calendar/meetings/{shown.id}.ics")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.get("/calendar/feed/not-a-real-token-at-all-xxxx.ics").status_code == 404


def test_a_password_change_stops_the_feed_address(client, mt, db):
    from residentvoice.auth import services as auth
    token = calendar.new_feed(mt.resident)
    assert calendar.feed_user(token) == mt.resident
    auth.change_password(mt.resident, "password-123", "a-new-password-456")
    assert calendar.feed_user(token) is None
    newer = calendar.new_feed(mt.resident)
    assert calendar.feed_user(newer) == mt.resident

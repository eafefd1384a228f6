"""SMS from the features' own notifications (issue 18 §3): a ballot opens,
is about to close, publishes its result; a meeting is called or moved; a ticket
is routed, resolved, overdue — each queues its SMS for who chose SMS; plus the
pages (channels, delivery status) and the reply callback and commands."""
import re
from datetime import timedelta

import pytest

from residentvoice.meetings import agenda
from residentvoice.meetings import services as meetings
from residentvoice.meetings.models import InviteeScope, MeetingKind
from residentvoice.models import utcnow
from residentvoice.notifications import sms
from residentvoice.notifications.sms_kinds import link_code
from residentvoice.notifications.sms_models import SmsMessage, SmsOptOut, SmsStatus
from residentvoice.tickets import actions as ticket_actions
from residentvoice.tickets import services as tickets
from residentvoice.tickets.sweep import sweep

from ..factories import sign_in
from ..voting.helpers import make_ballot


@pytest.fixture
def w(app, factory, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "outbox")
    monkeypatch.setitem(app.config, "SMS_REPLY_TOKEN", "reply-secret-123")
    world = factory.world()
    for user in (world.resident, world.other_resident, world.secretary, world.staff):
        sms.choose(user, True)
    tickets.set_rule(world.secretary, world.compound_a, "facade_ac", world.organisation.id)
    return world


def outbox(db, kind=None):
    query = db.select(SmsMessage).order_by(SmsMessage.id)
    if kind:
        query = query.where(SmsMessage.kind == kind)
    return db.session.scalars(query).all()


def file(w, emergency=False):
    return tickets.create_ticket(w.resident, compound_id=w.compound_a.id, category="facade_ac",
                                 description="空调外机震动", household_id=w.household_a.id,
                                 emergency=emergency)


def test_a_routed_ticket_texts_its_handlers_and_an_emergency_is_urgent(db, w):
    plain, urgent = file(w), file(w, emergency=True)
    routed = outbox(db, "ticket_routed")
    assert [(m.user_id, m.params, m.urgent) for m in routed] == [
        (w.staff.id, [link_code(f"/tickets/{plain.id}")], False),
        (w.staff.id, [link_code(f"/tickets/{urgent.id}")], True)]
    # the urgent one is due at once, whatever the hour
    assert routed[1].next_attempt_at <= utcnow()


def test_a_resolved_ticket_asks_the_reporter_to_confirm(db, w):
    ticket = file(w)
    ticket_actions.acknowledge(w.staff, ticket)
    ticket_actions.resolve(w.staff, ticket, "已加固支架")
    [message] = outbox(db, "ticket_resolved")
    assert message.user_id == w.resident.id and message.phone == w.resident.phone
    assert message.params == [link_code(f"/tickets/{ticket.id}")]


def test_an_overdue_ticket_texts_the_secretaries_it_is_escalated_to(db, w):
    ticket = file(w, emergency=True)
    assert sweep(now=utcnow() + timedelta(days=30))["secretaries"] == 1
    [message] = outbox(db, "ticket_overdue")
    assert message.user_id == w.secretary.id and message.urgent
    assert message.params == [link_code(f"/tickets/{ticket.id}")]


def test_a_ballot_texts_its_electorate_when_it_opens_and_publishes(db, w):
    ballot = make_ballot(w.secretary, w.compound_a)
    [opened] = outbox(db, "ballot_opened")
    local = sms._local(ballot.closes_at)
    assert opened.user_id == w.resident.id
    assert opened.params == [link_code(f"/ballots/{ballot.id}"), f"{local.month}月{local.day}日"]
    assert outbox(db, "ballot_result") == []
    from residentvoice.voting import services as voting
    voting.close_ballot(w.secretary, ballot)
    voting.publish(w.secretary, ballot)
    [result] = outbox(db, "ballot_result")
    assert result.user_id == w.resident.id and result.params == [opened.params[0]]


def test_the_closing_reminder_goes_once_two_days_before(db, w, runner):
    ballot = make_ballot(w.secretary, w.compound_a, closes_at=utcnow() + timedelta(days=5))
    assert runner.invoke(args=["notifications", "remind"]).output == "0 reminders sent.\n"
    ballot.closes_at = utcnow() + timedelta(days=1, hours=20)
    db.session.flush()
    assert runner.invoke(args=["notifications", "remind"]).output == "1 reminders sent.\n"
    assert runner.invoke(args=["notifications", "remind"]).output == "0 reminders sent.\n"
    [message] = outbox(db, "ballot_closing")
    assert message.user_id == w.resident.id and message.params[0] == link_code(
        f"/ballots/{ballot.id}")


def meeting(w, starts_at):
    m = meetings.create_meeting(
        w.secretary, compound_id=w.compound_a.id, title="腾退空间议事会",
        kind=MeetingKind.council, place="群众接待室", starts_at=starts_at,
        chair_id=w.secretary.id, recorder_id=w.secretary.id,
        invitees=InviteeScope.all_residents, duration_minutes=90, speech_seconds=120,
        speeches_per_motion=2, publicity_days=5)
    agenda.add_item(w.secretary, m, title="车棚选址", time_box_minutes=20)
    return m


def test_a_meeting_notice_and_a_move_are_texted_with_date_and_time(db, w):
    starts = (utcnow() + timedelta(days=5)).replace(hour=11, minute=30, second=0,
                                                    microsecond=0)  # 19:30 Beijing
    m = meeting(w, starts)
    meetings.transition(w.secretary, m, "announce")
    notice = [x for x in outbox(db, "meeting_notice") if x.user_id == w.resident.id]
    local = sms._local(starts)
    assert notice[0].params == [link_code(f"/meetings/{m.id}"),
                                f"{local.month}月{local.day}日", "19:30"]
    data = {f: getattr(m, f) for f in meetings.FIELDS}
    data["title"] = "腾退空间议事会（第二次）"
    meetings.update_meeting(w.secretary, m, **data)
    assert outbox(db, "meeting_changed") == []          # neither time nor place moved
    data["starts_at"] = starts + timedelta(days=1, hours=-1)
    meetings.update_meeting(w.secretary, m, **data)
    changed = [x for x in outbox(db, "meeting_changed") if x.user_id == w.resident.id]
    assert changed[0].params[2] == "18:30"


def test_the_reply_callback_opts_a_number_out(db, w, client):
    file(w)                                          # one SMS queued for the staff member
    body = [{"extend": "", "mobile": w.staff.phone, "nationcode": "86", "sign": "居民之声",
             "text": "TD", "time": 1764900000}]
    assert client.post("/notifications/sms/reply/wrong", json=body).status_code == 404
    response = client.post("/notifications/sms/reply/reply-secret-123", json=body)
    assert response.status_code == 200 and response.json == {"result": 0, "errmsg": "OK"}
    assert db.session.get(SmsOptOut, w.staff.phone) is not None
    assert [m.status for m in outbox(db, "ticket_routed")] == [SmsStatus.opted_out]
    assert client.post("/notifications/sms/reply/reply-secret-123",
                       data="x", content_type="text/plain").status_code == 400


def test_the_reply_command_opts_a_number_out(db, w, runner):
    result = runner.invoke(args=["notifications", "sms-reply", w.resident.phone, "退订"])
    assert result.exit_code == 0 and "opted out" in result.output
    assert not sms.is_opted_in(w.resident)


def test_the_send_command_without_a_provider_says_sms_is_off(app, db, runner, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "")
    result = runner.invoke(args=["notifications", "sms"])
    assert result.exit_code == 0 and "no SMS sent" in result.output


def test_the_channels_page_switches_sms_on_and_off(db, w, client):
    sign_in(client, w.other_resident)
    page = client.get("/notifications/channels").get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*name="sms"[^>]*>', page).group(0)
    client.post("/notifications/channels", data={})
    assert not sms.is_opted_in(w.other_resident)
    client.post("/notifications/channels", data={"sms": "y"})
    assert sms.is_opted_in(w.other_resident)


def test_the_channels_page_says_when_sms_is_not_set_up(app, db, factory, client, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "")
    user = factory.user()
    sign_in(client, user)
    page = client.get("/notifications/channels").get_data(as_text=True)
    assert "本站尚未开通短信" in page and 'name="sms"' not in page
    client.post("/notifications/channels", data={"sms": "y"})
    assert not sms.is_opted_in(user)


def test_secretaries_see_delivery_to_their_own_residents_only(db, w, client, runner):
    ballot_a = make_ballot(w.secretary, w.compound_a)
    make_ballot(w.other_secretary, w.compound_b, title="花箱布置")
    runner.invoke(args=["notifications", "sms"])
    sign_in(client, w.secretary)
    page = client.get("/notifications/sms/status").get_data(as_text=True)
    assert w.resident.name in page and w.other_resident.name not in page
    assert link_code(f"/ballots/{ballot_a.id}") in page
    assert w.resident.phone[:3] + "****" + w.resident.phone[-4:] in page
    sign_in(client, w.other_secretary)
    page = client.get("/notifications/sms/status").get_data(as_text=True)
    assert w.other_resident.name in page and w.resident.name not in page

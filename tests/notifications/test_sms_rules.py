"""The SMS rules, checked against the outbox (issue 18 §3): opt-in and opt-out
(in the account and by replying TD), quiet hours 22:00–08:00 Beijing time except
urgent messages, the daily cap, what each kind carries, and SMS off without
configuration.  The development backend (SMS_PROVIDER=outbox) sends nothing."""
from datetime import datetime, timedelta

import pytest

from residentvoice.notifications import services, sms, sms_send
from residentvoice.notifications.sms_backends import sms_settings
from residentvoice.notifications.sms_kinds import (BY_NOTIFICATION, KINDS, PARAM_MAX, link_code,
                                                   link_target, template_params)
from residentvoice.notifications.sms_models import (OptOutSource, SmsMessage, SmsOptOut,
                                                    SmsStatus)


def beijing(day, hour, minute=0):
    """A naive UTC moment given as Beijing time on 2026-12-``day``."""
    return datetime(2026, 12, day, hour, minute) - timedelta(hours=8)


@pytest.fixture
def outbox(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "outbox")
    monkeypatch.setitem(app.config, "SMS_DAILY_CAP", 3)
    return lambda: sms_settings(app.config)


@pytest.fixture
def subscriber(factory):
    user = factory.user(phone="13700001111")
    sms.choose(user, True)
    return user


def queue(settings, user, kind="ticket.routed", url="/tickets/7", at=None, urgent=False,
          now=None):
    return sms.enqueue(settings, [user.id], kind, url, at=at, urgent=urgent, now=now)


def messages(db, user):
    return db.session.scalars(db.select(SmsMessage).where(SmsMessage.user_id == user.id)
                              .order_by(SmsMessage.id)).all()


def test_without_a_provider_sms_is_off_and_nothing_is_queued(app, db, subscriber):
    assert sms_settings(app.config) is None
    services.notify([subscriber.id], "ticket.routed", "New ticket %(number)s is waiting for you.",
                    {"number": "T1"}, "/tickets/7")
    assert messages(db, subscriber) == []


def test_tencent_without_its_keys_is_off(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "tencent")
    monkeypatch.setitem(app.config, "SMS_SECRET_ID", "AKID")
    assert sms_settings(app.config) is None


def test_a_kind_without_a_template_is_not_queued(app, db, subscriber, monkeypatch):
    for key, value in {"SMS_PROVIDER": "tencent", "SMS_SECRET_ID": "a", "SMS_SECRET_KEY": "b",
                       "SMS_SDK_APP_ID": "1400", "SMS_SIGN_NAME": "居民之声",
                       "SMS_TEMPLATE_TICKET_ROUTED": "200001"}.items():
        monkeypatch.setitem(app.config, key, value)
    settings = sms_settings(app.config)
    assert queue(settings, subscriber, "ticket.resolved") == 0
    assert queue(settings, subscriber, "ticket.routed") == 1


def test_only_those_who_chose_sms_and_did_not_opt_out_get_it(db, factory, outbox, subscriber):
    silent = factory.user(phone="13700002222")                 # never chose SMS
    stopped = factory.user(phone="13700003333")
    sms.choose(stopped, True)
    sms.handle_reply("+86 137 0000 3333", "退订")
    off = factory.user(phone="13700004444")
    sms.choose(off, True)
    sms.choose(off, False)
    ids = [subscriber.id, silent.id, stopped.id, off.id]
    assert sms.enqueue(outbox(), ids, "ticket.routed", "/tickets/7") == 1
    assert [m.user_id for m in db.session.scalars(db.select(SmsMessage))] == [subscriber.id]
    assert db.session.get(SmsOptOut, off.phone).source is OptOutSource.account


def test_kinds_that_have_no_sms_send_none(db, outbox, subscriber):
    assert queue(outbox(), subscriber, "comment.reply", "/spaces/proposals/3") == 0
    assert queue(outbox(), subscriber, "ticket.update") == 0


def test_replying_td_opts_the_number_out_and_drops_what_is_queued(db, outbox, subscriber):
    queue(outbox(), subscriber)
    assert sms.handle_reply("13700001111", "好的") is False
    assert sms.handle_reply("13700001111", " td ") is True
    assert [m.status for m in messages(db, subscriber)] == [SmsStatus.opted_out]
    assert not sms.is_opted_in(subscriber)
    assert queue(outbox(), subscriber) == 0
    # switching SMS on again in the account is new consent
    sms.choose(subscriber, True)
    assert sms.is_opted_in(subscriber) and queue(outbox(), subscriber) == 1


def test_an_opt_out_after_queueing_stops_the_send(db, outbox, subscriber):
    queue(outbox(), subscriber, now=beijing(7, 9))
    sms.choose(subscriber, False)
    assert sms_send.send_due(outbox(), now=beijing(7, 10)) == {"opted_out": 1}
    assert messages(db, subscriber)[0].status is SmsStatus.opted_out


@pytest.mark.parametrize("hour, due", [(21, (7, 21)), (22, (8, 8)), (23, (8, 8)), (3, (7, 8)),
                                       (7, (7, 8)), (8, (7, 8))])
def test_quiet_hours_hold_a_message_until_eight(db, outbox, subscriber, hour, due):
    queue(outbox(), subscriber, now=beijing(7, hour))
    [message] = messages(db, subscriber)
    assert message.next_attempt_at == beijing(*due)


def test_a_message_due_before_quiet_hours_waits_if_the_run_comes_after_22(
        db, outbox, subscriber):
    queue(outbox(), subscriber, now=beijing(7, 21, 50))
    assert sms_send.send_due(outbox(), now=beijing(7, 22, 5)) == {"deferred": 1}
    [message] = messages(db, subscriber)
    assert message.status is SmsStatus.queued and message.next_attempt_at == beijing(8, 8)
    assert sms_send.send_due(outbox(), now=beijing(8, 7, 59)) == {}
    assert sms_send.send_due(outbox(), now=beijing(8, 8)) == {"sent": 1}


def test_an_urgent_message_goes_out_at_night(db, outbox, subscriber):
    queue(outbox(), subscriber, urgent=True, now=beijing(7, 2))
    assert sms_send.send_due(outbox(), now=beijing(7, 2, 1)) == {"sent": 1}
    [message] = messages(db, subscriber)
    assert message.urgent and message.sent_at == beijing(7, 2, 1)
    assert message.provider == "outbox" and message.provider_id == f"outbox-{message.id}"


def test_the_daily_cap_counts_a_beijing_day_and_spares_urgent_messages(db, outbox, subscriber):
    for _ in range(4):
        queue(outbox(), subscriber, now=beijing(7, 9))
    queue(outbox(), subscriber, urgent=True, now=beijing(7, 9))
    assert sms_send.send_due(outbox(), now=beijing(7, 10)) == {"sent": 4, "capped": 1}
    statuses = [m.status for m in messages(db, subscriber)]
    assert statuses == [SmsStatus.sent] * 3 + [SmsStatus.capped, SmsStatus.sent]
    # a new Beijing day (midnight local, 16:00 UTC) starts a new count
    queue(outbox(), subscriber, now=beijing(8, 9))
    assert sms_send.send_due(outbox(), now=beijing(8, 9, 1)) == {"sent": 1}


def test_each_kind_has_values_within_the_providers_length_rule():
    at = beijing(28, 19, 30)
    for notification_kind, kind in BY_NOTIFICATION.items():
        assert kind in KINDS
        for url in ("/ballots/1", "/meetings/60466175", "/tickets/1000000"):
            values = template_params(kind, url, at)
            assert values is not None and len(values) == len(KINDS[kind].params)
            assert all(0 < len(v) <= PARAM_MAX for v in values), values
    assert template_params("meeting_notice", "/meetings/5", at) == ["m5", "12月28日", "19:30"]
    assert template_params("ballot_result", "/ballots/48", None) == ["b1c"]
    # a kind that names a date cannot go without it
    assert template_params("ballot_opened", "/ballots/48", None) is None


def test_link_codes_lead_back_to_their_page(client):
    for url in ("/ballots/48", "/meetings/1", "/tickets/60466175"):
        assert link_target(link_code(url)) == url
    assert link_code("/tickets/60466176") is None          # seven characters
    assert link_code("/spaces/3") is None and link_target("x12") is None
    response = client.get("/notifications/go/t" + link_code("/tickets/99")[1:])
    assert response.status_code == 302 and response.headers["Location"].endswith("/tickets/99")
    assert client.get("/notifications/go/zz").status_code == 404


def test_the_readme_lists_every_kind_with_the_template_the_site_shows(app):
    """The README's template table is what secretaries see in the delivery
    status (the Chinese text of each kind), so what is applied for is what is
    sent."""
    from flask_babel import force_locale

    from residentvoice.config import ROOT
    from residentvoice.notifications.sms_kinds import preview
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    link = "https://rv.example.org/notifications/go/"
    with app.test_request_context(), force_locale("zh_Hans"):
        for key, kind in KINDS.items():
            template = preview(key, ["{%d}" % n for n in range(1, len(kind.params) + 1)], link)
            row = next(line for line in readme.splitlines()
                       if line.startswith(f"| `{key.upper()}` |"))
            assert row.rstrip(" |").endswith(template), (row, template)

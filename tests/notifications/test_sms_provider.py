"""The Tencent Cloud adapter against a local stand-in for the provider's
endpoint (issue 18 §3): the SDK's request arrives signed (TC3-HMAC-SHA256,
recomputed by the stand-in), with the SendSms action and our parameters; the
provider's answers become a delivery, a retry or a failure."""
from datetime import timedelta

import pytest

from residentvoice.models import utcnow
from residentvoice.notifications import services, sms, sms_send
from residentvoice.notifications.sms_backends import ProviderError, backend_for, sms_settings
from residentvoice.notifications.sms_models import SmsMessage, SmsStatus

from . import tencent_standin
from .tencent_standin import APP_ID, REGION, SIGN_NAME, StandIn, configure


@pytest.fixture
def provider(app, monkeypatch):
    with StandIn() as server:
        configure(app.config, monkeypatch, server.endpoint)
        yield server


def daytime():
    """10:00 Beijing time, after anything queued now became due."""
    return sms.quiet_hours_end(utcnow()) + timedelta(hours=2)


def test_the_sdk_request_arrives_signed_with_the_action_and_our_parameters(app, db, provider):
    backend = backend_for(sms_settings(app.config))
    delivery = backend.send("13800138000", "100001", ["b1c", "12月6日"], message_id=7)
    assert delivery.provider_id == "2433:1" and delivery.cost_units == 1
    [request] = provider.received
    assert request["signature_problem"] is None
    headers = request["headers"]
    assert headers["X-TC-Action"] == "SendSms"
    assert headers["X-TC-Version"] == "2021-01-11"
    assert headers["X-TC-Region"] == REGION
    assert headers["Authorization"].startswith(
        f"TC3-HMAC-SHA256 Credential={tencent_standin.SECRET_ID}/")
    payload = request["payload"]
    assert payload["PhoneNumberSet"] == ["+8613800138000"]
    assert payload["SmsSdkAppId"] == APP_ID and payload["SignName"] == SIGN_NAME
    assert payload["TemplateId"] == "100001"
    assert payload["TemplateParamSet"] == ["b1c", "12月6日"]
    assert payload["SessionContext"] == "7"


def test_a_wrongly_signed_request_is_refused_and_not_retried(app, db, monkeypatch):
    with StandIn() as server:
        configure(app.config, monkeypatch, server.endpoint, secret_key="not-the-key")
        backend = backend_for(sms_settings(app.config))
        with pytest.raises(ProviderError) as caught:
            backend.send("13800138000", "100001", ["b1"])
    assert server.received[0]["signature_problem"] == "signature mismatch"
    assert caught.value.code == "AuthFailure.SignatureFailure"
    assert caught.value.retryable is False


@pytest.mark.parametrize("answer, code, retryable", [
    ("InternalError.Timeout", "InternalError.Timeout", True),
    ("RequestLimitExceeded", "RequestLimitExceeded", True),
    ("status:LimitExceeded.PhoneNumberDailyLimit", "LimitExceeded.PhoneNumberDailyLimit", True),
    ("status:InvalidParameterValue.IncorrectPhoneNumber",
     "InvalidParameterValue.IncorrectPhoneNumber", False),
    ("FailedOperation.TemplateIncorrectOrUnapproved",
     "FailedOperation.TemplateIncorrectOrUnapproved", False),
])
def test_provider_errors_are_told_apart(app, db, provider, answer, code, retryable):
    provider.answers.append(answer)
    with pytest.raises(ProviderError) as caught:
        backend_for(sms_settings(app.config)).send("13800138000", "100001", ["b1"])
    assert caught.value.code == code and caught.value.retryable is retryable


def test_an_unreachable_provider_is_retried(app, db, monkeypatch):
    configure(app.config, monkeypatch, "http://127.0.0.1:9")
    with pytest.raises(ProviderError) as caught:
        backend_for(sms_settings(app.config)).send("13800138000", "100001", ["b1"])
    assert caught.value.retryable is True


def test_end_to_end_a_notification_reaches_the_provider_and_the_outbox_records_it(
        app, db, factory, provider, runner, monkeypatch):
    resident = factory.user(phone="13911112222")
    sms.choose(resident, True)
    closes = utcnow() + timedelta(days=3)
    services.notify([resident.id], "ballot.opened", "Voting is open: %(title)s",
                    {"title": "车棚"}, "/ballots/48", at=closes)
    monkeypatch.setattr(sms_send, "utcnow", daytime)
    result = runner.invoke(args=["notifications", "sms"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    [request] = provider.received
    assert request["signature_problem"] is None
    local = sms._local(closes)
    assert request["payload"]["TemplateParamSet"] == ["b1c", f"{local.month}月{local.day}日"]
    message = db.session.scalars(db.select(SmsMessage).where(
        SmsMessage.user_id == resident.id)).one()
    assert message.status is SmsStatus.sent and message.provider == "tencent"
    assert message.provider_id == "2433:1" and message.cost_units == 1
    assert message.attempts == 1 and message.sent_at is not None


def test_provider_errors_are_retried_with_backoff_then_given_up(
        app, db, factory, provider, monkeypatch):
    resident = factory.user(phone="13911113333")
    sms.choose(resident, True)
    services.notify([resident.id], "ballot.opened", "Voting is open: %(title)s",
                    {"title": "车棚"}, "/ballots/5", at=utcnow() + timedelta(days=3))
    settings = sms_settings(app.config)
    message = db.session.scalars(db.select(SmsMessage).where(
        SmsMessage.user_id == resident.id)).one()
    now = daytime()
    waits = []
    provider.answers.extend(["InternalError.Timeout"] * sms.MAX_ATTEMPTS)
    for attempt in range(1, sms.MAX_ATTEMPTS + 1):
        report = sms_send.send_due(settings, now=now)
        assert message.attempts == attempt
        if attempt < sms.MAX_ATTEMPTS:
            assert report == {"retry": 1}
            waits.append(message.next_attempt_at - now)
            # not due again before the wait is over
            assert sms_send.send_due(settings, now=now + waits[-1] - timedelta(seconds=1)) == {}
            now = message.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert message.status is SmsStatus.failed and "InternalError.Timeout" in message.last_error
    assert len(provider.received) == sms.MAX_ATTEMPTS


def test_a_retry_that_succeeds_is_sent(app, db, factory, provider):
    resident = factory.user(phone="13911114444")
    sms.choose(resident, True)
    services.notify([resident.id], "ballot.opened", "Voting is open: %(title)s",
                    {"title": "车棚"}, "/ballots/5", at=utcnow() + timedelta(days=3))
    settings = sms_settings(app.config)
    provider.answers.append("InternalError.Timeout")
    now = daytime()
    assert sms_send.send_due(settings, now=now) == {"retry": 1}
    assert sms_send.send_due(settings, now=now + timedelta(minutes=1)) == {"sent": 1}
    message = db.session.scalars(db.select(SmsMessage).where(
        SmsMessage.user_id == resident.id)).one()
    assert message.status is SmsStatus.sent and message.attempts == 2
    assert message.last_error == ""

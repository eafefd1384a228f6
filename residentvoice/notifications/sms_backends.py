"""SMS providers behind one small interface: ``send(phone, template_id,
params) → Delivery``, raising ``ProviderError`` (retryable or not).

``SMS_PROVIDER`` picks one:
- ``tencent``: Tencent Cloud SMS through its official SDK
  (``tencentcloud-sdk-python-sms``, API 2021-01-11, TC3-HMAC-SHA256 signed).
  Chosen over Alibaba Cloud's ``alibabacloud-dysmsapi20170525`` because it
  brings two small packages (the SMS models and the common signer, on
  ``requests``) where Alibaba's brings some thirty (aiohttp, cryptography,
  APScheduler…); an Alibaba backend would be one more class here with the
  same ``send``.
- ``outbox``: development; nothing leaves the machine, the outbox row is
  marked sent with the text it would have carried.
Unset: no SMS at all (the account page says so)."""
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from .sms_kinds import KINDS

DEFAULT_DAILY_CAP = 5


@dataclass
class Delivery:
    provider_id: str
    cost_units: int


class ProviderError(Exception):
    def __init__(self, code, message, retryable):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.retryable = retryable


def _setting(config, key, default=None):
    """From the app config, else the environment."""
    value = config.get(key)
    return value if value not in (None, "") else os.environ.get(key, default)


def sms_settings(config):
    """The SMS settings, or None when SMS is off (no or an unknown provider,
    or a provider missing its keys)."""
    provider = (_setting(config, "SMS_PROVIDER") or "").strip().lower()
    if provider not in BACKENDS:
        return None
    settings = {
        "provider": provider,
        "secret_id": _setting(config, "SMS_SECRET_ID") or "",
        "secret_key": _setting(config, "SMS_SECRET_KEY") or "",
        "app_id": _setting(config, "SMS_SDK_APP_ID") or "",
        "sign_name": _setting(config, "SMS_SIGN_NAME") or "",
        "region": _setting(config, "SMS_REGION") or "ap-guangzhou",
        "endpoint": _setting(config, "SMS_ENDPOINT") or "",
        "daily_cap": int(_setting(config, "SMS_DAILY_CAP") or DEFAULT_DAILY_CAP),
        "reply_token": _setting(config, "SMS_REPLY_TOKEN") or "",
        "public_url": (_setting(config, "PUBLIC_URL") or "").rstrip("/"),
        "templates": {},
    }
    for key in KINDS:
        template = _setting(config, "SMS_TEMPLATE_" + key.upper())
        if template:
            settings["templates"][key] = str(template)
    if provider == "tencent" and not all(settings[k] for k in (
            "secret_id", "secret_key", "app_id", "sign_name")):
        return None
    return settings


def template_for(settings, kind):
    """The provider's template id for ``kind``; the outbox backend needs none.
    None: this kind is not sent by SMS here."""
    if settings["provider"] == "outbox":
        return settings["templates"].get(kind, "dev")
    return settings["templates"].get(kind)


class OutboxBackend:
    """Development: the message stays in the outbox, marked sent."""
    name = "outbox"

    def __init__(self, settings):
        self.settings = settings

    def send(self, phone, template_id, params, message_id=None):
        return Delivery(provider_id=f"outbox-{message_id}", cost_units=0)


# Tencent's codes for requests that will fail the same way however often sent.
PERMANENT_PREFIXES = ("InvalidParameter", "UnauthorizedOperation", "FailedOperation.Sign",
                      "FailedOperation.Template", "FailedOperation.PhoneNumberInBlacklist",
                      "UnsupportedOperation", "AuthFailure")


class TencentBackend:
    """Tencent Cloud SMS (SendSms).  ``SMS_ENDPOINT`` may name another host
    (``http://127.0.0.1:8080`` in the tests)."""
    name = "tencent"

    def __init__(self, settings):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client
        self.settings = settings
        http = HttpProfile(reqTimeout=15)
        if settings["endpoint"]:
            parts = urlsplit(settings["endpoint"] if "//" in settings["endpoint"]
                             else "https://" + settings["endpoint"])
            http = HttpProfile(protocol=parts.scheme, endpoint=parts.netloc, reqTimeout=15)
        self.client = sms_client.SmsClient(
            credential.Credential(settings["secret_id"], settings["secret_key"]),
            settings["region"], ClientProfile(httpProfile=http))

    def send(self, phone, template_id, params, message_id=None):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException)
        from tencentcloud.sms.v20210111 import models
        request = models.SendSmsRequest()
        request.PhoneNumberSet = ["+86" + phone]
        request.SmsSdkAppId = self.settings["app_id"]
        request.SignName = self.settings["sign_name"]
        request.TemplateId = template_id
        request.TemplateParamSet = list(params)
        request.SessionContext = str(message_id or "")
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or "ClientError"
            raise ProviderError(code, error.get_message(), _retryable(code)) from error
        status = (response.SendStatusSet or [None])[0]
        if status is None:
            raise ProviderError("EmptyResponse", "no send status in the answer", True)
        if status.Code != "Ok":
            raise ProviderError(status.Code, status.Message or "", _retryable(status.Code))
        return Delivery(provider_id=status.SerialNo or "", cost_units=int(status.Fee or 0))


def _retryable(code):
    return not str(code).startswith(PERMANENT_PREFIXES)


BACKENDS = {"tencent": TencentBackend, "outbox": OutboxBackend}


def backend_for(settings):
    return BACKENDS[settings["provider"]](settings)

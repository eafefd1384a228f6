"""A stand-in for Tencent Cloud's SMS endpoint (sms.tencentcloudapi.com), on a
local port: it checks each request the way the provider does — the TC3-HMAC-
SHA256 signature recomputed from the secret key it knows (Tencent Cloud API 3.0,
"Signature v3"), the action, version, region and timestamp headers, and the
SendSms body — and answers as the provider would."""
import hashlib
import hmac
import json
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET_ID = "AKIDstandin0000000000000000000000"
SECRET_KEY = "standin-secret-key-0000000000000"
APP_ID = "1400000001"
SIGN_NAME = "居民之声"
REGION = "ap-beijing"


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def check_signature(method, path, headers, body):
    """The reason the signature is wrong, or None when it is right."""
    authorization = headers.get("Authorization", "")
    algorithm, _, rest = authorization.partition(" ")
    if algorithm != "TC3-HMAC-SHA256":
        return f"algorithm {algorithm!r}"
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    secret_id, date, service, terminator = fields["Credential"].split("/")
    if secret_id != SECRET_ID or service != "sms" or terminator != "tc3_request":
        return f"credential {fields['Credential']!r}"
    timestamp = int(headers["X-TC-Timestamp"])
    if abs(time.time() - timestamp) > 300:
        return "timestamp more than 5 minutes off"
    if datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d") != date:
        return "credential date is not the timestamp's UTC date"
    signed = fields["SignedHeaders"].split(";")
    if "host" not in signed or "content-type" not in signed:
        return f"signed headers {signed}"
    path, _, query = path.partition("?")
    canonical = "\n".join([
        method, path, query,
        "".join(f"{name}:{headers[name].strip()}\n" for name in signed),
        fields["SignedHeaders"], hashlib.sha256(body).hexdigest()])
    string_to_sign = "\n".join([
        algorithm, str(timestamp), f"{date}/{service}/tc3_request",
        hashlib.sha256(canonical.encode("utf-8")).hexdigest()])
    key = _hmac(_hmac(_hmac(("TC3" + SECRET_KEY).encode("utf-8"), date), service),
                "tc3_request")
    expected = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["Signature"]):
        return "signature mismatch"
    return None


class StandIn(ThreadingHTTPServer):
    """``answers``: what to answer next, in order ("ok", an error code, or
    a SendStatus code prefixed "status:"); "ok" once they run out."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.received = []
        self.answers = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        """Quiet: the tests read what arrived, not the server's log."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {name: value for name, value in self.headers.items()}
        headers_lower = {name.lower(): value for name, value in headers.items()}
        problem = check_signature("POST", self.path, {**headers, **headers_lower}, body)
        payload = json.loads(body or b"{}")
        self.server.received.append({"headers": headers, "payload": payload,
                                     "signature_problem": problem})
        request_id = f"req-{len(self.server.received)}"
        if problem:
            return self._answer({"Error": {"Code": "AuthFailure.SignatureFailure",
                                           "Message": problem}, "RequestId": request_id})
        answer = self.server.answers.pop(0) if self.server.answers else "ok"
        if answer.startswith("status:"):
            return self._answer({"SendStatusSet": [self._status(payload, answer[7:])],
                                 "RequestId": request_id})
        if answer != "ok":
            return self._answer({"Error": {"Code": answer, "Message": "stand-in refused"},
                                 "RequestId": request_id})
        return self._answer({"SendStatusSet": [self._status(payload, "Ok")],
                             "RequestId": request_id})

    def _status(self, payload, code):
        phone = payload["PhoneNumberSet"][0]
        return {"SerialNo": f"2433:{len(self.server.received)}" if code == "Ok" else "",
                "PhoneNumber": phone, "Fee": 1 if code == "Ok" else 0,
                "SessionContext": payload.get("SessionContext", ""), "Code": code,
                "Message": "send success" if code == "Ok" else "refused", "IsoCode": "CN"}

    def _answer(self, response):
        data = json.dumps({"Response": response}).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def configure(app_config, monkeypatch, endpoint, secret_key=SECRET_KEY, **templates):
    """Point the app at the stand-in with Tencent settings."""
    values = {"SMS_PROVIDER": "tencent", "SMS_SECRET_ID": SECRET_ID,
              "SMS_SECRET_KEY": secret_key, "SMS_SDK_APP_ID": APP_ID,
              "SMS_SIGN_NAME": SIGN_NAME, "SMS_REGION": REGION, "SMS_ENDPOINT": endpoint,
              "PUBLIC_URL": "https://rv.example.cn"}
    for kind, template in (templates or {"ballot_opened": "100001"}).items():
        values["SMS_TEMPLATE_" + kind.upper()] = template
    for key, value in values.items():
        monkeypatch.setitem(app_config, key, value)

"""Security (DESIGN §8, issue 2): CSRF on every form, security headers on every
response, session cookie flags, login rate limiting per phone and per IP,
passwords hashed, no inline scripts or styles in pages."""
import re
import subprocess
import sys

import pytest

from residentvoice.config import ROOT

from .translated import page, shows, zh

CSRF_MESSAGE = ("The form expired or was sent from elsewhere. Please go back, reload the "
                "page and try again.")


# ---- security headers ------------------------------------------------------------

def responses_of_every_kind(client, auth, world):
    yield "page", client.get("/login")
    yield "redirect", client.get("/account")
    yield "404", client.get("/nothing-here")
    yield "static", client.get("/static/css/app.css")
    yield "api", client.get("/api/v1/openapi.json")
    yield "api error", client.get("/api/v1/me")
    yield "form error", client.post("/login", data={"phone": "x"})
    auth.login(world.resident)
    yield "signed-in page", client.get("/")


def test_every_response_carries_the_security_headers(client, auth, factory):
    w = factory.world()
    for kind, response in responses_of_every_kind(client, auth, w):
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp, kind
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, kind
        assert re.search(r"script-src 'self'(;|$)", csp), kind
        assert "default-src 'self'" in csp and "object-src 'none'" in csp, kind
        assert headers.get("X-Content-Type-Options") == "nosniff", kind
        assert headers.get("Referrer-Policy") in ("same-origin", "strict-origin-when-cross-origin",
                                                  "no-referrer"), kind
        assert headers.get("X-Frame-Options") == "DENY", kind


def test_pages_have_no_inline_scripts_or_style_attributes(client, auth, factory):
    w = factory.world()
    pages = [client.get(url) for url in ("/", "/login", "/register", "/reset", "/nope")]
    auth.login(w.resident)
    pages += [client.get(url) for url in ("/", "/account", "/account/password",
                                          "/account/households", "/notifications/")]
    for response in pages:
        text = page(response)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), response.request.path
        assert not re.search(r"\sstyle=", text), response.request.path
        assert not re.search(r"\son[a-z]+=", text), response.request.path
        assert "<style" not in text, response.request.path


# ---- cookies --------------------------------------------------------------------

def session_cookie(response):
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_session_cookie_is_httponly_and_samesite_lax(client, factory):
    w = factory.world()
    response = client.post("/login", data={"phone": w.resident.phone, "password": w.password})
    cookie = session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie, "plain http in development and tests"


PRODUCTION_COOKIE = """
import os
from residentvoice import create_app
from residentvoice.config import ProductionConfig
app = create_app(ProductionConfig)
client = app.test_client()
response = client.post("/language", data={"lang": "fr"})
for header in response.headers.getlist("Set-Cookie"):
    print(header)
print("HSTS:", response.headers.get("Strict-Transport-Security"))
"""


def test_production_cookies_are_secure(tmp_path):
    import os
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
           "SECRET_KEY": "x" * 32}
    result = subprocess.run([sys.executable, "-c", PRODUCTION_COOKIE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    cookies = [line for line in result.stdout.splitlines() if line.startswith("session=")]
    assert cookies, result.stderr[-2000:]
    assert "Secure" in cookies[0] and "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]
    assert "HSTS: max-age=31536000; includeSubDomains" in result.stdout


def test_no_hsts_over_plain_http_in_development(client, db):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_passwords_are_stored_hashed(factory):
    from residentvoice.auth import services
    user = services.create_user("13522223333", "测试", "plain-secret-1")
    assert "plain-secret-1" not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:", "$argon2"))


# ---- CSRF ---------------------------------------------------------------------

@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def csrf_token(response):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"', page(response)).group(1, 2)


def token_from(response):
    first, second = csrf_token(response)
    return first or second


def test_a_post_without_token_is_refused_with_a_translated_message(client, factory, csrf_on):
    w = factory.world()
    response = client.post("/login", data={"phone": w.resident.phone, "password": w.password})
    assert response.status_code == 400
    assert shows(response, zh(CSRF_MESSAGE))
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_csrf_failure_changes_nothing(client, auth, factory, db, csrf_on, app, monkeypatch):
    w = factory.world()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    auth.login(w.resident)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/account", data={"locale": "en", "large_text": "y",
                                              "email": "a@example.com",
                                              "notify_mode": "digest"})
    assert response.status_code == 400
    assert client.post("/large-text", data={"on": "1"}).status_code == 400
    assert client.post("/language", data={"lang": "en"}).status_code == 400
    db.session.expire_all()
    assert w.resident.locale is None and w.resident.email is None
    assert w.resident.large_text is False
    assert client.get_cookie("rv_lang") is None


def test_csrf_message_is_english_for_english_readers(client, db, csrf_on):
    client.set_cookie("rv_lang", "en")
    response = client.post("/register", data={})
    assert response.status_code == 400 and shows(response, CSRF_MESSAGE)


def test_the_token_in_the_page_makes_the_post_work(client, factory, csrf_on):
    w = factory.world()
    token = token_from(client.get("/login"))
    response = client.post("/login", data={"phone": w.resident.phone, "password": w.password,
                                           "csrf_token": token})
    assert response.status_code == 302
    home = client.get("/")
    response = client.post("/language", data={"lang": "en", "csrf_token": token_from(home)})
    assert response.status_code == 302


def test_each_visitor_gets_their_own_token_and_another_ones_does_not_pass(app, factory,
                                                                           csrf_on):
    w = factory.world()
    first, second = app.test_client(), app.test_client()
    one, two = token_from(first.get("/login")), token_from(second.get("/login"))
    assert one != two
    refused = second.post("/login", data={"phone": w.resident.phone, "password": w.password,
                                          "csrf_token": one})
    assert refused.status_code == 400
    accepted = second.post("/login", data={"phone": w.resident.phone, "password": w.password,
                                           "csrf_token": two})
    assert accepted.status_code == 302


def test_the_json_api_needs_no_csrf_token(client, factory, csrf_on):
    w = factory.world()
    response = client.post("/api/v1/auth/token",
                           json={"phone": w.resident.phone, "password": w.password})
    assert response.status_code == 201


# ---- rate limiting ----------------------------------------------------------------

def wrong_login(client, phone, ip="10.0.0.1"):
    return client.post("/login", data={"phone": phone, "password": "wrong-password"},
                       environ_base={"REMOTE_ADDR": ip})


def test_login_attempts_are_limited_per_phone(client, factory, limits):
    w = factory.world()
    limits(LOGIN_LIMIT_PHONE="3 per minute")
    for n in range(3):
        assert wrong_login(client, w.resident.phone, ip=f"10.0.0.{n}").status_code == 200
    blocked = wrong_login(client, w.resident.phone, ip="10.0.0.9")
    assert blocked.status_code == 429
    assert shows(blocked, zh("Too many attempts. Please wait a minute and try again."))
    right = client.post("/login", data={"phone": w.resident.phone, "password": w.password})
    assert right.status_code == 429, "the right password does not bypass the limit"
    assert wrong_login(client, w.other_resident.phone).status_code == 200, "other phones are free"


def test_login_attempts_are_limited_per_ip(client, factory, limits):
    factory.world()
    limits(LOGIN_LIMIT_IP="3 per minute")
    for n in range(3):
        assert wrong_login(client, f"1380000{n:04d}", ip="10.1.1.1").status_code == 200
    assert wrong_login(client, "13800009999", ip="10.1.1.1").status_code == 429
    assert wrong_login(client, "13800009999", ip="10.1.1.2").status_code == 200


def test_the_429_page_is_english_for_english_readers(client, factory, limits):
    limits(LOGIN_LIMIT_PHONE="1 per minute")
    client.set_cookie("rv_lang", "en")
    wrong_login(client, "13800001111")
    blocked = wrong_login(client, "13800001111")
    assert blocked.status_code == 429
    assert shows(blocked, "Too many attempts. Please wait a minute and try again.")


def test_password_reset_is_limited_per_phone(client, factory, limits):
    w = factory.world()
    limits(LOGIN_LIMIT_PHONE="2 per minute")
    data = {"phone": w.resident.phone, "code": "12345678", "password": "whatever-1"}
    assert client.post("/reset", data=data).status_code == 422
    assert client.post("/reset", data=data).status_code == 422
    assert client.post("/reset", data=data).status_code == 429


def test_the_token_endpoint_is_limited_with_a_json_429(client, factory, limits):
    w = factory.world()
    limits(LOGIN_LIMIT_PHONE="2 per minute")
    body = {"phone": w.resident.phone, "password": "wrong-password"}
    assert client.post("/api/v1/auth/token", json=body).status_code == 401
    assert client.post("/api/v1/auth/token", json=body).status_code == 401
    blocked = client.post("/api/v1/auth/token", json=body)
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "rate_limited"

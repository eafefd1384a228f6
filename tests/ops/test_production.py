"""Production serving: gunicorn.conf.py, and rate limits shared through Redis
between app servers (DESIGN §6/§8: REDIS_URL backs rate limits when several
workers or hosts run)."""
import json
import re
import runpy
import types
import urllib.error
import urllib.request
import uuid

import pytest
from sqlalchemy import text

from residentvoice.extensions import db

from .. import databases
from .apps import private_app
from .servers import ROOT, gunicorn

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
CONFIG = ROOT / "gunicorn.conf.py"


def load_config(monkeypatch, **env):
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_gunicorn_config_defaults(monkeypatch):
    import multiprocessing
    config = load_config(monkeypatch)
    assert config["bind"] == "127.0.0.1:8000"
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["worker_class"] == "sync"
    assert config["preload_app"] is False
    assert config["timeout"] == 30 and config["accesslog"] == "-"


def test_gunicorn_config_reads_the_environment(monkeypatch):
    config = load_config(monkeypatch, GUNICORN_BIND="0.0.0.0:9000", GUNICORN_WORKERS="7",
                         GUNICORN_TIMEOUT="60")
    assert (config["bind"], config["workers"], config["timeout"]) == ("0.0.0.0:9000", 7, 60)


def test_post_fork_drops_the_inherited_pool_when_preloaded(monkeypatch, tmp_path):
    config = load_config(monkeypatch)
    with private_app(f"sqlite:///{tmp_path / 'rv.sqlite3'}") as app:
        with app.app_context():
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            pool = db.engine.pool
            assert pool.checkedin() == 1
        server = types.SimpleNamespace(
            cfg=types.SimpleNamespace(preload_app=True),
            app=types.SimpleNamespace(wsgi=lambda: app))
        config["post_fork"](server, worker=None)
        with app.app_context():
            assert db.engine.pool is not pool and db.engine.pool.checkedin() == 0


def test_gunicorn_serves_with_the_config_file(tmp_path):
    database = tmp_path / "rv.sqlite3"
    with private_app(f"sqlite:///{database}"):
        pass
    log = tmp_path / "gunicorn.log"
    with gunicorn(f"sqlite:///{database}", log, workers=2) as (base, _process):
        with urllib.request.urlopen(f"{base}/healthz") as response:
            assert json.load(response) == {"status": "ok", "database": "ok"}
    output = log.read_text()
    assert output.count("Booting worker") == 2
    assert re.search(r'127\.0\.0\.1 "GET /healthz HTTP/1\.1" 200 \d+ \d+us', output), output


def _token_attempt(base, phone):
    request = urllib.request.Request(
        f"{base}/api/v1/auth/token", method="POST",
        data=json.dumps({"phone": phone, "password": "wrong-password"}).encode(),
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _redis_or_skip():
    import redis
    try:
        client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as error:
        reason = f"Redis not reachable at {REDIS_TEST_URL}: {error}"
        if databases.on_ci():
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return client


def _alternate(bases, phone, attempts):
    return [_token_attempt(bases[i % len(bases)], phone) for i in range(attempts)]


def test_two_app_servers_share_the_login_limit_through_redis(tmp_path):
    """5 attempts per phone per minute in all: with REDIS_URL the two servers
    count together (the 6th attempt is refused); in memory each counts alone."""
    redis_client = _redis_or_skip()  # fresh phone numbers: no flush needed
    database = tmp_path / "rv.sqlite3"
    with private_app(f"sqlite:///{database}"):
        pass
    url = f"sqlite:///{database}"
    with gunicorn(url, tmp_path / "a.log", workers=1, REDIS_URL=REDIS_TEST_URL) as (a, _pa), \
            gunicorn(url, tmp_path / "b.log", workers=1, REDIS_URL=REDIS_TEST_URL) as (b, _pb):
        statuses = _alternate([a, b], f"138{uuid.uuid4().int % 10**8:08d}", 6)
    assert statuses == [401] * 5 + [429]
    assert any(key.startswith(b"LIMITS") for key in redis_client.keys())

    with gunicorn(url, tmp_path / "c.log", workers=1) as (c, _pc), \
            gunicorn(url, tmp_path / "d.log", workers=1) as (d, _pd):
        separate = _alternate([c, d], f"138{uuid.uuid4().int % 10**8:08d}", 6)
    assert separate == [401] * 6  # the control: without Redis each server counts alone


def _token_from(client, address):
    return client.post("/api/v1/auth/token", headers={"X-Forwarded-For": address},
                       json={"phone": "13812345678", "password": "wrong-password"}).status_code


def test_behind_a_proxy_limits_count_per_client_address(tmp_path):
    """PROXY_COUNT=1: the login limit per IP applies to the client named in
    X-Forwarded-For, not to the proxy that all requests come from."""
    limits = {"LOGIN_LIMIT_IP": "2 per minute", "PROXY_COUNT": 1}
    with private_app(f"sqlite:///{tmp_path / 'rv.sqlite3'}", **limits) as app:
        client = app.test_client()
        first = [_token_from(client, "203.0.113.7") for _ in range(3)]
        assert first == [401, 401, 429]
        assert _token_from(client, "203.0.113.8") == 401
    limits["PROXY_COUNT"] = 0
    with private_app(f"sqlite:///{tmp_path / 'direct.sqlite3'}", **limits) as app:
        client = app.test_client()  # no proxy trusted: the header is ignored
        statuses = [_token_from(client, f"198.51.100.{n}") for n in range(3)]
        assert statuses == [401, 401, 429]


def test_redis_going_away_falls_back_to_counting_in_memory(tmp_path):
    """REDIS_URL set but Redis unreachable: logins still answer (no 500) and
    the limit is still enforced, per worker, until Redis is back."""
    from .servers import free_port
    database = tmp_path / "rv.sqlite3"
    with private_app(f"sqlite:///{database}"):
        pass
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with gunicorn(f"sqlite:///{database}", tmp_path / "g.log", workers=1,
                  REDIS_URL=dead) as (base, _process):
        statuses = _alternate([base], f"138{uuid.uuid4().int % 10**8:08d}", 6)
    assert statuses == [401] * 5 + [429]

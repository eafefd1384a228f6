"""Load benchmark (`make bench`): gunicorn with 2 sync workers on loopback over
`flask demo --scale N` data, wrk as the load generator, and beside it a bare
Flask endpoint served the same way in the same run.  Prints requests/s, p50,
p99, the ratio to the bare endpoint and the workers' CPU milliseconds per
request, writes bench/results/<stamp>.json, and times each list scenario at
two data scales.

    python bench/run.py [--db sqlite|postgresql|both] [--duration 10]
                        [--scale 10] [--small 1] [--large 100]
                        [--only vote,ticket] [--skip-growth | --growth-only]
"""
import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scenarios import SCENARIOS  # noqa: E402

# The running interpreter (the venv that runs this script), not a path inside ROOT.
FLASK = [sys.executable, "-m", "flask"]
GUNICORN = [sys.executable, "-m", "gunicorn"]
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("RV_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "demo1234"
USER_AGENT = "Mozilla/5.0 (ResidentVoice bench)"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env, *args):
    subprocess.run([*FLASK, "--app", "wsgi", *args], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def database(kind, scale):
    """A fresh database with the demo data at ``scale``; returns its URL."""
    if kind == "sqlite":
        WORK.mkdir(parents=True, exist_ok=True)
        path = WORK / f"bench-{scale}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg
    name = f"rv_bench_{scale}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def pg_reachable():
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


class Server:
    """gunicorn with the production config file (gunicorn.conf.py), 2 sync workers."""

    def __init__(self, target, env):
        self.port = free_port()
        WORK.mkdir(parents=True, exist_ok=True)
        self.log = open(WORK / f"gunicorn-{self.port}.log", "w")
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS="2",
                   GUNICORN_ACCESSLOG="/dev/null", GUNICORN_LOGLEVEL="warning",
                   GUNICORN_MAX_REQUESTS="0")
        self.proc = subprocess.Popen(
            [*GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), target],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{target} did not start (see {self.log.name})")

    def workers(self):
        return [stat for stat in Path("/proc").glob("[0-9]*/stat")
                if self._parent_of(stat) == self.proc.pid]

    @staticmethod
    def _parent_of(stat):
        try:
            return int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            return None

    def settle(self, timeout=60):
        """Wait until both workers have booted and gone idle: the master
        accepts connections before its workers have imported the app, and a
        run measured while other servers' workers still boot is measured on
        a busy machine (the bare endpoint is measured first)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            before = self.cpu_seconds()
            time.sleep(0.5)
            if len(self.workers()) == 2 and self.cpu_seconds() - before < 0.02:
                return
        raise RuntimeError(f"{self.base}: workers still busy after {timeout}s")

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self):
        """CPU time (user + system) used so far by this gunicorn's workers."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


class Setup:
    """Looks up ids in the benchmark database and logs users in."""

    def __init__(self, server, env):
        self.server = server
        self.env = env
        self._engine = None
        self._sessions = {}
        self._tokens = {}

    @property
    def engine(self):
        if self._engine is None:
            from sqlalchemy import create_engine
            url = self.env["DATABASE_URL"]
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url[len("postgresql://"):]
            self._engine = create_engine(url)
        return self._engine

    def scalar(self, sql, **params):
        from sqlalchemy import text
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql, **params):
        from sqlalchemy import text
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).all()

    def session_cookie(self, phone):
        if phone not in self._sessions:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            opener.addheaders = [("User-Agent", USER_AGENT)]
            page = opener.open(self.server.base + "/login").read().decode()
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            data = urllib.parse.urlencode({"csrf_token": token, "phone": phone,
                                           "password": PASSWORD}).encode()
            opener.open(self.server.base + "/login", data=data)
            # The login leaves a welcome message in the session; wrk replays one
            # cookie, so take it after a page has shown (and removed) the message.
            opener.open(self.server.base + "/").read()
            self._sessions[phone] = "; ".join(f"{c.name}={c.value}" for c in jar)
        return self._sessions[phone]

    def tokens_for(self, user_ids):
        """Bearer tokens written straight into the benchmark database, for many
        users at once (the token endpoint is rate-limited, as it should be)."""
        import hashlib
        import secrets
        from datetime import datetime, timedelta
        from sqlalchemy import text
        expires = datetime.utcnow().replace(microsecond=0) + timedelta(hours=2)
        tokens = {}
        with self.engine.begin() as conn:
            for uid in user_ids:
                raw = secrets.token_urlsafe(24)
                conn.execute(text("INSERT INTO api_token (user_id, token_hash, expires_at, "
                                  "created_at) VALUES (:u, :h, :e, :c)"),
                             {"u": uid, "h": hashlib.sha256(raw.encode()).hexdigest(),
                              "e": expires, "c": expires - timedelta(hours=2)})
                tokens[uid] = raw
        return tokens

    def api(self, method, path, phone, data=None):
        request = urllib.request.Request(
            self.server.base + path, method=method,
            data=json.dumps(data).encode() if data is not None else None,
            headers={"Content-Type": "application/json",
                     "Authorization": f"Bearer {self.bearer(phone)}"})
        return json.load(urllib.request.urlopen(request))

    def flask(self, *args):
        return subprocess.run([*FLASK, "--app", "wsgi", *args], cwd=ROOT,
                              env=self.env, check=True, capture_output=True, text=True).stdout

    def bearer(self, phone):
        if phone not in self._tokens:
            request = urllib.request.Request(
                self.server.base + "/api/v1/auth/token", method="POST",
                data=json.dumps({"phone": phone, "password": PASSWORD}).encode(),
                headers={"Content-Type": "application/json"})
            self._tokens[phone] = json.load(urllib.request.urlopen(request))["token"]
        return self._tokens[phone]


LUA = """
local items = {%(items)s}
local i = 0
request = function()
  i = i + 1
  if #items == 0 then
    return wrk.format("%(method)s", "%(path)s", nil, %(body)s)
  end
  local item = items[(i %% #items) + 1]
  return wrk.format("%(method)s", item.path or "%(path)s", item.headers, item.body or %(body)s)
end
"""


def lua_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def lua_item(item):
    parts = []
    if item.get("path"):
        parts.append("path = " + lua_string(item["path"]))
    if item.get("body") is not None:
        parts.append("body = " + lua_string(item["body"]))
    if item.get("headers"):
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}"
                            for k, v in item["headers"].items())
        parts.append("headers = {" + headers + "}")
    return "{" + ", ".join(parts) + "}"


def measured(server, spec, setup, duration, connections):
    """``run_wrk`` plus the workers' CPU milliseconds per request."""
    before = server.cpu_seconds()
    result = run_wrk(server.base, spec, setup, duration, connections)
    result["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / max(result["requests"], 1)
    return result


def run_wrk(base, spec, setup, duration, connections):
    # The browser that logged in: flask-login ties a session to its user agent.
    headers = {"User-Agent": USER_AGENT}
    auth = spec.get("auth")
    if auth:
        kind, phone = auth
        if kind == "session":
            headers["Cookie"] = setup.session_cookie(phone)
        else:
            headers["Authorization"] = f"Bearer {setup.bearer(phone)}"
    if spec.get("content_type"):
        headers["Content-Type"] = spec["content_type"]
    script = WORK / "request.lua"
    body = lua_string(spec["body"]) if spec.get("body") is not None else "nil"
    # wrk.format() uses an item's own headers instead of the -H ones: merge them.
    items = [dict(i, headers={**headers, **i["headers"]}) if i.get("headers") else i
             for i in spec.get("rotate") or []]
    script.write_text(LUA % {"items": ", ".join(lua_item(i) for i in items),
                             "path": spec["path"], "method": spec["method"], "body": body})
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script)]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [base + spec["path"]], capture_output=True, text=True,
                         check=True).stdout
    try:
        return parse_wrk(out)
    except (AttributeError, ValueError):
        raise RuntimeError(f"could not read wrk's output for {spec['path']}:\n{out}")


def _ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out):
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "requests": total,
            "errors": int(non2xx.group(1)) if non2xx else 0}


def env_for(url):
    # Open311 POSTs are limited per client (600 a minute); the load comes from one.
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench", RESIDENTVOICE_ENV="development",
               RV_BENCH="1", OPEN311_POST_LIMIT="1000000 per minute")
    return env


def prepare(kind, scale):
    url = database(kind, scale)
    env = env_for(url)
    started = time.time()
    flask(env, "db", "upgrade")
    flask(env, "demo", "--scale", str(scale))
    if kind == "postgresql":
        # A database just bulk-loaded: autovacuum would analyze it within a minute
        # or so; do it now, so plans are made with the statistics of the data.
        import psycopg
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")
    print(f"  {kind}: demo --scale {scale} loaded in {time.time() - started:.0f}s", flush=True)
    return env


def clean_logs():
    for log in WORK.glob("gunicorn-*.log"):
        log.unlink()


def bench_db(kind, args):
    if args.growth_only:
        return {"rows": [], "growth": scale_growth(kind, args)}
    wanted = [sc for sc in SCENARIOS
              if not args.only or any(part in sc["name"] for part in args.only.split(","))]
    print(f"\n== {kind}: load at scale {args.scale} ==", flush=True)
    env = prepare(kind, args.scale)
    bare = Server("bench.bare:app", env)
    app = Server("wsgi:app", env)
    setup = Setup(app, env)
    rows = []
    try:
        for server in (bare, app):
            server.settle()
        # The bare endpoint before and after the scenarios (the machine's speed
        # drifts over a run); ratios are to the mean of the two.
        ok = {"method": "GET", "path": "/ok"}
        baseline = measured(bare, ok, setup, args.duration, args.connections)
        for sc in wanted:
            spec = sc["fn"](setup)
            if spec is None:
                continue
            result = measured(app, spec, setup, args.duration, args.connections)
            row = {"name": sc["name"], "kind": sc["kind"], **result,
                   "ratio": result["rps"] / baseline["rps"]}
            rows.append(row)
        after = measured(bare, ok, setup, args.duration, args.connections)
        mean = (baseline["rps"] + after["rps"]) / 2
        for row in rows:
            row["ratio"] = row["rps"] / mean
        rows.insert(0, {"name": "bare Flask 'ok' (after)", "kind": "baseline", **after,
                        "ratio": after["rps"] / mean})
        rows.insert(0, {"name": "bare Flask 'ok' (before)", "kind": "baseline", **baseline,
                        "ratio": baseline["rps"] / mean})
    finally:
        app.stop()
        bare.stop()
    growth = {} if args.skip_growth else scale_growth(kind, args)
    return {"rows": rows, "growth": growth}


def scale_growth(kind, args):
    """Time each list scenario at the small and the large scale (p50, one
    connection): the growth of the work."""
    print(f"== {kind}: list pages at scale {args.small} vs {args.large} ==", flush=True)
    timings = {}
    for scale in (args.small, args.large):
        env = prepare(kind, scale)
        app = Server("wsgi:app", env)
        app.settle()
        setup = Setup(app, env)
        try:
            for sc in SCENARIOS:
                if not sc["scale_list"]:
                    continue
                spec = sc["fn"](setup)
                if spec is None:
                    continue
                result = run_wrk(app.base, spec, setup, max(3, args.duration // 2), 1)
                timings.setdefault(sc["name"], {})[scale] = result["p50_ms"]
        finally:
            app.stop()
    return {name: {"small_ms": t[args.small], "large_ms": t[args.large],
                   "growth": t[args.large] / t[args.small]}
            for name, t in timings.items() if args.small in t and args.large in t}


def print_table(kind, result):
    print(f"\n{kind}: requests/s, latency and ratio to the bare endpoint")
    print(f"{'scenario':34} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'errors':>6}"
          f" {'cpu ms':>6}")
    for row in result["rows"]:
        line = (f"{row['name'][:34]:34} {row['rps']:8.1f} {row['p50_ms']:7.2f} "
                f"{row['p99_ms']:7.2f} {row['ratio']:6.2f} {row['errors']:6d} "
                f"{row.get('cpu_ms', 0):6.2f}")
        print(line)
    if result["growth"]:
        print(f"\n{'list page':38} {'small ms':>9} {'large ms':>9} {'growth':>7}")
        for name, g in result["growth"].items():
            print(f"{name[:38]:38} {g['small_ms']:9.2f} {g['large_ms']:9.2f} {g['growth']:7.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--small", type=int, default=1)
    parser.add_argument("--large", type=int, default=100)
    parser.add_argument("--growth-only", action="store_true",
                        help="only time the list pages at the two scales")
    parser.add_argument("--skip-growth", action="store_true",
                        help="leave out the list pages at the two scales")
    parser.add_argument("--only", default="",
                        help="comma-separated parts of scenario names to run (default: all)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make bench installs it with apt-get).")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in kinds and not pg_reachable():
        print("PostgreSQL is not reachable: benchmarking SQLite only.")
        kinds.remove("postgresql")
    WORK.mkdir(parents=True, exist_ok=True)
    clean_logs()
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "args": vars(args), "results": {}}
    for kind in kinds:
        report["results"][kind] = bench_db(kind, args)
        print_table(kind, report["results"][kind])
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nwritten {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

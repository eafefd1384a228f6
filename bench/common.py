"""What every step of the benchmark shares: the databases (demo data at a
scale, built once and copied for each run), the gunicorn servers (the
project's gunicorn.conf.py, 2 sync workers) and their workers' CPU time."""
import hashlib
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("RV_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("RV_BENCH_REDIS", "redis://127.0.0.1:6379/13")
# The running interpreter (the venv that runs the benchmark), not a path inside ROOT.
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
GUNICORN = [sys.executable, "-m", "gunicorn"]
TICK = os.sysconf("SC_CLK_TCK")


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- databases

def pg_reachable():
    try:
        import psycopg
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False


def redis_reachable():
    try:
        import redis
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


def pg_url(name):
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name


def pg_admin(*statements):
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def pg_databases(prefix):
    import psycopg
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        return [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s ORDER BY oid",
            (prefix.replace("_", r"\_") + "%",))]


def code_fingerprint(root=ROOT):
    """What the demo data depends on: the package's Python files and the
    migrations. A database built from other code is built again."""
    digest = hashlib.sha256()
    for base in (root / "residentvoice", root / "migrations"):
        for path in sorted(base.rglob("*.py")):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def base_env(url, **extra):
    """The app's environment: production settings behind one trusted proxy
    (each simulated resident comes from their own address in X-Forwarded-For,
    as behind the production reverse proxy), Redis for the rate limits when
    it runs."""
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-" + "x" * 40,
               RESIDENTVOICE_ENV="production", PROXY_COUNT="1",
               UPLOAD_FOLDER=str(WORK / "uploads"), FLASK_APP="wsgi")
    env.pop("REDIS_URL", None)
    if redis_reachable():
        env["REDIS_URL"] = REDIS
    env.update(extra)
    return env


class Database:
    """Demo data at ``scale`` (``flask demo --scale N`` plus ``demo_args``),
    loaded once into a template — a PostgreSQL template database or a SQLite
    file — and copied for each run, so runs start from the same data.
    ``reuse``: take an existing template even if the code changed since.
    ``root``: the checkout whose code builds and serves it."""

    KEEP = 3        # templates kept per name (several checkouts, A/B)

    def __init__(self, kind, scale, demo_args=(), reuse=False, name=None, root=ROOT):
        self.root = Path(root)
        self.kind = kind
        self.scale = scale
        self.demo_args = list(demo_args)
        self.reuse = reuse
        self.name = name or f"s{scale}" + ("-" + "-".join(
            a.lstrip("-") for a in self.demo_args) if self.demo_args else "")
        self.load_seconds = None
        self.url = None

    @property
    def _prefix(self):
        return f"rv_bench_tpl_{self.name}_".replace("-", "_")

    def _template_sqlite(self, fingerprint):
        return WORK / f"tpl-{self.name}-{fingerprint}.sqlite3"

    @staticmethod
    def _meta():
        path = WORK / "templates.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def _remember_load(self, template):
        meta = self._meta()
        meta[str(template)] = {"load_seconds": round(self.load_seconds),
                               "built": time.strftime("%Y-%m-%d %H:%M")}
        (WORK / "templates.json").write_text(json.dumps(meta, indent=1))

    def load_time(self, template):
        """Seconds the demo data of ``template`` took to build (when known)."""
        return self.load_seconds or self._meta().get(str(template), {}).get("load_seconds")

    def _templates(self):
        """Existing templates of this name, oldest first."""
        if self.kind == "sqlite":
            return sorted(WORK.glob(f"tpl-{self.name}-*.sqlite3"), key=os.path.getmtime)
        return [n for n in pg_databases(self._prefix) if not n.endswith("_b")]

    def template(self):
        """The template's location, built if missing (or stale, unless ``reuse``)."""
        WORK.mkdir(parents=True, exist_ok=True)
        fingerprint = code_fingerprint(self.root)
        existing = self._templates()
        if self.kind == "sqlite":
            path = self._template_sqlite(fingerprint)
            if path.exists():
                return path
        elif self._prefix + fingerprint in existing:
            return self._prefix + fingerprint
        if self.reuse and existing:
            # Data built by older code, brought to the current schema (or, if
            # that fails, built again).
            reused = existing[-1]
            url = f"sqlite:///{reused}" if self.kind == "sqlite" else pg_url(reused)
            upgraded = subprocess.run([*FLASK, "db", "upgrade"], cwd=self.root, check=False,
                                      env=base_env(url, RESIDENTVOICE_ENV="development"),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if upgraded.returncode == 0:
                return reused
            log(f"  {self.kind}: {reused} could not be migrated; building it again")
        for old in existing[:max(0, len(existing) - self.KEEP + 1)]:
            if self.kind == "sqlite":
                old.unlink()
            else:
                pg_admin(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        if self.kind == "sqlite":
            building = path.with_suffix(".building")
            for suffix in ("", "-wal", "-shm"):
                Path(str(building) + suffix).unlink(missing_ok=True)
            self._load(f"sqlite:///{building}")
            import sqlite3
            conn = sqlite3.connect(building)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.close()
            building.rename(path)
            self._remember_load(path)
            return path
        name = self._prefix + fingerprint
        building = name + "_b"
        pg_admin(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)',
                 f'CREATE DATABASE "{building}"')
        self._load(pg_url(building))
        pg_admin(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        self._remember_load(name)
        return name

    def _load(self, url):
        env = base_env(url, RESIDENTVOICE_ENV="development")
        started = time.time()
        log(f"  {self.kind}: building demo data {self.name} "
            f"(flask demo --scale {self.scale} {' '.join(self.demo_args)})…")
        subprocess.run([*FLASK, "db", "upgrade"], cwd=self.root, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run([*FLASK, "demo", "--scale", str(self.scale), *self.demo_args],
                       cwd=self.root, env=env, check=True, stdout=subprocess.DEVNULL)
        if self.kind == "postgresql":
            # Freshly bulk-loaded: autovacuum would analyze it within a minute or
            # so; do it now, so plans are made with the statistics of the data.
            import psycopg
            with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"),
                                 autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE")
        self.load_seconds = time.time() - started
        log(f"  {self.kind}: {self.name} loaded in {self.load_seconds:.0f}s")

    def fresh_copy(self, label="run"):
        """A working copy of the template for one run; returns its URL."""
        source = self.template()
        self.source = source
        if self.kind == "sqlite":
            path = WORK / f"{label}-{self.kind}-{self.name}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            shutil.copyfile(source, path)
            self.url = f"sqlite:///{path}"
        else:
            name = f"rv_bench_{label}_{self.name}".replace("-", "_")
            pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                     f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
            self.url = pg_url(name)
        return self.url

    def drop_copy(self):
        if self.kind == "postgresql" and self.url:
            pg_admin(f'DROP DATABASE IF EXISTS "{self.url.rsplit("/", 1)[1]}" WITH (FORCE)')


def ensure_translations(root):
    """A checkout without compiled catalogues serves English message ids: the
    benchmark measures the Chinese pages residents get."""
    if not list((Path(root) / "translations").rglob("*.mo")):
        subprocess.run([*FLASK, "translate", "compile"], cwd=root, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def engine_for(url):
    from sqlalchemy import create_engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return create_engine(url)


# ---------------------------------------------------------------- servers

class Server:
    """gunicorn with the production config file (gunicorn.conf.py), 2 sync
    workers, no worker recycling, no access log."""

    def __init__(self, target, env, name, workers=2, root=ROOT):
        self.name = name
        self.port = free_port()
        WORK.mkdir(parents=True, exist_ok=True)
        self.log_path = WORK / f"gunicorn-{name}-{self.port}.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115  (the server's lifetime)
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=str(workers),
                   GUNICORN_ACCESSLOG="/dev/null", GUNICORN_LOGLEVEL="warning",
                   GUNICORN_MAX_REQUESTS="0", GUNICORN_TIMEOUT="120")
        self.workers_wanted = workers
        ensure_translations(root)
        self.proc = subprocess.Popen(
            [*GUNICORN, "-c", str(Path(root) / "gunicorn.conf.py"), target],
            cwd=root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{target} exited (see {self.log_path})")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{target} did not start (see {self.log_path})")

    def worker_pids(self):
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append(int(stat.parent.name))
        return pids

    def cpu_seconds(self):
        """CPU time (user + system) used so far by this gunicorn's workers."""
        total = 0
        for pid in self.worker_pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / TICK

    def settle(self, timeout=90):
        """Wait until every worker has booted and gone idle (the master accepts
        connections before its workers have imported the app)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            before = self.cpu_seconds()
            time.sleep(0.5)
            if len(self.worker_pids()) == self.workers_wanted and \
                    self.cpu_seconds() - before < 0.02:
                return
        raise RuntimeError(f"{self.name}: workers still busy after {timeout}s")

    def errors_logged(self):
        if not self.log.closed:
            self.log.flush()
        text = self.log_path.read_text(errors="replace")
        return [line for line in text.splitlines() if "Traceback" in line or "[ERROR]" in line]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def _cpu_jiffies():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]        # idle + iowait
    return sum(fields) - idle, sum(fields)


def machine_share(server, run):
    """``run()``'s result, with how busy the machine was meanwhile: all CPU,
    the server's workers, this process (the load driver) and the rest (the
    database, anything else running on the machine)."""
    busy0, total0 = _cpu_jiffies()
    workers0 = server.cpu_seconds()
    me0 = sum(os.times()[:2])
    result = run()
    busy1, total1 = _cpu_jiffies()
    cores = os.cpu_count() or 1
    span = max(total1 - total0, 1)
    busy = 100 * (busy1 - busy0) / span
    workers = 100 * (server.cpu_seconds() - workers0) * TICK / span
    driver = 100 * (sum(os.times()[:2]) - me0) * TICK / span
    result["machine"] = {"cores": cores, "busy_pct": round(busy, 1),
                         "workers_pct": round(workers, 1), "driver_pct": round(driver, 1),
                         "other_pct": round(max(busy - workers - driver, 0), 1)}
    return result


def percentile(values, p):
    """The p-th percentile (nearest rank) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(p / 100 * len(ordered))) - 1)]

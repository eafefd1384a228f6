"""gunicorn settings for ResidentVoice: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every setting can be overridden from the environment (names below), so the
same file serves one small host and a fleet behind a reverse proxy."""
import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


# Where to listen. Behind a reverse proxy on the same host keep loopback;
# containers and separate proxy hosts use 0.0.0.0:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: each request holds one worker; 2 × cores + 1 keeps the CPUs
# busy while some workers wait on the database.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# A request slower than this is killed and logged (a stuck query, a hung
# upstream); the proxy's own timeout should be a little longer.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then so a slow leak cannot grow forever; the jitter
# keeps them from all restarting at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Each worker builds its own app, engine and connection pool: no connection
# is ever shared between processes.
preload_app = False

# Trust X-Forwarded-* only from the proxy in front (comma-separated addresses).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to stdout/stderr for the service manager; one access line per request
# with the status, size, duration (µs), referrer and user agent.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(f)s" "%(a)s"'


def post_fork(server, worker):
    """If someone turns ``preload_app`` on, the master has created the app and
    maybe opened database connections; a forked worker must not reuse the
    parent's sockets, so it drops the inherited pool (``close=False`` leaves
    the parent's connections alone) and opens its own."""
    app = getattr(server, "app", None)
    wsgi = getattr(app, "wsgi", None) if app is not None and server.cfg.preload_app else None
    flask_app = wsgi() if callable(wsgi) else None
    if flask_app is None or not hasattr(flask_app, "extensions"):
        return
    from residentvoice.extensions import db
    with flask_app.app_context():
        db.engine.dispose(close=False)


# What each worker built at start (modules, routes, templates, compiled
# statements) is never garbage: frozen out of the collector's sight, no
# collection walks it again.  GUNICORN_GC_FREEZE=0 leaves it in.  (Raising
# the young generation's threshold was measured too: it made requests slower
# — the ORM's short-lived cycles then pile up between collections.)
GC_FREEZE = os.environ.get("GUNICORN_GC_FREEZE", "1") != "0"


def post_worker_init(worker):
    if GC_FREEZE:
        import gc
        gc.collect()
        gc.freeze()

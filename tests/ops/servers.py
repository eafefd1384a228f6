"""Start gunicorn with the project's gunicorn.conf.py on a free loopback port."""
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# gunicorn of the interpreter running the tests (any venv, any clone).
GUNICORN = [sys.executable, "-m", "gunicorn"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url, timeout=5):
    """``(status, body)`` of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until_serving(base, process, log, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {Path(log).read_text()[-2000:]}")
        try:
            if get(f"{base}/healthz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start: {Path(log).read_text()[-2000:]}")


@contextlib.contextmanager
def gunicorn(database_url, log, workers=2, **env):
    """gunicorn -c gunicorn.conf.py wsgi:app; yields ``(base_url, process)``."""
    port = free_port()
    environment = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="testing",
                       RESIDENTVOICE_ENV="production", GUNICORN_BIND=f"127.0.0.1:{port}",
                       GUNICORN_WORKERS=str(workers), PYTHONWARNINGS="ignore")
    environment.pop("REDIS_URL", None)
    environment.update({key: str(value) for key, value in env.items()})
    with open(log, "wb") as out:
        process = subprocess.Popen([*GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"),
                                    "wsgi:app"], cwd=ROOT, env=environment, stdout=out,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process, log)
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def worker_pids(master_pid):
    """The gunicorn workers: children of the master process."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [int(pid) for pid in children.read_text().split()]

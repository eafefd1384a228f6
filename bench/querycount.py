"""Statements per page, counted with SQLAlchemy's engine events in the app
itself (a test client signed in through the login form): every
``before_cursor_execute`` and every COMMIT.  Run by bench/run.py in a
subprocess, with the JSON spec on stdin:
``{"tree": path, "url": db url, "pages": [[label, phone, path], …]}``;
prints ``{label: {"statements": n, "commits": n, "status": n}}``."""
import json
import os
import re
import sys


def main():
    spec = json.load(sys.stdin)
    sys.path.insert(0, spec["tree"])
    os.environ.update(DATABASE_URL=spec["url"], RESIDENTVOICE_ENV="development",
                      SECRET_KEY="bench-querycount")
    os.environ.pop("REDIS_URL", None)
    from sqlalchemy import event

    from residentvoice import create_app
    from residentvoice.extensions import db
    app = create_app({"LOGIN_LIMIT_IP": "10000 per minute",
                      "LOGIN_LIMIT_PHONE": "10000 per minute"})
    counts = {"statements": 0, "commits": 0}

    def statement(*_args, **_kw):
        counts["statements"] += 1

    def commit(*_args, **_kw):
        counts["commits"] += 1

    out = {}
    clients = {}
    with app.app_context():
        engine = db.engine
    for label, phone, path in spec["pages"]:
        client = clients.get(phone)
        if client is None:
            client = clients[phone] = app.test_client()
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            answer = client.post("/login", data={"csrf_token": token, "phone": phone,
                                                 "password": "demo1234"})
            assert answer.status_code == 302, (phone, answer.status_code)
            client.get("/")
        client.get(path)        # warm: the first request of a worker loads more
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "commit", commit)
        try:
            counts.update(statements=0, commits=0)
            response = client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", statement)
            event.remove(engine, "commit", commit)
        out[label] = dict(counts, status=response.status_code)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

"""Where a page's time goes: the app in this process (production settings, a
test client signed in through the login form) over a copy of the
benchmark's demo data, one page requested many times under cProfile; prints
the time by package and the functions that take most.

    python bench/pageprofile.py [--db sqlite|postgresql] [--scale 10]
        [--phone 13800000001] [--path /ballots/] [--n 200] [--top 30]
        [--sort tottime|cumulative] [--reuse-data]
"""
import argparse
import collections
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def package_of(filename):
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if "/residentvoice/" in filename:
        return "residentvoice." + filename.split("/residentvoice/")[1].split("/")[0]
    if filename.startswith("<template>") or filename.endswith(".html"):
        return "templates"
    if "python3" in filename:
        return "stdlib"
    return filename if filename.startswith("~") else "other"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--phone", default="13800000001")
    parser.add_argument("--path", default="/")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--reuse-data", action="store_true")
    parser.add_argument("--url", default="", help="profile this database instead")
    args = parser.parse_args()
    from bench.common import Database, base_env
    url = args.url
    if not url:
        db = Database(args.db, args.scale, reuse=args.reuse_data)
        url = db.fresh_copy("profile")
    os.environ.update(base_env(url))
    os.environ.pop("REDIS_URL", None)
    from residentvoice import create_app
    app = create_app({"LOGIN_LIMIT_IP": "10000 per minute"})
    client = app.test_client()
    env = {"wsgi.url_scheme": "https", "HTTP_X_FORWARDED_PROTO": "https",
           "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.1.2.3"}
    client.environ_base.update(env)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"csrf_token": token, "phone": args.phone,
                                         "password": "demo1234"},
                         headers={"Referer": "https://localhost/login"})
    assert answer.status_code == 302, answer.status_code
    client.get("/")
    for _ in range(10):
        response = client.get(args.path)
    print(f"{args.path}: {response.status_code}, {len(response.data)} bytes")
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    for _ in range(args.n):
        client.get(args.path)
    profiler.disable()
    cpu = (time.process_time() - started) * 1000 / args.n
    stats = pstats.Stats(profiler)
    by_package = collections.Counter()
    total = 0
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        by_package[package_of(filename)] += tt
        total += tt
    print(f"{cpu:.2f} ms CPU per request under the profiler (test client, no gunicorn)")
    print("self time by package:")
    for name, tt in by_package.most_common(15):
        print(f"  {name:32} {100 * tt / total:5.1f} %  {tt * 1000 / args.n:6.2f} ms")
    stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()

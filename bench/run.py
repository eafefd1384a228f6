"""`make bench`: what real use costs, on SQLite and PostgreSQL, gunicorn with
2 sync workers (the project's gunicorn.conf.py) over `flask demo --scale N`.

Steps (``--steps``, default cost,mixed,growth,tally; ``district`` is
`make bench-district`):

cost    each main page rendered for many people and ids: the workers' CPU
        ms per request (/proc/<pid>/stat utime+stime of the worker processes
        before and after a fixed number of requests), p50/p99, beside the
        floor — bench/floor, a minimal Flask + Jinja + SQLAlchemy page served
        the same way — as a ratio.  ``--rounds`` rounds, pages and floor
        interleaved in each; medians and ranges.  Target: ≤ 3× the floor.
mixed   ≥ 200 distinct people signed in through /login, each with their own
        session; ~90 % page reads over home, spaces, proposals, ballots, a
        ballot, its result, my tickets, a ticket, the queue, the dashboard
        over many ids; ~10 % POSTs through the real forms (votes by
        households, tickets, comments, supports) with the CSRF token read
        from the form.  Closed loop at rising concurrency finds the peak
        throughput; then an open loop (Poisson arrivals) at 70 % of the peak
        gives p50/p99 as people see them.  Target: p99 ≤ 150 ms, no 5xx.
growth  the list pages and the dashboard at --small and --large scale,
        served side by side, requests alternating: statements per page
        (SQLAlchemy events, in the app) must not grow; time ≤ 1.3×.  Both
        databases have had what the nightly cron does (`flask tickets
        refresh-stats`: closed tickets counted for the dashboard), as a
        deployment has.
tally   bench/tally.py: the count of a 100,000-unit ballot against one raw
        SQL aggregate (≤ 1.5×).
district (PostgreSQL) a whole district — `flask demo --scale 162 --tickets
        1000000`: ≥ 300 compounds, ≥ 100,000 households, ≥ 1,000,000
        tickets; the street office's dashboard, the ticket queue and a
        compound's ballots page, p99 ≤ 300 ms.

Demo data is built once per scale into a template (PostgreSQL template
database, SQLite file under bench/work/) and copied for each run; it is
rebuilt when the package or the migrations change (``--reuse-data`` keeps
an older one).  Prints the tables and writes bench/results/bench-<stamp>.json.

    python bench/run.py [--db sqlite,postgresql] [--steps cost,mixed,...]
        [--scale 10] [--users 200] [--rounds 3] [--requests 150]
        [--pages home,ballot,...] [--clients 1,2,4,8,16] [--duration 15]
        [--open-duration 30] [--small 1] [--large 100] [--district-scale 162]
        [--district-tickets 1000000] [--reuse-data] [--baseline-tree PATH]

``--baseline-tree PATH`` (another checkout, e.g. `git worktree add
/tmp/before <commit>`): the cost step serves both trees' apps, each on a
database its own code built, and interleaves them page by page — before /
after in one run.
"""
import argparse
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import common
from bench.common import Database, Server, base_env, log, percentile
from bench.traffic import Mix, Population, World, closed_loop, open_loop, page_requests

PAGES = ["home", "spaces", "space", "proposal", "ballots", "ballot", "result",
         "my tickets", "ticket", "queue", "dashboard", "healthz"]
# Shown for reference, not judged: the app's own cost of a request that renders
# nothing (its hooks, one SELECT, a JSON answer) beside the floor.
REFERENCE = {"healthz"}
COST_TARGET = 3.0
P99_TARGET = 150.0
GROWTH_TARGET = 1.3
DISTRICT_TARGET = 300.0


# ---------------------------------------------------------------- helpers

class Site:
    """One app (a tree's code on its own database copy) served by gunicorn,
    with everyone signed in."""

    def __init__(self, kind, tree, args, label, scale=None, demo_args=(), residents=None,
                 staff=True):
        self.kind = kind
        self.tree = Path(tree)
        self.label = label
        self.db = Database(kind, scale or args.scale, demo_args, reuse=args.reuse_data,
                           root=self.tree)
        self.url = self.db.fresh_copy(label)
        self.env = base_env(self.url)
        self.server = Server("wsgi:app", self.env, f"{label}-{kind}", root=self.tree)
        self.server.settle()
        self.world = World(self.url, residents=residents or args.users)
        self.pop = Population(self.world, self.server.port, staff=staff)
        seconds = self.pop.login_all()
        log(f"  {label} ({kind}): {len(self.pop.all)} people signed in in {seconds:.0f}s")
        self.mix = Mix(self.world, self.pop)

    def stop(self):
        self.server.stop()
        errors = self.server.errors_logged()
        if errors:
            # Kept with the results: the next run clears bench/work.
            kept = common.RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{self.server.log_path.name}"
            shutil.copyfile(self.server.log_path, kept)
            log(f"  !! {self.label}: {len(errors)} errors, the server's log kept in {kept}")
        self.db.drop_copy()
        return errors


def run_requests(server, requests, concurrency=2):
    """Each (browser, path) once, ``concurrency`` at a time; the workers' CPU
    ms per request and the latencies."""
    items = list(requests)
    lock = threading.Lock()
    latencies, statuses = [], {}

    def worker():
        while True:
            with lock:
                if not items:
                    return
                browser, path = items.pop()
            r = browser.get(path)
            with lock:
                latencies.append(r.elapsed * 1000)
                statuses[r.status] = statuses.get(r.status, 0) + 1
    n = len(items)
    before = server.cpu_seconds()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu = server.cpu_seconds() - before
    return {"cpu_ms": cpu * 1000 / n, "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99), "n": n, "statuses": statuses,
            "bytes": None}


class Floor:
    """bench/floor served like the app, over the same database."""

    def __init__(self, site):
        self.server = Server("bench.floor.app:app", site.env, f"floor-{site.kind}")
        self.server.settle()
        from bench.client import Browser
        self.browser = Browser(self.server.port, "10.99.0.1")
        from sqlalchemy import text
        engine = common.engine_for(site.url)
        with engine.connect() as conn:
            self.ids = [r[0] for r in conn.execute(text(
                "SELECT id FROM household ORDER BY id LIMIT 2000"))]
        engine.dispose()

    def requests(self, n, offset=0):
        return [(self.browser, f"/households/{self.ids[(offset + i) % len(self.ids)]}")
                for i in range(n)]

    def stop(self):
        self.server.stop()


def r1(x):
    return None if x is None else round(x, 1)


def r2(x):
    return None if x is None else round(x, 2)


def spread(values):
    return [r2(min(values)), r2(max(values))] if values else None


# ---------------------------------------------------------------- cost

def step_cost(kind, args):
    trees = [("app", ROOT)]
    if args.baseline_tree:
        trees.insert(0, ("before", Path(args.baseline_tree).resolve()))
    sites = []
    floor = None
    try:
        for label, tree in trees:
            sites.append(Site(kind, tree, args, label))
        floor = Floor(sites[-1])
        pages = [p for p in PAGES if not args.pages or p in args.pages]
        # Warm every worker: templates compiled, statements cached.
        for site in sites:
            for page in pages:
                run_requests(site.server, page_requests(site.mix, page, 20, seed=99))
        run_requests(floor.server, floor.requests(60))
        samples = {(s.label, p): [] for s in sites for p in pages}
        floor_samples = []
        for rnd in range(args.rounds):
            floor_samples.append(run_requests(floor.server,
                                              floor.requests(args.requests * 2, rnd * 500)))
            for page in pages:
                for site in (sites if rnd % 2 == 0 else sites[::-1]):
                    samples[(site.label, page)].append(run_requests(
                        site.server, page_requests(site.mix, page, args.requests,
                                                   seed=rnd)))
            floor_samples.append(run_requests(floor.server,
                                              floor.requests(args.requests * 2, rnd * 500 + 250)))
            log(f"  {kind}: round {rnd + 1}/{args.rounds} done")
        floor_cpu = statistics.median(s["cpu_ms"] for s in floor_samples)
        result = {"floor": {"cpu_ms": r2(floor_cpu),
                            "cpu_ms_range": spread([s["cpu_ms"] for s in floor_samples]),
                            "p50_ms": r1(statistics.median(s["p50_ms"] for s in floor_samples)),
                            "p99_ms": r1(max(s["p99_ms"] for s in floor_samples))},
                  "pages": {}}
        for (label, page), runs in samples.items():
            cpu = [s["cpu_ms"] for s in runs]
            bad = sum(n for s in runs for st, n in s["statuses"].items() if st != 200)
            entry = {"cpu_ms": r2(statistics.median(cpu)), "cpu_ms_range": spread(cpu),
                     "ratio": r2(statistics.median(cpu) / floor_cpu),
                     "ratio_range": spread([c / floor_cpu for c in cpu]),
                     "p50_ms": r1(statistics.median(s["p50_ms"] for s in runs)),
                     "p99_ms": r1(max(s["p99_ms"] for s in runs)),
                     "not_200": bad, "reference": page in REFERENCE,
                     "met": statistics.median(cpu) / floor_cpu <= COST_TARGET}
            result["pages"].setdefault(label, {})[page] = entry
        return result
    finally:
        if floor:
            floor.stop()
        for site in sites:
            site.stop()


# ---------------------------------------------------------------- mixed

def step_mixed(kind, args):
    site = Site(kind, ROOT, args, "mixed")
    try:
        # Warm up: every page once or twice for each worker.
        closed_loop(site.mix, 2, 5, seed=98)
        levels = []
        for clients in args.clients:
            res = common.machine_share(site.server, lambda c=clients: closed_loop(
                site.mix, c, args.duration, seed=c))
            res["clients"] = clients
            levels.append(res)
            log(f"  {kind}: closed loop, {clients:>2} clients: {res['rps']:6.1f} req/s, "
                f"p50 {res['p50_ms']} ms, p99 {res['p99_ms']} ms, "
                f"5xx {res['errors_5xx']}, 4xx {res['errors_4xx']}; {_load(res)}")
        peak = max(levels, key=lambda r: r["rps"])
        at70 = []
        for rnd in range(args.open_rounds):
            # The peak again just before (the machine is shared: what it can do
            # drifts), then 70 % of it, open loop.
            again = peak if rnd == 0 else common.machine_share(
                site.server, lambda r=rnd: closed_loop(site.mix, peak["clients"],
                                                       args.duration, seed=50 + r))
            res = common.machine_share(site.server, lambda r=rnd, a=again: open_loop(
                site.mix, 0.7 * a["rps"], args.open_duration, a["requests_per_action"],
                seed=100 + r))
            res["peak_rps"] = again["rps"]
            at70.append(res)
            log(f"  {kind}: open loop at {res['offered_rps']:.0f} req/s (70 % of "
                f"{res['peak_rps']:.0f}): "
                f"{res['rps']:.1f} req/s served, p50 {res['p50_ms']} ms, "
                f"p99 {res['p99_ms']} ms, 5xx {res['errors_5xx']}, 4xx {res['errors_4xx']}; "
                f"{_load(res)}")
        return {"people": len(site.pop.all), "residents": len(site.pop.browsers["resident"]),
                "levels": levels, "peak": {k: peak[k] for k in (
                    "clients", "rps", "p50_ms", "p99_ms", "errors_5xx", "errors_4xx",
                    "post_share")},
                "at_70": at70,
                "p99_at_70_range": spread([r["p99_ms"] for r in at70]),
                "p50_at_70_range": spread([r["p50_ms"] for r in at70]),
                "errors_5xx": sum(r["errors_5xx"] for r in levels + at70),
                "errors_4xx": sum(r["errors_4xx"] for r in levels + at70),
                "server_log_errors": None}
    finally:
        errors = site.stop()
        if errors:
            log(f"  {kind}: the server logged {len(errors)} errors during mixed traffic")


def _load(res):
    m = res["machine"]
    return (f"CPU busy {m['busy_pct']:.0f} % of {m['cores']} cores (app workers "
            f"{m['workers_pct']:.0f} %, this driver {m['driver_pct']:.0f} %)")


# ---------------------------------------------------------------- growth

GROWTH_PAGES = [
    # label, viewer phone, path, scope grows with the data
    ("home (resident)", "13800000001", "/", False),
    ("spaces (resident)", "13800000001", "/spaces/", False),
    ("ballots (resident)", "13800000001", "/ballots/", False),
    ("ballots (secretary)", "13900000001", "/ballots/", False),
    ("my tickets (resident)", "13800000001", "/tickets/", False),
    ("queue (secretary)", "13900000001", "/tickets/queue", False),
    ("dashboard (secretary)", "13900000001", "/tickets/dashboard", False),
    ("queue (contractor, every compound)", "13700000001", "/tickets/queue", True),
    ("dashboard (street office, every compound)", "13600000001", "/tickets/dashboard", True),
]


def count_queries(tree, url, pages):
    spec = {"tree": str(tree), "url": url,
            "pages": [[label, phone, path] for label, phone, path, _ in pages]}
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "querycount.py")],
                         input=json.dumps(spec), capture_output=True, text=True, cwd=tree,
                         check=True)
    return json.loads(out.stdout)


def nightly_cron(url):
    """What the nightly cron does for the pages (README): the closed tickets
    counted for the dashboard.  Its seconds."""
    started = time.time()
    subprocess.run([*common.FLASK, "tickets", "refresh-stats"], cwd=ROOT, env=base_env(url),
                   check=True, stdout=subprocess.DEVNULL)
    return round(time.time() - started, 1)


def step_growth(kind, args):
    from bench.client import Browser
    sites = {}
    try:
        for scale in (args.small, args.large):
            db = Database(kind, scale, reuse=args.reuse_data)
            url = db.fresh_copy("growth")
            nightly_cron(url)
            server = Server("wsgi:app", base_env(url), f"growth{scale}-{kind}")
            sites[scale] = (db, url, server)
        browsers = {}
        for scale, (_db, _url, server) in sites.items():
            server.settle()
            for n, phone in enumerate(sorted({p for _, p, _, _ in GROWTH_PAGES})):
                browsers[(scale, phone)] = Browser(server.port, f"10.77.{scale % 250}.{n + 1}",
                                                   phone).login()
        counts = {scale: count_queries(ROOT, url, GROWTH_PAGES)
                  for scale, (_db, url, _s) in sites.items()}
        result = {}
        for label, phone, path, wide in GROWTH_PAGES:
            timings = {}
            for scale, (_db, _url, server) in sites.items():
                for _ in range(5):      # warm
                    browsers[(scale, phone)].get(path)
            lat = {s: [] for s in sites}
            cpu = {s: 0.0 for s in sites}
            for i in range(args.growth_requests):
                for scale in (list(sites) if i % 2 == 0 else list(sites)[::-1]):
                    server = sites[scale][2]
                    before = server.cpu_seconds()
                    r = browsers[(scale, phone)].get(path)
                    cpu[scale] += server.cpu_seconds() - before
                    lat[scale].append(r.elapsed * 1000)
            for scale in sites:
                timings[scale] = {"p50_ms": r1(percentile(lat[scale], 50)),
                                  "cpu_ms": r2(cpu[scale] * 1000 / args.growth_requests),
                                  "statements": counts[scale][label]["statements"],
                                  "commits": counts[scale][label]["commits"],
                                  "status": counts[scale][label]["status"]}
            small, large = timings[args.small], timings[args.large]
            ratio = large["p50_ms"] / small["p50_ms"] if small["p50_ms"] else None
            result[label] = {"small": small, "large": large, "time_ratio": r2(ratio),
                             "cpu_ratio": r2(large["cpu_ms"] / small["cpu_ms"])
                             if small["cpu_ms"] else None,
                             "statements_constant": small["statements"] == large["statements"],
                             "scope_grows": wide,
                             "met": small["statements"] == large["statements"]
                             and ratio is not None and ratio <= GROWTH_TARGET}
            log(f"  {kind}: {label}: {small['p50_ms']} → {large['p50_ms']} ms, "
                f"statements {small['statements']} → {large['statements']}")
        return {"small": args.small, "large": args.large, "pages": result}
    finally:
        for db, _url, server in sites.values():
            server.stop()
            db.drop_copy()


# ---------------------------------------------------------------- tally

def step_tally(kind, args):
    from bench import tally
    ns = argparse.Namespace(units=args.tally_units, turnout=75, runs=args.tally_runs,
                            warmup=3, keep=False)
    result = tally.bench_db(kind, ns)
    if kind == "postgresql":
        tally.drop_pg()
    return result


# ---------------------------------------------------------------- district

DISTRICT_PAGES = [
    # label, viewer, path, one of the three (judged against the target)
    ("dashboard (street office, every compound)", "13600000001", "/tickets/dashboard", True),
    ("dashboard (secretary, one compound)", "13900000001", "/tickets/dashboard", False),
    ("queue (contractor, every compound)", "13700000001", "/tickets/queue", True),
    ("queue (secretary)", "13900000001", "/tickets/queue", True),
    ("ballots (secretary, a compound's)", "13900000001", "/ballots/", True),
    ("ballots (resident, a compound's)", "13800000001", "/ballots/", True),
    ("ballots (street office, every compound)", "13600000001", "/ballots/", False),
]


def step_district(kind, args):
    from sqlalchemy import text

    from bench.client import Browser
    db = Database(kind, args.district_scale, ["--tickets", str(args.district_tickets)],
                  reuse=args.reuse_data, name=f"district{args.district_scale}")
    url = db.fresh_copy("district")
    refresh_seconds = nightly_cron(url)       # timed: its cost at a district's size
    engine = common.engine_for(url)
    with engine.connect() as conn:
        size = {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar()
                for t in ("compound", "household", "ticket", "user", "ballot", "ballot_vote")}
    engine.dispose()
    log(f"  {kind}: district: " + ", ".join(f"{v:,} {k}" for k, v in size.items()))
    server = Server("wsgi:app", base_env(url), f"district-{kind}")
    try:
        server.settle()
        browsers = {}
        for n, phone in enumerate(sorted({p for _, p, _, _ in DISTRICT_PAGES})):
            browsers[phone] = Browser(server.port, f"10.88.0.{n + 1}", phone).login()
        pages = {}
        for label, phone, path, judged in DISTRICT_PAGES:
            browser = browsers[phone]
            for _ in range(3):
                browser.get(path)
            lat, before = [], server.cpu_seconds()
            statuses = {}
            for _ in range(args.district_requests):
                r = browser.get(path)
                lat.append(r.elapsed * 1000)
                statuses[r.status] = statuses.get(r.status, 0) + 1
            cpu = (server.cpu_seconds() - before) * 1000 / args.district_requests
            pages[label] = {"p50_ms": r1(percentile(lat, 50)), "p99_ms": r1(percentile(lat, 99)),
                            "cpu_ms": r1(cpu), "statuses": statuses, "bytes": len(r.body),
                            "judged": judged, "met": percentile(lat, 99) <= DISTRICT_TARGET}
            log(f"  {kind}: district {label}: p50 {pages[label]['p50_ms']} ms, "
                f"p99 {pages[label]['p99_ms']} ms")
        return {"scale": args.district_scale, "size": size,
                "load_seconds": db.load_time(db.source), "refresh_stats_seconds": refresh_seconds,
                "pages": pages}
    finally:
        server.stop()
        db.drop_copy()


# ---------------------------------------------------------------- report

def mark(ok):
    return "ok" if ok else "SHORT"


def print_report(report):
    for kind, res in report["results"].items():
        print(f"\n======== {kind} ========")
        cost = res.get("cost")
        if cost:
            print(f"\nCost of each page: workers' CPU ms per rendered request "
                  f"(median of {report['args']['rounds']} rounds, range), ratio to the floor "
                  f"(target ≤ {COST_TARGET}×), latency at 2 concurrent")
            f = cost["floor"]
            print(f"{'page':14} {'tree':7} {'cpu ms':>7} {'range':>13} {'ratio':>6} "
                  f"{'range':>11} {'p50':>6} {'p99':>6}")
            print(f"{'floor':14} {'':7} {f['cpu_ms']:7.2f} {_rg(f['cpu_ms_range']):>13} "
                  f"{1:6.2f} {'':>11} {f['p50_ms']:6.1f} {f['p99_ms']:6.1f}")
            labels = list(cost["pages"])
            for page in next(iter(cost["pages"].values())):
                for label in labels:
                    e = cost["pages"][label][page]
                    verdict = "(reference)" if e.get("reference") else mark(e["met"])
                    print(f"{page:14} {label:7} {e['cpu_ms']:7.2f} {_rg(e['cpu_ms_range']):>13} "
                          f"{e['ratio']:6.2f} {_rg(e['ratio_range']):>11} {e['p50_ms']:6.1f} "
                          f"{e['p99_ms']:6.1f}  {verdict}"
                          + (f"  ({e['not_200']} not 200)" if e["not_200"] else ""))
        mixed = res.get("mixed")
        if mixed:
            print(f"\nMixed traffic: {mixed['people']} people signed in "
                  f"({mixed['residents']} residents), POST share "
                  f"{mixed['peak']['post_share']:.0%}")
            print(f"{'load':24} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'5xx':>5} {'4xx':>5}"
                  f" {'busy':>5} {'other':>6}")

            def busy(lv):
                m = lv.get("machine") or {}
                return (f" {m.get('busy_pct', 0):4.0f}% {m.get('other_pct', 0):5.0f}%"
                        if m else "")
            for lv in mixed["levels"]:
                star = " ← peak" if lv["clients"] == mixed["peak"]["clients"] else ""
                print(f"{'closed, ' + str(lv['clients']) + ' clients':24} {lv['rps']:7.1f} "
                      f"{lv['p50_ms']:7.1f} {lv['p99_ms']:7.1f} {lv['errors_5xx']:5d} "
                      f"{lv['errors_4xx']:5d}{busy(lv)}{star}")
            for lv in mixed["at_70"]:
                name = (f"open {lv['offered_rps']:.0f}/s (70% of "
                        f"{lv.get('peak_rps', lv['offered_rps'] / 0.7):.0f})")
                print(f"{name:24} "
                      f"{lv['rps']:7.1f} {lv['p50_ms']:7.1f} {lv['p99_ms']:7.1f} "
                      f"{lv['errors_5xx']:5d} {lv['errors_4xx']:5d}{busy(lv)}  "
                      f"{mark(lv['p99_ms'] <= P99_TARGET)} (p99 ≤ {P99_TARGET:.0f} ms)")
            print("  busy: the machine's CPU in use (% of all cores); other: what neither the "
                  "app's workers nor this driver used (the database, other people's runs)")
            if mixed["errors_5xx"]:
                print(f"!!!!!! {mixed['errors_5xx']} responses were 5xx or failed "
                      f"connections — see the JSON's error_samples")
            last = mixed["at_70"][-1]
            print("  per page at 70 %: " + ", ".join(
                f"{k} {v['p50_ms']}/{v['p99_ms']}" for k, v in last["pages"].items())
                + "  (p50/p99 ms)")
        growth = res.get("growth")
        if growth:
            print(f"\nGrowth: scale {growth['small']} → {growth['large']} "
                  f"(time ≤ {GROWTH_TARGET}×, statements constant)")
            print(f"{'page':42} {'ms':>6} {'ms':>7} {'×':>5} {'cpu×':>5} {'stmts':>9}")
            for label, g in growth["pages"].items():
                print(f"{label[:42]:42} {g['small']['p50_ms']:6.1f} {g['large']['p50_ms']:7.1f} "
                      f"{g['time_ratio']:5.2f} {g['cpu_ratio'] or 0:5.2f} "
                      f"{g['small']['statements']:>4}→{g['large']['statements']:<4} "
                      f"{mark(g['met'])}{' (scope grows)' if g['scope_grows'] else ''}")
        tally = res.get("tally")
        if tally:
            print(f"\nTally of a {tally['units']:,}-unit ballot: {tally['tally_ms']} ms vs one "
                  f"raw SQL aggregate {tally['raw_ms']} ms = {tally['ratio']}× "
                  f"{mark(tally['met'])} (≤ 1.5×)")
        district = res.get("district")
        if district:
            size = district["size"]
            loaded = (f"built in {district['load_seconds'] / 60:.0f} min"
                      if district["load_seconds"] else "build time unknown")
            print(f"\nDistrict: {size['compound']:,} compounds, {size['household']:,} "
                  f"households, {size['ticket']:,} tickets ({loaded}; flask tickets "
                  f"refresh-stats {district['refresh_stats_seconds']} s), one request at a time")
            for label, d in district["pages"].items():
                verdict = f"{mark(d['met'])} (p99 ≤ 300 ms)" if d["judged"] else "(shown)"
                print(f"{label:42} p50 {d['p50_ms']:7.1f} ms  p99 {d['p99_ms']:7.1f} ms  "
                      f"cpu {d['cpu_ms']:6.1f} ms  {d['bytes'] // 1024:4d} KB  {verdict}")


def _rg(pair):
    return f"{pair[0]:.2f}–{pair[1]:.2f}" if pair else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--steps", default="cost,mixed,growth,tally")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--users", type=int, default=200, help="residents signed in")
    parser.add_argument("--rounds", type=int, default=3, help="cost: rounds")
    parser.add_argument("--requests", type=int, default=150, help="cost: requests per page "
                        "per round (the floor: twice as many, twice a round)")
    parser.add_argument("--pages", default="", help="cost: only these pages (comma-separated)")
    parser.add_argument("--clients", default="1,2,4,8,16",
                        help="mixed: closed-loop concurrency levels")
    parser.add_argument("--duration", type=int, default=15, help="mixed: seconds per level")
    parser.add_argument("--open-duration", type=int, default=30,
                        help="mixed: seconds of the open loop at 70 %% of the peak")
    parser.add_argument("--open-rounds", type=int, default=3,
                        help="mixed: open-loop rounds, each after measuring the peak again")
    parser.add_argument("--small", type=int, default=1)
    parser.add_argument("--large", type=int, default=100)
    parser.add_argument("--growth-requests", type=int, default=30)
    parser.add_argument("--tally-units", type=int, default=100_000)
    parser.add_argument("--tally-runs", type=int, default=15)
    parser.add_argument("--district-scale", type=int, default=162)
    parser.add_argument("--district-tickets", type=int, default=1_000_000)
    parser.add_argument("--district-requests", type=int, default=100)
    parser.add_argument("--reuse-data", action="store_true",
                        help="reuse demo data built by older code")
    parser.add_argument("--baseline-tree", default="",
                        help="cost: also serve this checkout, interleaved (before/after)")
    args = parser.parse_args()
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    args.clients = [int(c) for c in args.clients.split(",")]
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    kinds = [k.strip() for k in args.db.replace("both", "sqlite,postgresql").split(",")]
    if "postgresql" in kinds and not common.pg_reachable():
        log("PostgreSQL is not reachable: SQLite only.")
        kinds.remove("postgresql")
    common.WORK.mkdir(parents=True, exist_ok=True)
    for old in common.WORK.glob("gunicorn-*.log"):
        old.unlink()
    report = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "args": vars(args),
              "redis": common.redis_reachable(), "results": {}}
    stamp = time.strftime("%Y%m%d-%H%M%S")
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    out = common.RESULTS / f"bench-{stamp}.json"
    runners = {"cost": step_cost, "mixed": step_mixed, "growth": step_growth,
               "tally": step_tally, "district": step_district}
    for kind in kinds:
        for step in steps:
            if step == "district" and kind != "postgresql":
                log("district: PostgreSQL only (the production database); skipped on SQLite")
                continue
            log(f"\n== {kind}: {step} ==")
            started = time.time()
            report["results"].setdefault(kind, {})[step] = runners[step](kind, args)
            report["results"][kind][step + "_seconds"] = round(time.time() - started)
            out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    print_report(report)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    print(f"\nwritten {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Traffic that looks like use: many signed-in people, each with their own
browser (session cookie, address), reading the pages residents, staff and
secretaries open, over many ids, with writes through the real forms.

``World`` reads who and what exists from the benchmark database (ids only);
``Population`` logs everyone in through /login; ``Mix`` turns a seeded random
generator into actions (a page read, or a write flow: the form page, its
POST with the CSRF token read from the page, the redirect followed, as a
browser does); ``closed_loop`` and ``open_loop`` drive them."""
import collections
import random
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from .client import Browser, form_posting_to, forms
from .common import engine_for, percentile

STAFF = ["13700000001", "13700000002", "13700000003"]
SECRETARIES = ["13900000001", "13900000002", "13900000003"]
STREET_ADMIN = ["13600000001"]

PUBLIC = ("open", "on_agenda", "voting", "accepted", "rejected", "implemented")
SUPPORTABLE = ("open", "on_agenda", "voting")

TICKET_TEXT = ["楼道灯坏了，晚上看不清台阶。", "单元门禁刷卡没有反应。", "雨后院内积水，老人出门不便。",
               "新装的雨水管接口漏水。", "车棚充电插座跳闸。", "外墙保温层有裂缝。"]
COMMENT_TEXT = ["支持，希望尽快落实。", "建议先听听一楼住户的意见。", "费用怎么分摊？请公示预算。",
                "位置再往东一点更好。", "同意，附近老人很多，很需要。"]


class World:
    """Who and what the benchmark database holds (read once, ids only)."""

    def __init__(self, url, residents=200, seed=15):
        from sqlalchemy import text
        rng = random.Random(seed)
        engine = engine_for(url)
        with engine.connect() as conn:
            def rows(sql, **params):
                return conn.execute(text(sql), params).all()
            everyone = rows(
                'SELECT u.phone, r.household_id, h.compound_id FROM "user" u '
                "JOIN role_assignment r ON r.user_id = u.id AND r.kind = 'resident' "
                "JOIN household h ON h.id = r.household_id ORDER BY h.compound_id, u.id")
            self.compounds = collections.defaultdict(lambda: collections.defaultdict(list))
            for sid, cid in rows("SELECT id, compound_id FROM space"):
                self.compounds[cid]["spaces"].append(sid)
            for pid, cid, status in rows(
                    "SELECT p.id, s.compound_id, p.status FROM proposal p "
                    "JOIN space s ON s.id = p.space_id"):
                if status in PUBLIC:
                    self.compounds[cid]["proposals"].append(pid)
                if status in SUPPORTABLE:
                    self.compounds[cid]["supportable"].append(pid)
            for bid, cid, status in rows(
                    "SELECT id, compound_id, status FROM ballot WHERE status <> 'draft'"):
                self.compounds[cid]["ballots"].append(bid)
                if status == "open":
                    self.compounds[cid]["open_ballots"].append(bid)
            for tid, cid in rows("SELECT id, compound_id FROM ticket WHERE public = :t "
                                 "ORDER BY id DESC", t=True):
                if len(self.compounds[cid]["tickets"]) < 40:
                    self.compounds[cid]["tickets"].append(tid)
            voted = {(b, h) for b, h in rows(
                "SELECT v.ballot_id, v.household_id FROM ballot_vote v "
                "JOIN ballot b ON b.id = v.ballot_id WHERE b.status = 'open'")}
            self.open_ballot_kind = {b: (basis, bool(change)) for b, basis, change in rows(
                "SELECT id, basis, allow_change FROM ballot WHERE status = 'open'")}
            # What staff, secretaries and the street office see: their compounds,
            # and the tickets routed to a contractor's organisation.
            self.scope = collections.defaultdict(list)
            for phone, cid in rows(
                    'SELECT u.phone, c.id FROM "user" u JOIN role_assignment r ON r.user_id = u.id '
                    "JOIN compound c ON c.community_id = r.community_id "
                    "WHERE r.kind = 'secretary' UNION "
                    'SELECT u.phone, c.id FROM "user" u JOIN role_assignment r ON r.user_id = u.id '
                    "JOIN community m ON m.street_office_id = r.street_office_id "
                    "JOIN compound c ON c.community_id = m.id WHERE r.kind = 'street_admin' UNION "
                    'SELECT u.phone, oc.compound_id FROM "user" u '
                    "JOIN role_assignment r ON r.user_id = u.id "
                    "JOIN organisation_compound oc ON oc.organisation_id = r.organisation_id "
                    "WHERE r.kind = 'staff' ORDER BY 2"):
                self.scope[phone].append(cid)
            self.routed = collections.defaultdict(list)
            for phone, tid in rows(
                    'SELECT u.phone, t.id FROM "user" u JOIN role_assignment r ON r.user_id = u.id '
                    "JOIN ticket t ON t.organisation_id = r.organisation_id "
                    "WHERE r.kind = 'staff' ORDER BY t.id DESC"):
                if len(self.routed[phone]) < 200:
                    self.routed[phone].append(tid)
        engine.dispose()
        # Residents spread over every compound, round robin; in each compound
        # those with a household yet to vote in an open ballot first.
        by_compound = collections.defaultdict(list)
        for phone, household, compound in everyone:
            unvoted = any((b, household) not in voted
                          for b in self.compounds[compound]["open_ballots"])
            by_compound[compound].append((not unvoted, rng.random(), phone, household))
        queues = {c: sorted(v) for c, v in by_compound.items()}
        self.residents = []
        seen = set()
        while len(self.residents) < residents and any(queues.values()):
            for compound in sorted(queues):
                if queues[compound] and len(self.residents) < residents:
                    _, _, phone, household = queues[compound].pop(0)
                    if phone not in seen:
                        seen.add(phone)
                        self.residents.append({"phone": phone, "household": household,
                                               "compound": compound})
        self.voted = voted


class Population:
    """Everyone signed in, each through the login form in their own browser."""

    def __init__(self, world, port, staff=True):
        self.world = world
        self.port = port
        self.browsers = {"resident": [], "staff": [], "secretary": [], "street_admin": []}
        people = [("resident", r["phone"], r) for r in world.residents]
        if staff:
            people += [("staff", p, {}) for p in STAFF]
            people += [("secretary", p, {}) for p in SECRETARIES]
            people += [("street_admin", p, {}) for p in STREET_ADMIN]
        self.all = []
        for n, (role, phone, data) in enumerate(people):
            address = f"10.{15 + n // 62500}.{n // 250 % 250}.{n % 250 + 1}"
            browser = Browser(port, address, phone, role)
            browser.data = dict(data)
            self.browsers[role].append(browser)
            self.all.append(browser)

    def login_all(self, threads=4):
        started = time.time()
        failures = []

        def one(browser):
            try:
                browser.login()
            except RuntimeError as error:
                failures.append(str(error))
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(one, self.all))
        if failures:
            raise RuntimeError(f"{len(failures)} logins failed, e.g. {failures[:3]}")
        return time.time() - started


# ---------------------------------------------------------------- the mix

# Pages each kind of person opens, with weights (reads).
RESIDENT_PAGES = [("home", 18), ("spaces", 8), ("space", 4), ("proposal", 14),
                  ("ballots", 10), ("ballot", 14), ("result", 8), ("my tickets", 10),
                  ("ticket", 6)]
STAFF_PAGES = [("queue", 60), ("ticket", 30), ("home", 10)]
SECRETARY_PAGES = [("queue", 30), ("dashboard", 20), ("ballots", 15), ("ballot", 10),
                   ("proposal", 10), ("home", 15)]
ADMIN_PAGES = [("dashboard", 50), ("queue", 30), ("home", 20)]
ROLE_SHARE = [("resident", 85), ("staff", 6), ("secretary", 6), ("street_admin", 3)]
WRITES = [("vote", 30), ("ticket", 25), ("comment", 25), ("support", 20)]
# A write flow is 3–4 requests, one of them the POST, and some end early (a
# household that has voted): 15 % of the actions make about 1 request in 10 a
# POST (the report shows the share measured).
WRITE_SHARE = 0.15


def _pick(rng, weighted):
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for item, w in weighted:
        x -= w
        if x < 0:
            return item
    return weighted[-1][0]


class Mix:
    """Chooses actions; one per call of ``next_action(rng)``: (browser, fn)
    where ``fn(record, scheduled)`` performs it.  Writes stay real: a vote is
    cast by a household that has not voted (or changes one where the ballot
    allows it), supports alternate with withdrawals."""

    def __init__(self, world, population, write_share=WRITE_SHARE):
        self.world = world
        self.pop = population
        self.write_share = write_share
        self.lock = threading.Lock()
        self.busy = set()
        # (browser, ballot) pairs that may still vote, unvoted households first.
        first, change = [], []
        for b in population.browsers["resident"]:
            for ballot in world.compounds[b.data["compound"]]["open_ballots"]:
                if (ballot, b.data["household"]) not in world.voted:
                    first.append((b, ballot))
                elif world.open_ballot_kind.get(ballot, ("", False))[1]:
                    change.append((b, ballot))
        random.Random(7).shuffle(first)
        self.voters = collections.deque(first)
        self.changers = change
        self.global_compounds = sorted(world.compounds)

    # -- choosing
    def acquire(self, rng, role):
        with self.lock:
            pool = [b for b in self.pop.browsers[role] if id(b) not in self.busy]
            if not pool:
                return None
            browser = rng.choice(pool)
            self.busy.add(id(browser))
            return browser

    def release(self, browser):
        with self.lock:
            self.busy.discard(id(browser))

    def next_action(self, rng):
        """(browser, kind, fn) — the browser is marked busy until released."""
        if rng.random() < self.write_share:
            kind = _pick(rng, WRITES)
            if kind == "vote":
                pair = self._voter()
                if pair is not None:
                    browser, ballot = pair
                    with self.lock:
                        if id(browser) not in self.busy:
                            self.busy.add(id(browser))
                            return browser, "vote", lambda rec, s: self.vote(
                                browser, ballot, rec, s)
                    self._return_voter(pair)
                kind = "ticket"
            browser = self.acquire(rng, "resident")
            if browser is None:
                return None
            fn = {"ticket": self.file_ticket, "comment": self.comment,
                  "support": self.support}[kind]
            return browser, kind, lambda rec, s: fn(browser, rng, rec, s)
        role = _pick(rng, ROLE_SHARE)
        browser = self.acquire(rng, role) or self.acquire(rng, "resident")
        if browser is None:
            return None
        pages = {"resident": RESIDENT_PAGES, "staff": STAFF_PAGES,
                 "secretary": SECRETARY_PAGES, "street_admin": ADMIN_PAGES}[browser.role]
        page = _pick(rng, pages)
        path = self.path_for(browser, page, rng)
        return browser, page, lambda rec, s: browser.get(path, record=rec, label=page,
                                                         scheduled=s)

    def _voter(self):
        with self.lock:
            if self.voters:
                return self.voters.popleft()
        if self.changers:
            return random.choice(self.changers)
        return None

    def _return_voter(self, pair):
        with self.lock:
            self.voters.append(pair)

    def _compound_of(self, browser, rng):
        if browser.role == "resident":
            return browser.data["compound"]
        return rng.choice(self.world.scope.get(browser.phone) or self.global_compounds)

    def path_for(self, browser, page, rng):
        c = self.world.compounds[self._compound_of(browser, rng)]
        if page == "ticket" and browser.role == "staff":
            c = {"tickets": self.world.routed.get(browser.phone, [])}

        def one(key):
            return rng.choice(c[key]) if c[key] else None

        if page == "home":
            return "/"
        if page == "spaces":
            return "/spaces/"
        if page == "space":
            sid = one("spaces")
            return f"/spaces/{sid}" if sid else "/spaces/"
        if page == "proposal":
            pid = one("proposals")
            return f"/spaces/proposals/{pid}" if pid else "/spaces/"
        if page == "ballots":
            return "/ballots/"
        if page == "ballot":
            bid = one("ballots")
            return f"/ballots/{bid}" if bid else "/ballots/"
        if page == "result":
            bid = one("ballots")
            return f"/ballots/{bid}/result" if bid else "/ballots/"
        if page == "my tickets":
            return "/tickets/"
        if page == "ticket":
            tid = one("tickets")
            return f"/tickets/{tid}" if tid else "/tickets/"
        if page == "queue":
            return "/tickets/queue"
        if page == "dashboard":
            return "/tickets/dashboard"
        if page == "healthz":
            return "/healthz"
        raise ValueError(page)

    # -- write flows (each: the page with the form, the POST, the redirect)
    def _follow(self, browser, answer, label, rec):
        if answer.status in (301, 302, 303) and answer.location:
            browser.get(answer.location, record=rec, label=label)

    def vote(self, browser, ballot, rec, scheduled):
        page = browser.get(f"/ballots/{ballot}", record=rec, label="ballot",
                           scheduled=scheduled)
        # The options are small GET forms (household, option) leading to the
        # confirmation page with the CSRF-protected POST form.
        choices = [fields for action, fields, _ in forms(page.text)
                   if action == f"/ballots/{ballot}/vote" and "option" in fields]
        if not choices:
            return
        query = urllib.parse.urlencode(random.choice(choices))
        confirm = browser.get(f"/ballots/{ballot}/vote?{query}", record=rec, label="vote form")
        found = form_posting_to(confirm.text, rf"/ballots/{ballot}/vote")
        if found is None:
            return
        answer = browser.post(found[0], found[1], record=rec, label="vote POST")
        self._follow(browser, answer, "ballot", rec)
        kind = self.world.open_ballot_kind.get(ballot)
        if kind and kind[1]:
            self.changers.append((browser, ballot))

    def file_ticket(self, browser, rng, rec, scheduled):
        place = browser.get("/tickets/new", record=rec, label="ticket form",
                            scheduled=scheduled)
        selects = {}
        for _action, _fields, sel in forms(place.text):
            selects.update(sel)
        category = rng.choice(selects.get("category") or ["other"])
        where = (selects.get("where") or [""])[0]
        page = browser.get(f"/tickets/new?category={category}&where={where}", record=rec,
                           label="ticket form")
        found = form_posting_to(page.text, r"/tickets/new$")
        if found is None:
            return
        fields = dict(found[1], category=category, where=where,
                      description=rng.choice(TICKET_TEXT), public="y")
        answer = browser.post(found[0], fields, record=rec, label="ticket POST",
                              multipart=["photos"])
        self._follow(browser, answer, "ticket", rec)

    def _proposal(self, browser, rng, key):
        ids = self.world.compounds[browser.data["compound"]][key]
        return rng.choice(ids) if ids else None

    def comment(self, browser, rng, rec, scheduled):
        pid = self._proposal(browser, rng, "supportable")
        if pid is None:
            return
        page = browser.get(f"/spaces/proposals/{pid}", record=rec, label="proposal",
                           scheduled=scheduled)
        found = form_posting_to(page.text, rf"/spaces/proposals/{pid}/comments$")
        if found is None:
            return
        fields = dict(found[1], body=rng.choice(COMMENT_TEXT))
        answer = browser.post(found[0], fields, record=rec, label="comment POST")
        self._follow(browser, answer, "proposal", rec)

    def support(self, browser, rng, rec, scheduled):
        pid = self._proposal(browser, rng, "supportable")
        if pid is None:
            return
        page = browser.get(f"/spaces/proposals/{pid}", record=rec, label="proposal",
                           scheduled=scheduled)
        found = form_posting_to(page.text, rf"/spaces/proposals/{pid}/(un)?support$")
        if found is None:
            return
        label = "unsupport POST" if found[0].endswith("unsupport") else "support POST"
        answer = browser.post(found[0], found[1], record=rec, label=label)
        self._follow(browser, answer, "proposal", rec)


# ---------------------------------------------------------------- driving

class Recorder:
    def __init__(self):
        self.items = []
        self.errors = []
        self.actions = 0

    def __call__(self, label, method, response):
        self.items.append((response.started, label, method, response.status,
                           response.elapsed))
        if (response.status >= 400 or response.status == 0) and len(self.errors) < 20:
            self.errors.append((label, method, response.status,
                                response.error or response.text[:200]))


def closed_loop(mix, clients, duration, seed=1):
    """``clients`` people acting one after another with no pause; returns the records."""
    rec = Recorder()
    stop = time.perf_counter() + duration

    def run(n):
        rng = random.Random(seed * 1000 + n)
        while time.perf_counter() < stop:
            chosen = mix.next_action(rng)
            if chosen is None:
                time.sleep(0.001)
                continue
            browser, _kind, fn = chosen
            rec.actions += 1
            try:
                fn(rec, None)
            finally:
                mix.release(browser)
    started = time.perf_counter()
    cpu = time.process_time()
    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return summarize(rec, time.perf_counter() - started, time.process_time() - cpu)


def open_loop(mix, rate, duration, per_action, seed=1, max_in_flight=64):
    """Actions started at random (Poisson) times at ``rate`` requests a second
    whether or not the server keeps up (``per_action``: requests per action,
    as measured in the closed loop); each action's first request is timed
    from when it was due, so queueing shows in the latency."""
    rec = Recorder()
    rng = random.Random(seed)
    action_rate = rate / per_action
    pool = ThreadPoolExecutor(max_in_flight)
    started = time.perf_counter()
    cpu = time.process_time()
    due = started
    dropped = 0

    def run(chosen, scheduled):
        browser, _kind, fn = chosen
        try:
            fn(rec, scheduled)
        finally:
            mix.release(browser)
    while True:
        due += rng.expovariate(action_rate)
        if due - started > duration:
            break
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        chosen = mix.next_action(rng)
        if chosen is None:
            dropped += 1
            continue
        rec.actions += 1
        pool.submit(run, chosen, due)
    pool.shutdown(wait=True)
    result = summarize(rec, time.perf_counter() - started, time.process_time() - cpu)
    result["offered_rps"] = rate
    result["dropped_actions"] = dropped
    return result


def summarize(rec, elapsed, driver_cpu):
    items = rec.items
    latencies = [i[4] * 1000 for i in items]
    by_label = collections.defaultdict(list)
    statuses = collections.Counter()
    for _t, label, method, status, seconds in items:
        by_label[label].append(seconds * 1000)
        statuses[status] += 1
    posts = sum(1 for i in items if i[2] == "POST")
    server_errors = sum(n for s, n in statuses.items() if s >= 500 or s == 0)
    client_errors = sum(n for s, n in statuses.items() if 400 <= s < 500)
    return {
        "requests": len(items), "seconds": round(elapsed, 2), "actions": rec.actions,
        "requests_per_action": round(len(items) / rec.actions, 3) if rec.actions else None,
        "rps": round(len(items) / elapsed, 1) if elapsed else 0,
        "p50_ms": _r(percentile(latencies, 50)), "p99_ms": _r(percentile(latencies, 99)),
        "post_share": round(posts / len(items), 3) if items else 0,
        "errors_5xx": server_errors, "errors_4xx": client_errors,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "error_samples": rec.errors,
        "driver_cpu_s": round(driver_cpu, 2),
        "pages": {label: {"n": len(v), "p50_ms": _r(percentile(v, 50)),
                          "p99_ms": _r(percentile(v, 99))}
                  for label, v in sorted(by_label.items())},
    }


def _r(value):
    return None if value is None else round(value, 1)


# Who opens each page in the page-cost step: the street office's dashboard
# (the widest), the contractors' queue; residents for the rest.
PAGE_VIEWER = {"queue": "staff", "dashboard": "street_admin"}


# Used by the page-cost step: one page, many people and ids.
def page_requests(mix, page, n, seed=3):
    """``n`` (browser, path) for ``page`` spread over people and ids."""
    rng = random.Random(seed)
    role = PAGE_VIEWER.get(page, "resident")
    people = mix.pop.browsers[role]
    out = []
    for i in range(n):
        browser = people[i % len(people)]
        out.append((browser, mix.path_for(browser, page, rng)))
    return out


"""What the benchmark loads. Each scenario is a function of a ``Setup`` (which
can look up ids in the benchmark database and log users in) returning a
request description, or None when the feature's data is absent.

A request description: ``{"method", "path", "auth": ("session"|"bearer", phone),
"body": str, "content_type": str, "kind": "page"|"write", "rotate": [...]}``;
``rotate`` lists bodies (or paths) used in turn, one per request, so writes are
real writes rather than the same request refused."""
import json

SCENARIOS = []


def scenario(name, kind="page", scale_list=False):
    def decorator(fn):
        SCENARIOS.append({"name": name, "kind": kind, "fn": fn, "scale_list": scale_list})
        return fn
    return decorator


RESIDENT = "13800000001"
SECRETARY = "13900000001"
CONTRACTOR = "13700000001"
STREET = "13600000001"


@scenario("home (resident)")
def home(setup):
    return {"method": "GET", "path": "/", "auth": ("session", RESIDENT)}


@scenario("login page (anonymous)")
def login_page(setup):
    return {"method": "GET", "path": "/login", "auth": None}


@scenario("api me (bearer)")
def api_me(setup):
    return {"method": "GET", "path": "/api/v1/me", "auth": ("bearer", RESIDENT)}


@scenario("households list (secretary)", scale_list=True)
def households(setup):
    compound = setup.scalar("SELECT id FROM compound WHERE code = 'DSST34'")
    return {"method": "GET", "path": f"/api/v1/compounds/{compound}/households?per_page=50",
            "auth": ("bearer", SECRETARY)}


def json_body(data):
    return json.dumps(data, ensure_ascii=False)


def _compound(setup, code="DSST34"):
    return setup.scalar("SELECT id FROM compound WHERE code = :c", c=code)


@scenario("proposal page (resident)")
def proposal_page(setup):
    proposal = setup.scalar(
        "SELECT p.id FROM proposal p JOIN space s ON s.id = p.space_id "
        "WHERE s.compound_id = :c AND p.status = 'open' ORDER BY p.id", c=_compound(setup))
    if proposal is None:
        return None
    return {"method": "GET", "path": f"/spaces/proposals/{proposal}",
            "auth": ("session", RESIDENT)}


@scenario("ballot page (resident)")
def ballot_page(setup):
    ballot = setup.scalar("SELECT id FROM ballot WHERE compound_id = :c AND status = 'open' "
                          "ORDER BY id", c=_compound(setup))
    if ballot is None:
        return None
    return {"method": "GET", "path": f"/ballots/{ballot}", "auth": ("session", RESIDENT)}


@scenario("ballot result page (resident)")
def result_page(setup):
    ballot = setup.scalar("SELECT id FROM ballot WHERE compound_id = :c AND status = 'published' "
                          "ORDER BY id", c=_compound(setup, "CQY"))
    if ballot is None:
        return None
    return {"method": "GET", "path": f"/ballots/{ballot}/result",
            "auth": ("session", "13800000002")}


@scenario("vote POST (API, many residents)", kind="write")
def vote_post(setup):
    """A residents' ballot that allows changes, so every POST is a real vote or
    change by a resident of that household (bearer token each)."""
    compound = _compound(setup)
    from datetime import datetime, timedelta, timezone
    now = datetime.now(timezone.utc).replace(microsecond=0)
    ballot = setup.api("POST", "/api/v1/ballots", SECRETARY, {
        "compound_id": compound, "title": "bench", "description": "benchmark ballot",
        "basis": "residents", "matter": "consultative",
        "announced_at": (now - timedelta(minutes=5)).isoformat(),
        "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=1)).isoformat(),
        "secret": False, "allow_change": True})
    setup.api("POST", f"/api/v1/ballots/{ballot['id']}/open", SECRETARY)
    options = [o["id"] for o in setup.api("GET", f"/api/v1/ballots/{ballot['id']}",
                                          SECRETARY)["options"]]
    voters = setup.rows(
        "SELECT MIN(r.user_id), r.household_id FROM role_assignment r "
        "JOIN household h ON h.id = r.household_id "
        "WHERE r.kind = 'resident' AND h.compound_id = :c GROUP BY r.household_id "
        "ORDER BY r.household_id LIMIT 300", c=compound)
    tokens = setup.tokens_for([uid for uid, _h in voters])
    rotate = [{"headers": {"Authorization": f"Bearer {tokens[uid]}"},
               "body": json_body({"household_id": hid, "option_id": options[n % len(options)]})}
              for n, (uid, hid) in enumerate(voters)]
    return {"method": "POST", "path": f"/api/v1/ballots/{ballot['id']}/votes",
            "content_type": "application/json", "rotate": rotate, "auth": None}


@scenario("ticket queue (contractor)", scale_list=True)
def ticket_queue(setup):
    return {"method": "GET", "path": "/tickets/queue", "auth": ("session", CONTRACTOR)}


@scenario("my tickets (resident)", scale_list=True)
def my_tickets(setup):
    return {"method": "GET", "path": "/tickets/", "auth": ("session", RESIDENT)}


@scenario("ticket create (API)", kind="write")
def ticket_create(setup):
    household = setup.scalar("SELECT id FROM household WHERE code = 'DSST34-1-0601'")
    return {"method": "POST", "path": "/api/v1/tickets", "auth": ("bearer", RESIDENT),
            "content_type": "application/json",
            "body": json_body({"compound_id": _compound(setup), "category": "greenery",
                               "household_id": household,
                               "description": "楼下绿地的灌木被压坏了，请补种。"})}


@scenario("Open311 POST request", kind="write")
def open311_post(setup):
    import re
    import urllib.parse
    out = setup.flask("api-keys", "create", "--name", "bench")
    key = re.search(r": (\S+)\s*$", out.splitlines()[0]).group(1)
    body = urllib.parse.urlencode({
        "api_key": key, "service_code": "roads", "address_id": "DSST34-1-0601",
        "description": "院内路面出现裂缝，雨天积水。", "first_name": "明", "last_name": "赵",
        "phone": "13811112222"})
    return {"method": "POST", "path": "/open311/v2/requests.json", "auth": None,
            "content_type": "application/x-www-form-urlencoded", "body": body}


@scenario("ticket dashboard (street office)")
def dashboard(setup):
    return {"method": "GET", "path": "/tickets/dashboard", "auth": ("session", STREET)}


@scenario("spaces list (resident)", scale_list=True)
def spaces_list(setup):
    return {"method": "GET", "path": "/spaces/", "auth": ("session", RESIDENT)}


@scenario("ballots list (secretary)", scale_list=True)
def ballots_list(setup):
    return {"method": "GET", "path": "/ballots/", "auth": ("session", SECRETARY)}

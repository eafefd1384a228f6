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

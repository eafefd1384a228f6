"""Random input at every form (issue 8: fuzzing; DESIGN §8: bad input gets a
clear message, never a 500; security: no stored script reaches a page).

The forms are found by crawling: every page of ``tests/test_pages.py`` (GET
routes without arguments and the access examples), as every role allowed to
see it; each ``<form method="post">`` found gives the action URL, the role
that saw it and its fields. Hypothesis then fills the fields with random
text, numbers, unicode, 10,000-character values and HTML/script payloads.
After every POST the answer (and the page a redirect leads to) must not be a
server error nor contain a payload unescaped; at the end every page is
fetched again as every role and checked the same way."""
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ..test_pages import clients_by_role, page_urls

MARK = "rvfz"
PAYLOADS = [f'<script>alert("{MARK}")</script>', f'"><img src=x onerror=alert("{MARK}")>',
            f"'><svg onload=alert('{MARK}')>", f'javascript:alert("{MARK}")']
UNESCAPED = [f'<script>alert("{MARK}")', f'<img src=x onerror=alert("{MARK}")',
             f"<svg onload=alert('{MARK}')", f'href="javascript:alert("{MARK}")',
             f'src="javascript:alert("{MARK}")']
FORMS_PER_ENDPOINT = 1
EXAMPLES_PER_FORM = 4
SKIP_ACTIONS = ("/logout",)  # would end the role's session for the forms after it
STATUSES = []
ROLE_ORDER = ("secretary", "street_admin", "staff", "resident", "other_secretary",
              "other_resident", "anonymous")


class Forms(HTMLParser):
    """The POST forms of a page: action and fields (name, kind, values)."""

    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            self._form = {"action": action, "fields": {}}
            self.forms.append(self._form)
        if tag == "option" and self._select is not None:
            self._select["values"].append(attrs.get("value") or "")
        if self._form is None or not attrs.get("name"):
            return
        fields, name = self._form["fields"], attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("file", "image", "reset"):
                return
            if kind in ("radio", "checkbox", "hidden", "submit"):
                field = fields.setdefault(name, {"kind": kind, "values": []})
                field["values"].append(attrs.get("value") or "y")
            else:
                fields[name] = {"kind": kind, "values": [attrs.get("value") or ""]}
        elif tag == "button" and (attrs.get("type") or "submit") == "submit":
            fields.setdefault(name, {"kind": "submit", "values": []})["values"].append(
                attrs.get("value") or "")
        elif tag == "textarea":
            fields[name] = {"kind": "textarea", "values": [""]}
        elif tag == "select":
            self._select = fields[name] = {"kind": "select", "values": []}

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None


def unescaped(html):
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    low = html.lower()
    return [marker for marker in UNESCAPED if marker.lower() in low]


def find_forms(app, world, clients):
    """``[(role, page_url, form)]``, at most FORMS_PER_ENDPOINT per action endpoint."""
    adapter = app.url_map.bind("localhost")
    found, per_endpoint = [], {}
    pages = page_urls(app, world)
    for url, roles in pages:
        for role in sorted(roles, key=ROLE_ORDER.index):
            response = clients[role].get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            parser = Forms(url)
            parser.feed(response.get_data(as_text=True))
            for form in parser.forms:
                parts = urlsplit(form["action"])
                if parts.path in SKIP_ACTIONS or parts.path.startswith(("/api/", "/open311/")):
                    continue
                try:
                    endpoint, _args = adapter.match(parts.path, method="POST")
                except Exception:  # noqa: BLE001 - a form to a route that has no POST
                    continue
                if per_endpoint.get(endpoint, 0) >= FORMS_PER_ENDPOINT:
                    continue
                per_endpoint[endpoint] = per_endpoint.get(endpoint, 0) + 1
                found.append((role, url, form))
    return found


def wild_text():
    return st.one_of(
        st.sampled_from(PAYLOADS),
        st.text(max_size=60),
        st.integers(min_value=-10**20, max_value=10**20).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["", " ", "0", "-1", "1e309", "2026-02-30", "13800000000",
                         "١٢٣", "𝟘𝟙", "\u202e\u0000x", "☃" * 300]),
        st.sampled_from(["长" * 10000, "a" * 10000, PAYLOADS[0] * 300]),
    )


def field_strategy(field):
    values = [v for v in field["values"] if v is not None]
    if field["kind"] in ("hidden", "submit"):
        return st.one_of(st.sampled_from(values or [""]), wild_text()) \
            if field["kind"] == "hidden" else st.sampled_from(values or [""])
    if field["kind"] in ("select", "radio"):
        return st.one_of(st.sampled_from(values or [""]), wild_text())
    if field["kind"] == "checkbox":
        return st.sampled_from([None] + (values or ["y"]))
    return wild_text()


def post_and_check(client, action, data):
    """POST, follow one redirect; return the problems found."""
    problems = []
    response = client.post(action, data={k: v for k, v in data.items() if v is not None})
    STATUSES.append(response.status_code)
    if response.status_code >= 500:
        problems.append(f"answered {response.status_code}")
    problems += [f"shows {m} unescaped" for m in unescaped(response.get_data())]
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and location.startswith(("/", "http://localhost")):
        follow = client.get(location)
        if follow.status_code >= 500:
            problems.append(f"redirect to {location} answered {follow.status_code}")
        problems += [f"{location} shows {m} unescaped"
                     for m in unescaped(follow.get_data())]
    return problems


def fuzz_form(client, page_url, form):
    problems = []
    strategy = st.fixed_dictionaries({name: field_strategy(field)
                                      for name, field in form["fields"].items()})

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(data=strategy)
    def fuzz(data):
        found = post_and_check(client, form["action"], data)
        problems.extend(f"POST {form['action']} {_short(data)}: {p}" for p in found)

    fuzz()
    page = client.get(page_url)
    problems += [f"{page_url} shows {m} unescaped after the posts"
                 for m in unescaped(page.get_data())]
    return problems


def _short(data):
    return {k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v)
            for k, v in data.items()}


def test_random_input_at_every_form_never_breaks_a_page(app, factory):
    world = factory.world()
    clients = clients_by_role(app, world)
    forms = find_forms(app, world, clients)
    assert len(forms) >= 10, f"too few forms found: {[f['action'] for _r, _u, f in forms]}"
    problems = []
    for role, page_url, form in forms:
        try:
            problems += [f"as {role}: {p}" for p in fuzz_form(clients[role], page_url, form)]
        except Exception as error:  # noqa: BLE001 - the app raised (a 500 in production)
            problems.append(f"as {role}: POST {form['action']} raised "
                            f"{type(error).__name__}: {error}")
    for url, roles in page_urls(app, world):  # stored payloads, wherever they show
        for role in roles:
            response = clients[role].get(url)
            if response.status_code >= 500:
                problems.append(f"GET {url} as {role} answered {response.status_code}")
            problems += [f"GET {url} as {role} shows {m} unescaped"
                         for m in unescaped(response.get_data())]
    assert problems == [], "\n".join(dict.fromkeys(problems))
    # The run meant something: forms accepted input, and payloads were stored.
    assert sum(status in (302, 303) for status in STATUSES) >= 10, STATUSES
    assert stored_payloads() > 0


def stored_payloads():
    """Rows of any text column holding a payload marker."""
    from sqlalchemy import String, Text, func, or_, select

    from residentvoice.extensions import db
    rows = 0
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if columns:
            rows += db.session.scalar(select(func.count()).select_from(table).where(
                or_(*[c.contains(MARK) for c in columns])))
    return rows


def test_the_form_checks_catch_unescaped_payloads():
    assert unescaped(f'<p>{PAYLOADS[0]}</p>')
    assert unescaped(f'<a href="{PAYLOADS[3]}">x</a>')
    assert not unescaped('<p>&lt;script&gt;alert("rvfz")&lt;/script&gt;</p>')
    parser = Forms("/things/1")
    parser.feed('<form method="post"><input name="csrf_token" type="hidden" value="t">'
                '<input name="title"><select name="kind"><option value="a"><option value="b">'
                '</select><textarea name="body"></textarea><button name="go" value="1">x</button>'
                '</form><form method="get"><input name="q"></form>')
    [form] = parser.forms
    assert form["action"] == "/things/1"
    assert form["fields"]["kind"] == {"kind": "select", "values": ["a", "b"]}
    assert set(form["fields"]) == {"csrf_token", "title", "kind", "body", "go"}

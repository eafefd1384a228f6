"""Every page stays small and self-contained (DESIGN §8: phones first, fast
on a slow network; issue 8: page weight under 40 KB compressed, nothing
loaded from another host).

The pages are found, not listed: every GET route without URL arguments, and
every GET example with an OK expectation in ``tests/*/access_examples.py``,
each fetched as every role allowed to see it. Routes added by a feature are
covered as soon as it declares its access examples."""
import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from .access_matrix import OK, ROLES
from .factories import sign_in
from .test_access import UNDECLARED_OK, all_examples, implied

MAX_COMPRESSED = 40 * 1024
OWN_HOSTS = {"", "localhost"}
NOT_PAGES = ("/api/", "/open311/", "/static/", "/uploads/")
# Attributes through which a browser fetches or sends something by itself.
LOADING = {"src", "srcset", "data", "poster", "action", "formaction", "background"}
CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


class Page(HTMLParser):
    """What an HTML page loads: stylesheets, scripts, and every fetching
    reference; plus inline scripts and style attributes, which CSP blocks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.assets, self.references, self.inline = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            self.references.append(("link href", attrs["href"]))
            if "stylesheet" in (attrs.get("rel") or "").split():
                self.assets.append(attrs["href"])
        if tag == "script":
            if attrs.get("src"):
                self.assets.append(attrs["src"])
            else:
                self._in_script = True
        if "style" in attrs:
            self.inline.append(f"style attribute on <{tag}>")
        if tag == "style":
            self.inline.append("<style> element")
        for name, value in attrs.items():
            if name in LOADING and value:
                for part in value.split(",") if name == "srcset" else [value]:
                    self.references.append((f"{tag} {name}", part.strip().split(" ")[0]))
            if name.startswith("on"):
                self.inline.append(f"{name} handler on <{tag}>")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.references.append(("meta refresh", (attrs.get("content") or "")
                                    .partition("url=")[2]))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append("inline <script>")


def foreign(reference):
    """A reference that makes the browser contact another host."""
    parts = urlsplit(reference.strip())
    if parts.scheme in ("data", "mailto", "tel", "javascript"):
        return False
    if reference.strip().startswith("//") or parts.scheme in ("http", "https", "ftp", "ws",
                                                              "wss"):
        return (parts.hostname or "") not in OWN_HOSTS
    return False


def page_urls(app, world):
    """``[(url, [roles allowed to see it])]`` for every page reachable by GET."""
    examples = all_examples()
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNDECLARED_OK or "GET" not in rule.methods:
            continue
        if rule.rule.startswith(NOT_PAGES) or rule.endpoint == "main.healthz":
            continue
        if rule.endpoint in examples:
            for method, url, expectation in examples[rule.endpoint](world):
                if method == "GET":
                    found.append((url, [r for r in ROLES if expectation[r] == OK]))
        elif not rule.arguments:
            expectation = implied(app.view_functions[rule.endpoint].access_rule)
            found.append((rule.rule, [r for r in ROLES if expectation[r] == OK]))
    return [(url, roles) for url, roles in found if roles]


def clients_by_role(app, world):
    clients = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, getattr(world, role))
        clients[role] = client
    return clients


class Assets:
    """Compressed sizes and foreign references of the CSS/JS files, fetched once."""

    def __init__(self, client):
        self.client = client
        self.seen = {}

    def get(self, url):
        if url not in self.seen:
            response = self.client.get(url)
            body = response.get_data()
            response.close()
            if response.status_code != 200:
                self.seen[url] = (0, [f"asset {url} answers {response.status_code}"])
            else:
                text = body.decode("utf-8", "replace")
                refs = [m.group(1) or m.group(2) for m in CSS_REFERENCE.finditer(text)]
                bad = [f"{url} refers to {ref}" for ref in refs if foreign(ref)]
                self.seen[url] = (len(gzip.compress(body, 6)), bad)
        return self.seen[url]


def check_page(url, role, html, assets):
    problems = []
    page = Page()
    page.feed(html.decode("utf-8", "replace"))
    weight = len(gzip.compress(html, 6))
    for asset in dict.fromkeys(page.assets):
        if foreign(asset):
            continue  # reported below as a foreign reference
        size, bad = assets.get(urlsplit(asset).path)
        weight += size
        problems += bad
    if weight > MAX_COMPRESSED:
        problems.append(f"weighs {weight / 1024:.1f} KB compressed (HTML + CSS + JS)")
    problems += [f"{where} loads from another host: {ref}" for where, ref in page.references
                 if foreign(ref)]
    problems += [f"{what} (blocked by the Content-Security-Policy)" for what in page.inline]
    return [f"{url} as {role}: {problem}" for problem in problems]


def test_every_page_is_light_and_loads_nothing_from_another_host(app, factory):
    world = factory.world()
    clients = clients_by_role(app, world)
    assets = Assets(app.test_client())
    problems, checked = [], set()
    for url, roles in page_urls(app, world):
        for role in roles:
            response = clients[role].get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue  # redirects, downloads (CSV, PDF, images) are not pages
            checked.add(url)
            problems += check_page(url, role, response.get_data(), assets)
    assert len(checked) >= 10, f"too few pages found to check: {sorted(checked)}"
    assert problems == [], "\n".join(sorted(set(problems)))


def test_the_checks_catch_heavy_pages_and_foreign_hosts(app, db):
    """The checks themselves: a foreign stylesheet, a protocol-relative image, a
    foreign form target, an inline script, and a page too heavy to send."""
    assets = Assets(app.test_client())
    html = (b'<link rel="stylesheet" href="https://cdn.example.com/x.css">'
            b'<img src="//img.example.com/a.png"><form action="http://evil.example/">'
            b'<script>alert(1)</script><p style="color:red">x</p>'
            b'<a href="https://www.openstreetmap.org/">map</a>'
            b'<img src="http://localhost/static/ok.png"><img src="data:image/png;base64,AA">')
    problems = check_page("/x", "resident", html, assets)
    assert any("cdn.example.com" in p for p in problems)
    assert any("img.example.com" in p for p in problems)
    assert any("evil.example" in p for p in problems)
    assert any("inline <script>" in p for p in problems)
    assert any("style attribute" in p for p in problems)
    assert not any("openstreetmap" in p or "localhost" in p or "data:" in p for p in problems)
    import os
    heavy = os.urandom(45 * 1024).hex().encode()  # random text hardly compresses
    assert any("KB compressed" in p for p in check_page("/y", "resident", heavy, assets))

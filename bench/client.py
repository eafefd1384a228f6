"""A small HTTP client that behaves like one resident's browser: its own
cookies (the session, the remember-me cookie), its own address (sent as
X-Forwarded-For, as the production reverse proxy does), the forms' CSRF
tokens read from the pages it loaded.  The standard library's http.client,
one connection per request (gunicorn's sync workers close each one)."""
import html
import http.client
import re
import time
import urllib.parse
import uuid

USER_AGENT = "Mozilla/5.0 (Linux; Android 13) ResidentVoiceBench/1.0"
PASSWORD = "demo1234"
TIMEOUT = 60


class Response:
    __slots__ = ("body", "elapsed", "error", "headers", "started", "status")

    def __init__(self, status, headers, body, elapsed, started, error=None):
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed
        self.started = started
        self.error = error

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def location(self):
        for name, value in self.headers:
            if name.lower() == "location":
                return urllib.parse.urlsplit(value)._replace(scheme="", netloc="").geturl()
        return None


class Browser:
    """One person's browser against one server."""

    def __init__(self, port, address, phone=None, role=None):
        self.port = port
        self.address = address
        self.phone = phone
        self.role = role
        self.cookies = {}
        self.data = {}          # what the benchmark knows about this person (ids)

    def _cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _remember(self, headers):
        for name, value in headers:
            if name.lower() != "set-cookie":
                continue
            pair, _, attrs = value.partition(";")
            key, _, val = pair.strip().partition("=")
            attrs = attrs.lower()
            if (not val or "max-age=0" in attrs or "expires=thu, 01 jan 1970" in attrs):
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = val

    def request(self, method, path, form=None, record=None, label=None, scheduled=None,
                multipart=False):
        """One request; ``form`` (a dict or list of pairs) is sent urlencoded,
        or as multipart/form-data (as a form with a file field is).
        ``record(label, method, response)`` is called with the result; a
        connection error or timeout is a response with status 0."""
        headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": self.address,
                   "X-Forwarded-Proto": "https", "Accept": "text/html",
                   "Accept-Language": "zh-CN,zh;q=0.9", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = self._cookie_header()
        body = None
        if form is not None:
            if multipart:
                body, headers["Content-Type"] = _multipart(form, multipart)
            else:
                body = urllib.parse.urlencode(form).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
            response = Response(raw.status, raw.getheaders(), data,
                                time.perf_counter() - started, started)
            conn.close()
        except (OSError, http.client.HTTPException) as error:
            response = Response(0, [], b"", time.perf_counter() - started, started,
                                error=f"{type(error).__name__}: {error}")
        if scheduled is not None:      # open loop: latency from when it was due
            response.elapsed = time.perf_counter() - scheduled
        self._remember(response.headers)
        if record is not None:
            record(label or path, method, response)
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, form, **kw):
        return self.request("POST", path, form=form, **kw)

    def login(self):
        """Sign in through the real login form (GET it, read its token, POST)."""
        page = self.get("/login")
        token = csrf_token(page.text)
        if page.status != 200 or token is None:
            raise RuntimeError(f"login page for {self.phone}: {page.status}")
        answer = self.post("/login", {"csrf_token": token, "phone": self.phone,
                                      "password": PASSWORD})
        if answer.status != 302:
            raise RuntimeError(f"login of {self.phone} answered {answer.status}")
        # The welcome message waits in the session: the first page shows it.
        self.get(answer.location or "/")
        return self


def _multipart(form, files):
    """``files``: the names of the form's file fields, sent empty."""
    boundary = "----rvbench" + uuid.uuid4().hex
    items = form.items() if isinstance(form, dict) else form
    parts = []
    for name, value in items:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                     f'\r\n\r\n{value}\r\n')
    for name in files if isinstance(files, (list, tuple)) else ():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n')
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------- reading pages

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL | re.IGNORECASE)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
_INPUT = re.compile(r"<input\b([^>]*)>", re.IGNORECASE)
_SELECT = re.compile(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.DOTALL | re.IGNORECASE)
_OPTION = re.compile(r'<option\b[^>]*value="([^"]*)"', re.IGNORECASE)


def csrf_token(page):
    found = _CSRF.search(page)
    return html.unescape(found.group(1)) if found else None


def forms(page):
    """[(action, {name: value} of its inputs, {select name: [option values]})]."""
    found = []
    for attrs, inner in _FORM.findall(page):
        action = html.unescape(dict(_ATTR.findall(attrs)).get("action", ""))
        fields = {}
        for input_attrs in _INPUT.findall(inner):
            a = dict(_ATTR.findall(input_attrs))
            if "name" in a and a.get("type") not in ("submit", "file", "checkbox", "radio"):
                fields[a["name"]] = html.unescape(a.get("value", ""))
        selects = {name: [html.unescape(v) for v in _OPTION.findall(body) if v]
                   for name, body in _SELECT.findall(inner)}
        found.append((action, fields, selects))
    return found


def form_posting_to(page, pattern):
    """The first form whose action matches ``pattern`` (a regex)."""
    rx = re.compile(pattern)
    for action, fields, selects in forms(page):
        if rx.search(action):
            return action, fields, selects
    return None


def links(page, pattern):
    return [html.unescape(m) for m in re.findall(r'href="(' + pattern + r')"', page)]

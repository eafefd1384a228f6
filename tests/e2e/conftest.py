"""Browser journeys: the real app in a real server thread, driven through
Debian's Chromium by Python Playwright at phone size.

Reuse these fixtures for a new journey (one per role is the plan):

``live``      (session) the running site: ``live.url("/login")`` is an absolute
              address; ``live.app`` is its Flask app; ``with live.session() as s:``
              gives a SQLAlchemy session on its database (committed on exit) to
              create what the journey needs with the services, e.g. invitations.
              The database is its own SQLite file built with ``db.create_all()``
              and loaded with the ``flask demo`` data at scale 1, so the demo
              accounts of the README work (``DEMO_PASSWORD``).
``browser``   (session) Chromium.  Missing Chromium or Playwright *fails* the run
              under ``CI=true`` and skips elsewhere, with the reason.
``page``      (per test) a fresh browser context — 390×844, touch, mobile,
              Chinese — so every test starts logged out with no cookies.
``new_page``  a factory for more contexts in one test (two people at once):
              ``other = new_page(width=360)``.
``shoot``     ``shoot(page, "name")`` saves ``test-artifacts/<name>.png`` (full page,
              once the page has loaded; see ``SCREENSHOT_TIMEOUT``).
``login``     ``login(page, phone)`` logs in through the form.
``submit``    ``submit(page, "main button[type=submit]")`` clicks and waits for the
              page it leads to (use it for every click that loads a page).
``a11y``      ``a11y(page)`` runs axe-core and returns the serious and critical
              violations (an empty list is the goal).
``layout_problems``  ``layout_problems(page)``: horizontal scrolling and tap
              targets smaller than 44×44 px in the main content.

Waiting: the journeys run on loaded machines (two cores shared with other test
runs), where a page load or a full-page screenshot can take many seconds.  Wait
for what matters — ``submit``/``click_and_wait`` for a page a click loads,
``locator.wait_for()`` or Playwright's ``expect`` for something that appears
without one — never a fixed sleep.  The limits below bound a step that hangs;
they are not the app's speed (the query-count tests and ``make bench`` hold
that).

Mark each journey module ``pytestmark = pytest.mark.browser``: browser tests
run in the SQLite pass and are skipped in the PostgreSQL pass.  A journey in
another folder imports what it uses (``from tests.e2e.conftest import live,
browser, new_page, login, shoot  # noqa: F401``); every importer shares the
same server and the same Chromium (see ``Shared``).
"""
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from residentvoice.config import ROOT

from .. import databases

CHROMIUM = os.environ.get("RV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = "demo1234"
PHONE = {"width": 390, "height": 844}
# Limits for one browser step on a loaded machine (see the module doc), in ms.
ACTION_TIMEOUT = 60_000        # a click, a fill, waiting for an element
NAVIGATION_TIMEOUT = 60_000    # a page load (goto, a click's navigation)
# A full-page screenshot at 2× of a long page (the invitation letters: a page
# per household) is Chromium's heaviest step; it alone gets longer.
SCREENSHOT_TIMEOUT = 120_000


def _unavailable(reason):
    if databases.on_ci():
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


class LiveServer:
    def __init__(self, app, server, thread):
        self.app = app
        self.server = server
        self.thread = thread
        self.base = f"http://127.0.0.1:{server.server_port}"

    def url(self, path="/"):
        return self.base + path

    @contextmanager
    def session(self):
        from residentvoice.extensions import db
        with self.app.app_context():
            try:
                yield db.session
                db.session.commit()
            finally:
                db.session.remove()


class Shared:
    """One live server and one Chromium for the whole run, however many test
    modules import these fixtures (``from tests.e2e.conftest import live, …``
    makes a separate session fixture per module; they all share this)."""
    resources = {}
    users = {}

    @classmethod
    @contextmanager
    def use(cls, name, start, stop):
        if name not in cls.resources:
            cls.resources[name] = start()
            cls.users[name] = 0
        cls.users[name] += 1
        try:
            yield cls.resources[name]
        finally:
            cls.users[name] -= 1
            if cls.users[name] == 0:
                stop(cls.resources.pop(name))


def _start_live(folder):
    from werkzeug.serving import make_server

    from residentvoice import create_app
    from residentvoice.extensions import db

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
        "SECRET_KEY": "browser-tests",
        "WTF_CSRF_ENABLED": True,
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "LOGIN_LIMIT_IP": "10000 per minute",
        "LOGIN_LIMIT_PHONE": "10000 per minute",
        "REGISTER_LIMIT_IP": "10000 per minute",
    })
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["demo", "--scale", "1"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    return LiveServer(app, server, thread)


def _stop_live(live):
    from residentvoice.extensions import db
    live.server.shutdown()
    live.thread.join(timeout=10)
    with live.app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    with Shared.use("live", lambda: _start_live(tmp_path_factory.mktemp("live")),
                    _stop_live) as server:
        yield server


def _start_browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _unavailable(f"Playwright is not installed ({error})")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - report any launch failure the same way
        playwright.stop()
        _unavailable(f"Chromium did not start: {error}")
    return playwright, chromium


def _stop_browser(started):
    playwright, chromium = started
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def browser():
    with Shared.use("browser", _start_browser, _stop_browser) as (_playwright, chromium):
        yield chromium


@pytest.fixture
def new_page(browser, live):
    contexts = []

    def make(width=PHONE["width"], height=PHONE["height"], locale="zh-CN"):
        context = browser.new_context(
            viewport={"width": width, "height": height}, has_touch=True, is_mobile=True,
            device_scale_factor=2, locale=locale, base_url=live.base)
        context.set_default_timeout(ACTION_TIMEOUT)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def screenshot(page, path):
    """The whole page as it is once loaded (images and fonts included)."""
    page.wait_for_load_state("load")
    page.screenshot(path=str(path), full_page=True, animations="disabled",
                    timeout=SCREENSHOT_TIMEOUT)
    return path


@pytest.fixture
def shoot():
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name):
        return screenshot(page, ARTIFACTS / f"{name}.png")
    return save


def click_and_wait(page, selector):
    """Click what loads a new page and wait until that page has loaded."""
    with page.expect_navigation(wait_until="load"):
        page.locator(selector).first.click()


@pytest.fixture
def submit():
    return click_and_wait


@pytest.fixture
def login():
    def log_in(page, phone, password=DEMO_PASSWORD):
        page.goto("/login")
        page.fill("input[name=phone]", phone)
        page.fill("input[name=password]", password)
        click_and_wait(page, "main button[type=submit]")
        assert "/login" not in page.url, f"login as {phone} failed"
    return log_in


@pytest.fixture(scope="session")
def axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError as error:
        _unavailable(f"axe-playwright-python is not installed ({error})")
    return Axe()


@pytest.fixture
def a11y(axe):
    def serious(page):
        results = axe.run(page)
        return [f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(n["target"][0] for n in v["nodes"][:5])
                for v in results.response["violations"]
                if v["impact"] in ("serious", "critical")]
    return serious


# Tap targets: every link, button and form control in <main>.  A radio button or
# checkbox is tapped through its label, so the label is measured instead.
TAP_TARGETS_JS = """
() => {
  const small = [];
  const seen = new Set();
  for (const el of document.querySelectorAll(
      'main a[href], main button, main select, main summary, main input:not([type=hidden])')) {
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) target = el.closest('label') || el;
    if (seen.has(target)) continue;
    seen.add(target);
    const box = target.getBoundingClientRect();
    const style = getComputedStyle(target);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (box.width < 44 || box.height < 44) {
      const label = (target.innerText || target.value || '').trim().slice(0, 30);
      small.push(`${target.tagName.toLowerCase()} "${label}" ` +
                 `${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}
"""

OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && getComputedStyle(el).position !== 'fixed') {
      wide.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(box.right)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}
"""


@pytest.fixture
def layout_problems():
    def problems(page):
        found = []
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow["scroll"] > overflow["width"]:
            found.append(f"scrolls sideways: {overflow['scroll']} > {overflow['width']} px "
                         f"({', '.join(overflow['wide'])})")
        found += [f"tap target too small: {t}" for t in page.evaluate(TAP_TARGETS_JS)]
        return found
    return problems


# ---- journeys (tests/e2e/test_journey_*.py) ---------------------------------

JOURNEYS = ARTIFACTS / "journeys"
LAPTOP = {"width": 1024, "height": 768}
FORMS_JS = "() => [...document.querySelectorAll('main form')].map(f => f.action).join(' ')"


class Journey:
    """One role's journey in one language.  ``person()`` opens a browser for
    someone (the journey's language: English through the ``rv_lang`` cookie,
    which applies while the account has no language of its own); ``goto`` and
    ``submit`` load a page and run axe on it (once per address and set of
    forms); ``shot(page,
    "what")`` saves ``test-artifacts/journeys/<role>-<lang>-NN-<what>.png``.
    ``done()`` fails with every serious or critical violation found on the way."""

    def __init__(self, role, lang, new_page, live, a11y):
        self.role, self.lang = role, lang
        self._new_page, self._live, self._a11y = new_page, live, a11y
        self.count = 0
        self.checked = set()
        self.problems = {}

    def t(self, zh, en):
        """The text the page shows in this journey's language."""
        return en if self.lang == "en" else zh

    def person(self, phone=None, password=DEMO_PASSWORD, **size):
        page = self._new_page(**size)
        if self.lang == "en":
            page.context.add_cookies([{"name": "rv_lang", "value": "en",
                                       "url": self._live.base}])
        page.on("dialog", lambda dialog: dialog.accept())
        if phone:
            page.goto("/login")
            page.fill("input[name=phone]", phone)
            page.fill("input[name=password]", password)
            click_and_wait(page, "main button[type=submit]")
            assert "/login" not in page.url, f"login as {phone} failed"
        return page

    def check(self, page):
        """axe on this page in this state: a page is checked again when the forms
        it offers change (a ticket once resolved offers the confirmation form)."""
        address = page.url.replace(self._live.base, "").split("?")[0].split("#")[0]
        state = (address, page.evaluate(FORMS_JS))
        if state in self.checked:
            return
        self.checked.add(state)
        found = self._a11y(page)
        if found:
            self.problems[address] = found

    def goto(self, page, path, shot=None):
        page.goto(path)
        self.check(page)
        if shot:
            self.shot(page, shot)
        return page

    def submit(self, page, selector, shot=None):
        click_and_wait(page, selector)
        self.check(page)
        if shot:
            self.shot(page, shot)
        return page

    def shot(self, page, what):
        JOURNEYS.mkdir(parents=True, exist_ok=True)
        self.count += 1
        return screenshot(page, JOURNEYS / f"{self.role}-{self.lang}-{self.count:02d}-{what}.png")

    def main_text(self, page):
        return page.locator("main").inner_text()

    def done(self):
        assert self.problems == {}, "serious or critical axe violations: " + repr(self.problems)


@pytest.fixture
def journey(new_page, live, a11y):
    """``journey(role, lang)`` — see ``Journey``."""
    return lambda role, lang: Journey(role, lang, new_page, live, a11y)

"""i18n (issue 2): complete zh_Hans and en catalogues, compiled, up to date with
the code, placeholders intact, and no English left on a Chinese page."""
import re
import subprocess
import sys
from html import unescape

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

from residentvoice.config import ROOT

TRANSLATIONS = ROOT / "translations"
LOCALES = ("zh_Hans", "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def catalogue(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=locale)


def strings(message):
    return list(message.string) if isinstance(message.string, (list, tuple)) \
        else [message.string]


def ids(message):
    return list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The message ids in the code today (same extraction as ``flask translate``)."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "_l", "-k", "N_", "-k", "lazy_gettext",
                    "--no-location", "--omit-header",
                    "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as fh:
        return [m for m in read_po(fh) if m.id]


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(locale):
    cat = catalogue(locale)
    untranslated = [m.id for m in cat if m.id and not all(strings(m))]
    fuzzy = [m.id for m in cat if m.id and "fuzzy" in m.flags]
    assert untranslated == [], f"{len(untranslated)} untranslated in {locale}: " \
        f"{untranslated[:20]} (write a JSON file and run flask translate fill)"
    assert fuzzy == [], f"fuzzy in {locale}: {fuzzy[:20]}"


def test_login_prompt_is_in_chinese_for_a_visitor_scanning_a_qr(client):
    """Flask-Login's prompt (a lazy_gettext, which extraction once missed) greets
    everyone who scans a meeting's check-in QR before signing in."""
    response = client.get("/account", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Please log in to see this page." not in text
    assert "请先登录" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_covers_every_message_in_the_code(locale, extracted):
    """Catches a string someone added without running ``flask translate fill``."""
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(locale) if m.id}
    missing = sorted({ids(m)[0] for m in extracted} - known)
    assert missing == [], f"{len(missing)} message ids not in the {locale} catalogue: " \
        f"{missing[:20]} (run flask translate fill)"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_every_placeholder(locale):
    """A translation that drops or renames ``%(name)s`` raises at render time."""
    broken = []
    for m in catalogue(locale):
        if not m.id:
            continue
        wanted = set(PLACEHOLDER.findall(ids(m)[-1]))
        for text in strings(m):
            if text and set(PLACEHOLDER.findall(text)) - set().union(
                    *(PLACEHOLDER.findall(i) for i in ids(m))):
                broken.append(m.id)
            if text and not isinstance(m.id, tuple) and set(PLACEHOLDER.findall(text)) != wanted:
                broken.append(m.id)
    assert broken == []


@pytest.mark.parametrize("locale", LOCALES)
def test_babel_finds_no_error_in_the_catalogue(locale):
    """Babel's own checks, as ``pybabel compile`` reports them: a translated
    plural may use only the %(name)s fields its singular English has."""
    assert [(m.id, [str(e) for e in errors]) for m, errors in catalogue(locale).check()] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogues_match_the_po_files(locale):
    mo = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo"
    assert mo.exists(), "run flask translate compile (make does it)"
    compiled = Translations.load(str(TRANSLATIONS), [locale])
    stale = [m.id for m in catalogue(locale) if isinstance(m.id, str) and m.id and m.string
             and "fuzzy" not in m.flags and compiled.gettext(m.id) != m.string]
    assert stale == [], f"{locale} .mo is older than its .po: {stale[:10]}"


PROPER_NOUNS = {"English", "OpenAPI", "Open311", "CSV", "XLSX", "JSON", "API", "SLA", "QR",
                "PDF", "ResidentVoice", "WeChat"}


def test_the_chinese_catalogue_is_really_chinese():
    """An entry whose 'translation' is its English id copied over is untranslated
    (placeholders and proper nouns such as Open311 aside)."""
    copied = []
    for m in catalogue("zh_Hans"):
        if not isinstance(m.id, str) or not m.id or m.string != m.id:
            continue
        text = PLACEHOLDER.sub(" ", m.id)
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9]{2,}", text)) - PROPER_NOUNS
        if words:
            copied.append(m.id)
    assert copied == [], f"zh_Hans entries left in English: {copied[:20]}"


# ---- rendered pages ---------------------------------------------------------------------

ALLOWED_LATIN = {"English"}  # the language switch names the other language in itself


def visible_text(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    attributes = re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', html)
    text = re.sub(r"<[^>]+>", " ", html)
    return unescape(" ".join([text, *attributes]))


def english_words(html, data=()):
    text = visible_text(html)
    for value in data:
        text = text.replace(value, " ")
    return sorted({w for w in re.findall(r"[A-Za-z]{3,}", text)} - ALLOWED_LATIN)


def test_pages_for_visitors_have_no_english_left_in_chinese(client, db):
    for url in ("/", "/login", "/register", "/reset", "/no-such-page"):
        response = client.get(url)
        assert english_words(response.get_data(as_text=True)) == [], url


def test_pages_for_a_resident_have_no_english_left_in_chinese(client, auth, factory):
    w = factory.world()
    auth.login(w.resident)
    data = [w.household_a.code, w.compound_a.code, w.resident.phone]
    for url in ("/", "/account", "/account/password", "/account/households",
                "/notifications/"):
        response = client.get(url)
        assert english_words(response.get_data(as_text=True), data) == [], url


def test_english_pages_are_english(client, db):
    client.set_cookie("rv_lang", "en")
    text = visible_text(client.get("/login").get_data(as_text=True))
    assert not re.search(r"[\u4e00-\u9fff]", text.replace("中文", ""))

"""Locale selection and the ``flask translate`` commands (STYLE §11).

Message ids are English; ``zh_Hans`` is the default locale.  The ``en``
catalogue's entries equal their ids, filled in by ``flask translate update``.
"""
import fcntl
import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app, g, request
from flask_login import current_user

from .config import ROOT

LOCALE_COOKIE = "rv_lang"
TEXT_COOKIE = "rv_large"
TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"


def N_(message):
    """Mark a message for extraction without translating it now (stored msgids)."""
    return message


def select_locale():
    languages = current_app.config["LANGUAGES"]
    override = g.get("locale_override")
    if override in languages:
        return override
    api_user = g.get("api_user")  # a bearer token's user (the API has no session)
    if api_user is not None and api_user.locale in languages:
        return api_user.locale
    user = _signed_in()
    if user is not None and user.locale in languages:
        return user.locale
    cookie = request.cookies.get(LOCALE_COOKIE) if request else None
    if cookie in languages:
        return cookie
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _signed_in():
    """The signed-in user (looked up once, not through the proxy on every
    read), or None."""
    user = current_user._get_current_object()
    return user if user and getattr(user, "is_authenticated", False) else None


def large_text_enabled():
    user = _signed_in()
    if user is not None:
        return bool(user.large_text)
    return request.cookies.get(TEXT_COOKIE) == "1"


# ---- catalogue maintenance -------------------------------------------------

def _pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)


@contextmanager
def catalogue_lock():
    """Several people (and helper sessions) edit the catalogues: take turns."""
    TRANSLATIONS.mkdir(exist_ok=True)
    with open(TRANSLATIONS / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def extract():
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_", "-k", "lazy_gettext",
             "-k", "lazy_ngettext:1,2",
             "--no-location",
             "--sort-output", "--omit-header", "-o", str(POT), ".")


def update():
    from babel.messages.pofile import read_po
    for locale in current_app.config["LANGUAGES"]:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            _pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale)
        _pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", locale,
                 "--no-fuzzy-matching", "--ignore-obsolete")
        if locale == "en":
            with open(po, "rb") as fh:
                catalog = read_po(fh, locale="en")
            for message in catalog:
                if message.id and not _translated(message):
                    message.string = message.id
            with open(po, "wb") as fh:
                _write(fh, catalog)


def _write(fh, catalog):
    from babel.messages.pofile import write_po
    catalog.fuzzy = False
    catalog.project = "ResidentVoice"
    write_po(fh, catalog, sort_output=True, no_location=True, width=100)


def _translated(message):
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def fill(locale, mapping):
    """Set translations from ``{msgid: text}`` (plural ids: ``{msgid: [text]}``)."""
    from babel.messages.pofile import read_po
    po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=locale)
    unknown = []
    for msgid, text in mapping.items():
        message = catalog.get(msgid)
        if message is None:
            # plural entries are keyed by their (singular, plural) tuple
            message = next((m for m in catalog if isinstance(m.id, tuple)
                            and m.id[0] == msgid), None)
        if message is None:
            unknown.append(msgid)
            continue
        if isinstance(message.id, tuple):
            texts = text if isinstance(text, list) else [text]
            message.string = tuple(texts[: max(1, catalog.num_plurals)]) \
                if catalog.num_plurals > 1 else (texts[0],)
        else:
            message.string = text
        message.flags.discard("fuzzy")
    with open(po, "wb") as fh:
        _write(fh, catalog)
    return unknown


def missing(locale):
    """Message ids with no translation (or marked fuzzy) in ``locale``."""
    from babel.messages.pofile import read_po
    po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=locale)
    return [m.id for m in catalog if m.id and (not _translated(m) or "fuzzy" in m.flags)]


def compile_catalogues():
    _pybabel("compile", "-d", str(TRANSLATIONS), "--statistics")


def register_commands(app):
    @app.cli.group()
    def translate():
        """Maintain the zh_Hans and en catalogues (wraps pybabel)."""

    @translate.command("extract")
    def extract_cmd():
        """Extract messages into translations/messages.pot."""
        with catalogue_lock():
            extract()

    @translate.command("update")
    def update_cmd():
        """Extract, then merge into both catalogues (en filled from the ids)."""
        with catalogue_lock():
            extract()
            update()
        for locale in app.config["LANGUAGES"]:
            left = missing(locale)
            click.echo(f"{locale}: {len(left)} untranslated")

    @translate.command("fill")
    @click.argument("json_file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--locale", default="zh_Hans")
    def fill_cmd(json_file, locale):
        """Extract, update, and set translations from a JSON object {msgid: text}."""
        mapping = json.loads(Path(json_file).read_text(encoding="utf-8"))
        with catalogue_lock():
            extract()
            update()
            unknown = fill(locale, mapping)
            compile_catalogues()
        for msgid in unknown:
            click.echo(f"not in the catalogue (no longer used?): {msgid!r}")
        left = missing(locale)
        click.echo(f"{locale}: {len(left)} untranslated")
        for msgid in left:
            click.echo(f"  {msgid!r}")

    @translate.command("missing")
    @click.option("--locale", default="zh_Hans")
    def missing_cmd(locale):
        """List untranslated ids (after extract + update)."""
        for msgid in missing(locale):
            click.echo(json.dumps(msgid, ensure_ascii=False))

    @translate.command("compile")
    def compile_cmd():
        """Compile the catalogues into .mo files."""
        compile_catalogues()

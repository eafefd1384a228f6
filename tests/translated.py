"""Look up what a page should say: the compiled catalogues' translation of a
message id, HTML-escaped as Jinja would print it.

``zh("Log in")`` fails the test when the id has no Chinese translation, so an
assertion that a page shows ``zh(...)`` proves both that the message is shown
and that it is translated."""
from babel.support import Translations
from markupsafe import escape

from residentvoice.config import ROOT

_CATALOGUES = {}


def catalogue(locale):
    if locale not in _CATALOGUES:
        _CATALOGUES[locale] = Translations.load(str(ROOT / "translations"), [locale])
    return _CATALOGUES[locale]


def zh(msgid, **params):
    text = catalogue("zh_Hans").gettext(msgid)
    assert text != msgid, f"no Chinese translation for {msgid!r}"
    return text % params if params else text


def en(msgid, **params):
    return msgid % params if params else msgid


def html(text):
    """``text`` as it appears in a rendered page."""
    return str(escape(text))


def page(response):
    return response.get_data(as_text=True)


def shows(response, text):
    """True when the rendered page contains ``text`` (escaped)."""
    return html(text) in page(response)

"""Elder mode (长辈版, issue 18 §1): the MIIT 2021 age-friendly design specs
(《互联网网站适老化通用设计规范》, 《移动互联网应用（App）适老化通用设计规范》) on every
page a resident reaches — text of 18 px and more, line height 1.5, paragraph
spacing 1.3 × the line height, tap targets of 60 × 60 px, contrast 4.5:1, no
pop-ups.  One stylesheet (``static/css/elder.css``), loaded after every
feature's own, and one script (``static/js/elder.js``) do it; templates only
say whether it is on.

Who gets it: a signed-in user by their account's choice (``User.large_text``,
named after the 大字模式 it grew from); a visitor by the ``rv_large`` cookie,
which signing in carries over to the account.  After the first sign-in an
inline banner (never a pop-up) offers it once; the answer is kept with the
account."""
from flask import current_app, request
from flask_login import current_user

from ..i18n import TEXT_COOKIE
from . import bp
from .sections import home_section

ELDER_COOKIE = TEXT_COOKIE
ONE_YEAR = 365 * 24 * 3600


def _signed_in(user):
    return bool(user) and getattr(user, "is_authenticated", False)


def elder_mode_enabled():
    user = current_user._get_current_object()
    if _signed_in(user):
        return bool(user.large_text)
    return request.cookies.get(ELDER_COOKIE) == "1"


def visitor_asked_for_it():
    """The visitor switched elder mode on before signing in (the login page has the switch)."""
    return request.cookies.get(ELDER_COOKIE) == "1"


def offer_due(user):
    """The one-time offer shows until the user answers it or switches elder mode on."""
    return _signed_in(user) and not user.large_text and not user.elder_offer_answered


def remember_on_this_browser(response, on):
    """The cookie follows the choice, so the login page after logging out looks the same."""
    response.set_cookie(ELDER_COOKIE, "1" if on else "0", max_age=ONE_YEAR, samesite="Lax",
                        httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.app_template_global("elder_mode_on")
def elder_mode_on():
    """For macros imported without the template's context (charts draw text instead)."""
    return elder_mode_enabled()


def template_values():
    return {"elder_mode": elder_mode_enabled(),
            "elder_offer": offer_due(current_user._get_current_object())}


@home_section(1, "main/_elder.html")
def elder_way_in(user):
    """The way in, first on the home page (the offer banner stands in for it until answered)."""
    if offer_due(user) or user.large_text:
        return None
    if user.roles and not user.resident_roles():
        return None     # staff at work: the switch at the top of every page is theirs
    return {"on": False}


@home_section(900, "main/_elder.html")
def elder_way_out(user):
    """In elder mode the way back goes last: the page belongs to what the user came for."""
    return {"on": True} if user.large_text else None

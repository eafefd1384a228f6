from flask import current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access
from ..auth.models import RoleKind
from ..auth.services import set_preferences
from ..auth.services import answer_elder_offer
from ..directory.services import with_places
from ..i18n import LOCALE_COOKIE
from ..ops.health import check_database
from ..web import safe_next
from . import bp
from .elder import remember_on_this_browser, template_values
from .sections import home_section, home_sections_for, nav_item, nav_for

ONE_YEAR = 365 * 24 * 3600

nav_item(10, "main.home", _l("Home"))


@home_section(10, "main/_households.html")
def households_section(user):
    roles = user.resident_roles()
    if not roles:
        return None
    with_places([r.household for r in roles])     # the card names each flat and compound
    return {"roles": sorted(roles, key=lambda r: r.household.code)}


@home_section(5, "main/_workplaces.html")
def workplaces_section(user):
    places = [r for r in user.roles if r.kind is not RoleKind.resident]
    return {"places": places} if places else None


@bp.app_context_processor
def inject_nav():
    return {"nav_items": nav_for(current_user) if current_user else [], **template_values()}


@bp.route("/")
@access.public
def home():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    return render_template("main/home.html", sections=home_sections_for(current_user))


def _back():
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))


@bp.route("/language", methods=["POST"])
@access.public
def set_language():
    lang = request.form.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        flash(_("This language is not available."), "error")
        return _back()
    if current_user.is_authenticated:
        set_preferences(current_user, locale=lang)
    response = _back()
    response.set_cookie(LOCALE_COOKIE, lang, max_age=ONE_YEAR, samesite="Lax", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/large-text", methods=["POST"])
@access.public
def toggle_large_text():
    """Elder mode (长辈版) on or off: the account's choice, and this browser's."""
    on = request.form.get("on") == "1"
    if current_user.is_authenticated:
        set_preferences(current_user, large_text=on)
    return remember_on_this_browser(_back(), on)


@bp.route("/elder-mode/offer", methods=["POST"])
@access.login
def decline_elder_offer():
    """"No thanks" to the one-time offer of elder mode: it does not come back."""
    answer_elder_offer(current_user)
    return _back()


@bp.route("/healthz")
@access.public
def healthz():
    """For load balancers and monitoring: 200 when the database answers
    ``SELECT 1``, 503 otherwise (``residentvoice.ops.health``)."""
    ok, reason = check_database()
    if ok:
        body, status = {"status": "ok", "database": "ok"}, 200
    else:
        body, status = {"status": "error", "database": "unavailable", "error": reason}, 503
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response

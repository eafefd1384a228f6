
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..web import about_to_write, form_status, reads_first, safe_next, submitted
from ..extensions import limiter
from ..forms import normalise_phone
from ..main.elder import remember_on_this_browser, visitor_asked_for_it
from . import bp, cookies, services, sessions
from .forms import (ChangePasswordForm, ClaimHouseholdForm, LoginForm, PreferencesForm,
                    RegisterForm, ResetForm)
from .models import NotifyMode, UserSession


def phone_key():
    """The mobile number a login, token or reset request names (form or JSON):
    web login, the API's token endpoint and the reset page count on one
    counter per number (``LOGIN_SCOPE``)."""
    phone = request.form.get("phone")
    if phone is None:
        data = request.get_json(silent=True)
        phone = data.get("phone") if isinstance(data, dict) else None
    return "phone:" + ((normalise_phone(phone) if isinstance(phone, str) else "") or "-")


def account_key():
    """The signed-in account (Flask-Limiter may ask before the login check runs)."""
    return f"user:{current_user.id}" if current_user.is_authenticated else "user:-"


LOGIN_SCOPE = "login-phone"        # one per-number counter for every way in
INVITATION_SCOPE = "invitation"    # one per-address counter for every code typed


def login_limits(view):
    """The limits on guessing a password or a reset code: per client address,
    and per mobile number across the web login, the API token and reset."""
    view = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_PHONE"],
                                scope=LOGIN_SCOPE, key_func=phone_key, methods=["POST"])(view)
    return limiter.limit(lambda: current_app.config["LOGIN_LIMIT_IP"], methods=["POST"])(view)


def invitation_limits(view):
    """Invitation codes are guessed like passwords: one counter per client
    address for registering and for adding a household."""
    return limiter.shared_limit(lambda: current_app.config["REGISTER_LIMIT_IP"],
                                scope=INVITATION_SCOPE, methods=["POST"])(view)


@bp.route("/login", methods=["GET", "POST"])
@access.public
@login_limits
def login():
    reads_first()
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.phone.data, form.password.data)
        if user is None:
            form.password.errors = [_("The mobile number or the password is not correct.")]
        else:
            about_to_write()
            cookies.begin(user, remember=form.remember.data)
            if visitor_asked_for_it():
                services.adopt_visitor_elder_mode(user)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return remember_on_this_browser(
                redirect(safe_next(request.args.get("next")) or url_for("main.home")),
                user.large_text)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access.login
def logout():
    cookies.finish()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@access.public
@invitation_limits
def register():
    form = RegisterForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:20]
    compound_id = request.args.get("compound", type=int)

    def register_and_sign_in():
        user = services.register_with_code(
            form.code.data, form.phone.data, form.name.data, form.password.data,
            form.relation.data, birth_year=form.birth_year.data, compound_id=compound_id)
        cookies.begin(user)
        if visitor_asked_for_it():
            services.adopt_visitor_elder_mode(user)
        return user

    return submitted(form, register_and_sign_in,
                     done=lambda user: _("Welcome, %(name)s. You are registered for your "
                                         "household.", name=user.name),
                     to=url_for("main.home")) or (
        render_template("auth/register.html", form=form), form_status())


@bp.route("/account", methods=["GET", "POST"])
@access.login
def account():
    form = PreferencesForm(obj=None)
    if request.method == "GET":
        form.locale.data = current_user.locale or "zh_Hans"
        form.large_text.data = current_user.large_text
        form.email.data = current_user.email or ""
        form.notify_mode.data = current_user.notify_mode.name
    if form.validate_on_submit():
        services.set_preferences(current_user, locale=form.locale.data,
                                 large_text=form.large_text.data, email=form.email.data,
                                 notify_mode=NotifyMode[form.notify_mode.data])
        flash(_("Your settings are saved."), "success")
        return remember_on_this_browser(redirect(url_for("auth.account")),
                                        form.large_text.data)
    return render_template("auth/account.html", form=form,
                           sessions=sorted(sessions.live_sessions(current_user),
                                           key=lambda row: row is not current_user.session_row),
                           current_session=current_user.session_row,
                           device=sessions.device_label)


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@access.login
@access.guard(UserSession, "session_id", can_view=sessions.is_own_and_open, into="row")
def end_session(row):
    """End one signed-in browser of the user's own (a lost phone, say)."""
    sessions.end_one(current_user, row)
    if current_user.session_row is not None and current_user.session_row.id == row.id:
        cookies.finish()
        flash(_("You have logged out."), "info")
        return redirect(url_for("auth.login"))
    flash(_("That phone or computer is logged out."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/sessions/end-others", methods=["POST"])
@access.login
def end_other_sessions():
    sessions.end_all(current_user, keep=current_user.session_row)
    flash(_("Every other phone and computer is logged out, and API tokens are revoked."),
          "success")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@access.login
def change_password():
    form = ChangePasswordForm()

    def change():
        remember = current_user.session_row.remember_hash is not None
        services.change_password(current_user, form.current.data, form.password.data)
        # Every session ended with the old password; this browser starts anew.
        cookies.begin(current_user._get_current_object(), remember=remember)

    return submitted(form, change, done=_("Your password is changed."),
                     to=url_for("auth.account")) or (
        render_template("auth/password.html", form=form), form_status())


@bp.route("/account/households", methods=["GET", "POST"])
@access.login
@invitation_limits
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PHONE"], key_func=account_key,
               methods=["POST"])
def claim_household():
    form = ClaimHouseholdForm()
    return submitted(
        form, lambda: services.claim_household(current_user, form.code.data,
                                               form.relation.data),
        done=lambda household: _("Household %(code)s added.", code=household.label),
        to=url_for("main.home"),
    ) or (render_template("auth/claim.html", form=form), form_status())


@bp.route("/reset", methods=["GET", "POST"])
@access.public
@login_limits
def reset_password():
    form = ResetForm()
    return submitted(
        form, lambda: services.reset_with_code(form.phone.data, form.code.data,
                                               form.password.data),
        done=_("Your password is changed. Log in with the new one."),
        to=url_for("auth.login"),
    ) or (render_template("auth/reset.html", form=form), form_status())

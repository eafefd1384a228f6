from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import access
from ..errors_domain import DomainError
from ..extensions import limiter
from ..forms import normalise_phone, show_domain_error
from . import bp, services
from .forms import (ChangePasswordForm, ClaimHouseholdForm, LoginForm, PreferencesForm,
                    RegisterForm, ResetForm)
from .models import NotifyMode


def _phone_key():
    return "phone:" + (normalise_phone(request.form.get("phone", "")) or "-")


def _safe_next(target):
    """A path on this site, or None: never another site, including the forms
    browsers read as one (``//host``, ``/\\host``, control characters)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@access.public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PHONE"], key_func=_phone_key,
               methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.phone.data, form.password.data)
        if user is None:
            form.password.errors = [_("The mobile number or the password is not correct.")]
        else:
            login_user(user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access.login
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@access.public
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_IP"], methods=["POST"])
def register():
    form = RegisterForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"][:20]
    compound_id = request.args.get("compound", type=int)
    if form.validate_on_submit():
        try:
            user = services.register_with_code(
                form.code.data, form.phone.data, form.name.data, form.password.data,
                form.relation.data, birth_year=form.birth_year.data,
                compound_id=compound_id)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            login_user(user)
            flash(_("Welcome, %(name)s. You are registered for your household.",
                    name=user.name), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form)


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
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@access.login
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your password is changed."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/households", methods=["GET", "POST"])
@access.login
def claim_household():
    form = ClaimHouseholdForm()
    if form.validate_on_submit():
        try:
            household = services.claim_household(current_user, form.code.data,
                                                 form.relation.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Household %(code)s added.", code=household.code), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/claim.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@access.public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_IP"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PHONE"], key_func=_phone_key,
               methods=["POST"])
def reset_password():
    form = ResetForm()
    if form.validate_on_submit():
        try:
            services.reset_with_code(form.phone.data, form.code.data, form.password.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)

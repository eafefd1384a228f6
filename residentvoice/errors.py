"""Error pages: HTML for pages, JSON ``{"error": {"code", "message"}}`` for the API.
Open311 answers its own error list (see ``api.open311``)."""
from flask import g, jsonify, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager
from .i18n import LOCALE_COOKIE
from .ops.health import database_unavailable, number_out_of_range

MESSAGES = {
    400: lambda: _("The request could not be understood. Please check what you entered."),
    401: lambda: _("Please log in first."),
    403: lambda: _("You do not have permission to do this."),
    404: lambda: _("This page does not exist, or you may not see it."),
    405: lambda: _("This action is not allowed here."),
    409: lambda: _("This conflicts with the current state of the record."),
    413: lambda: _("The file is too large."),
    422: lambda: _("Some of the data is not valid."),
    429: lambda: _("Too many attempts. Please wait a minute and try again."),
    500: lambda: _("Something went wrong on our side. Nothing was saved; please try again."),
    503: lambda: _("The service is temporarily unavailable. Nothing was saved; "
                   "please try again in a minute."),
}

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large",
         422: "invalid", 429: "rate_limited", 500: "server_error", 503: "unavailable"}


def wants_json():
    return request.path.startswith("/api/")


def error_response(status, message=None, code=None, field=None):
    message = message or MESSAGES.get(status, MESSAGES[500])()
    if wants_json():
        error = {"code": code or CODES.get(status, "error"), "message": message}
        if field:
            error["field"] = field
        return jsonify(error=error), status
    return render_template("errors/error.html", status=status, message=message), status


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        db.session.rollback()
        return error_response(400, _("The form expired or was sent from elsewhere. "
                                     "Please go back, reload the page and try again."),
                              "csrf")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        db.session.rollback()
        status = exc.code or 500
        message = None
        description = getattr(exc, "rv_message", None)
        if description:
            message = description
        response = error_response(status, message, getattr(exc, "rv_code", None),
                                  getattr(exc, "rv_field", None))
        if status == 405 and exc.valid_methods:
            body, status = response
            response = make_response(body, status)
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    @app.errorhandler(OverflowError)
    def database_error(exc):
        if database_unavailable(exc):
            return database_unavailable_response(app, exc)
        if number_out_of_range(exc):
            return number_out_of_range_response(exc)
        return unexpected_error(exc)

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise exc
        return error_response(500)

    @app.errorhandler(InternalServerError)
    def internal_error(exc):
        """Explicit 500s, and errors outside the view (e.g. the commit in
        ``finish_unit_of_work``) that Flask wraps as InternalServerError."""
        if database_unavailable(exc.original_exception):
            return database_unavailable_response(app, exc.original_exception)
        if number_out_of_range(exc.original_exception):
            return number_out_of_range_response(exc.original_exception)
        return error_response(500)


def database_unavailable_response(app, exc):
    """503 while the database cannot be reached: nothing was saved, try again.
    Nothing on this path may need the database (the session user, the menu,
    the user's language); the pool recovers by itself when it returns."""
    _forget_database_state(app)
    app.logger.error("Database unavailable on %s: %s", request.path, exc)
    message = MESSAGES[503]()
    if request.path.startswith("/open311/"):
        body = [{"code": 503, "description": message}]
        if request.path.endswith(".xml"):
            response = make_response(_open311_xml(body), 503)
            response.mimetype = "text/xml"
        else:
            response = make_response(jsonify(body), 503)
    elif wants_json():
        response = make_response(jsonify(error={"code": CODES[503], "message": message}), 503)
    else:
        response = make_response(_unavailable_page(app, message), 503)
    response.headers["Retry-After"] = "60"
    response.headers["Cache-Control"] = "no-store"
    return response


def number_out_of_range_response(exc):
    """A number no database column can hold (an id of 10**20, say) is bad
    input: 422 in the API, 400 on a page; nothing is saved."""
    db.session.rollback()
    message = _("A number in the request is too large.")
    return error_response(422 if wants_json() else 400, message, "out_of_range")


def _forget_database_state(app):
    """Roll back, act as an anonymous visitor and take the language from the
    cookie, so translating the message does not try to load the user again."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; nothing to undo
        pass
    g._login_user = login_manager.anonymous_user()
    cookie = request.cookies.get(LOCALE_COOKIE)
    languages = app.config["LANGUAGES"]
    g.locale_override = cookie if cookie in languages else app.config["BABEL_DEFAULT_LOCALE"]


def _unavailable_page(app, message):
    """Rendered straight from the Jinja environment: the context processors
    (current user, menu, unread count) would query the missing database."""
    locale = str(get_locale() or g.locale_override)
    template = app.jinja_env.get_template("errors/unavailable.html")
    return template.render(message=message, here=request.full_path.rstrip("?"),
                           html_lang="zh-Hans" if locale.startswith("zh") else locale)


def _open311_xml(errors):
    from xml.sax.saxutils import escape
    items = "".join(f"<error><code>{e['code']}</code><description>{escape(e['description'])}"
                    f"</description></error>" for e in errors)
    return f'<?xml version="1.0" encoding="utf-8"?><errors>{items}</errors>'


def abort_with(status, message, code=None):
    """Abort with a message shown to the user (and the API code if given)."""
    from werkzeug.exceptions import default_exceptions
    exc = default_exceptions[status]()
    exc.rv_message = message
    exc.rv_code = code
    raise exc

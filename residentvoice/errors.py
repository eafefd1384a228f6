"""Error pages: HTML for pages, JSON ``{"error": {"code", "message"}}`` for the API.
Open311 answers its own error list (see ``api.open311``)."""
from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

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
}

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large",
         422: "invalid", 429: "rate_limited", 500: "server_error"}


def wants_json():
    return request.path.startswith("/api/")


def error_response(status, message=None, code=None):
    message = message or MESSAGES.get(status, MESSAGES[500])()
    if wants_json():
        return jsonify(error={"code": code or CODES.get(status, "error"),
                              "message": message}), status
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
        response = error_response(status, message, getattr(exc, "rv_code", None))
        if status == 405 and exc.valid_methods:
            body, status = response
            response = make_response(body, status)
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        if app.testing and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise exc
        return error_response(500)

    # InternalServerError raised explicitly goes through the same page.
    app.register_error_handler(InternalServerError, lambda exc: error_response(500))


def abort_with(status, message, code=None):
    """Abort with a message shown to the user (and the API code if given)."""
    from werkzeug.exceptions import default_exceptions
    exc = default_exceptions[status]()
    exc.rv_message = message
    exc.rv_code = code
    raise exc

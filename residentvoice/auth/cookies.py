"""The request side of ``auth.sessions``: Flask-Login's loaders (its public
``user_loader`` and ``request_loader`` hooks) and the remember-me cookie."""
from flask import current_app, g, request
from flask_login import login_user

from .. import web
from ..extensions import login_manager
from . import sessions


def install(app):
    login_manager.user_loader(_load)
    login_manager.request_loader(_restore_remembered)
    app.after_request(_write_remember_cookie)


def _load(sid):
    """The signed-in user.  A session not marked seen for a while is marked
    now: a write, so the request's transaction starts again for writing
    (``web.about_to_write``) and the session is read again before it."""
    user = sessions.load(sid)
    if user is not None and sessions.needs_touch(user.session_row):
        web.about_to_write()
        user = sessions.load(sid)
        if user is not None:
            sessions.touch(user.session_row)
    return user


def begin(user, *, remember=False):
    """Sign ``user`` in on this browser: a new session row and cookie."""
    value = sessions.start(user, remember=remember,
                           user_agent=request.headers.get("User-Agent"),
                           ip=request.remote_addr)
    login_user(user)
    g.remember_cookie = value if remember else ""


def finish():
    """This browser signs out: its row ends and the remember cookie goes."""
    from flask_login import current_user, logout_user
    if current_user.is_authenticated:
        sessions.end(current_user.session_row)
    logout_user()
    g.remember_cookie = ""


def _restore_remembered(req):
    cookie = req.cookies.get(sessions.REMEMBER_COOKIE)
    if not cookie or req.blueprint == "api":
        return None
    web.about_to_write()        # the cookie is renewed, or its session ended
    user, renewed = sessions.restore(cookie)
    if user is None:
        g.remember_cookie = ""
        return None
    if renewed:
        login_user(user)
        g.remember_cookie = renewed
    return user


def _write_remember_cookie(response):
    # Flask-Login's own remember cookie (an earlier version set it: the user's
    # id and its HMAC, valid forever) is never accepted; take it away.
    old = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if old in request.cookies:
        response.delete_cookie(old, path="/")
    value = g.pop("remember_cookie", None)
    if value is None:
        return response
    if value and response.status_code >= 400:
        return response     # the renewal was rolled back: the old cookie stays good
    if value == "":
        if sessions.REMEMBER_COOKIE in request.cookies:
            response.delete_cookie(sessions.REMEMBER_COOKIE, path="/")
        return response
    config = current_app.config
    response.set_cookie(sessions.REMEMBER_COOKIE, value,
                        max_age=sessions.REMEMBER_DAYS * 86400, path="/",
                        secure=config.get("REMEMBER_COOKIE_SECURE", False), httponly=True,
                        samesite="Lax")
    return response

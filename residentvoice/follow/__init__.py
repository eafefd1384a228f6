"""Follow (issue 19 §4): a resident follows a proposal, ticket, meeting or
ballot and is notified of its changes; authors and supporters follow theirs
without asking, and anyone may stop."""
from flask import Blueprint

bp = Blueprint("follow", __name__, url_prefix="/follow")


def register(app):
    """Attach this feature to ``app``: its routes and the change watcher
    (session events, attached when ``watch`` is imported)."""
    from . import views, watch  # noqa: F401
    app.register_blueprint(bp)
    app.jinja_env.globals["follow_state"] = views.follow_state

"""Complaint tickets (DESIGN §5): filing, routing, SLA, confirmation, dashboard."""
from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")


def register(app):
    """Attach this feature to ``app``: its routes, its CLI commands."""
    # The modules attach their routes as they are imported.
    from . import api, board, commands, providers, views, views_admin, views_work  # noqa: F401
    app.register_blueprint(bp)
    commands.register(app)

"""Complaint tickets (DESIGN §5): filing, routing, SLA, confirmation, dashboard."""
from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")


def register(app):
    """Attach this feature to ``app``: its routes, its CLI commands."""
    from . import views, views_work, views_admin, api, commands  # noqa: F401  (the modules attach their routes)
    app.register_blueprint(bp)
    commands.register(app)

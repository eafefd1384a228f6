from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def register(app):
    """Attach this feature to ``app``: its routes."""
    from . import (agenda_views, api, api_write, attendance_views, calendar_views,  # noqa: F401
                   live_views, minutes_views, providers, views)
    app.register_blueprint(bp)
    app.register_blueprint(calendar_views.bp)

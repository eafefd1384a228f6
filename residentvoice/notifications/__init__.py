from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def register(app):
    """Attach this feature to ``app``: its routes, its CLI commands."""
    # The modules attach their routes as they are imported.
    from . import views, sms_views, commands  # noqa: F401
    app.register_blueprint(bp)
    commands.register(app)

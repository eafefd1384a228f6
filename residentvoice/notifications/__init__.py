from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def register(app):
    """Attach this feature to ``app``: its routes, its CLI commands."""
    from . import views, commands  # noqa: F401  (the modules attach their routes)
    app.register_blueprint(bp)
    commands.register(app)

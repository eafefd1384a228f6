from flask import Blueprint

bp = Blueprint("uploads", __name__, url_prefix="/uploads")


def register(app):
    """Attach this feature to ``app``: its routes, its CLI command."""
    # The modules attach their routes as they are imported.
    from . import commands, views  # noqa: F401
    app.register_blueprint(bp)
    commands.register(app)

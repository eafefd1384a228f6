from flask import Blueprint

bp = Blueprint("main", __name__)


def register(app):
    """Attach this feature to ``app``: its routes."""
    # The modules attach their routes as they are imported.
    from . import views  # noqa: F401
    app.register_blueprint(bp)

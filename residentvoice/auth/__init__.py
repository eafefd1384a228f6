from flask import Blueprint

bp = Blueprint("auth", __name__)


def register(app):
    """Attach this feature to ``app``: its routes."""
    from . import views  # noqa: F401  (the modules attach their routes)
    app.register_blueprint(bp)

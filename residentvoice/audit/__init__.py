from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")


def register(app):
    """Attach this feature to ``app``: its routes."""
    from . import views  # noqa: F401  (the modules attach their routes)
    app.register_blueprint(bp)

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")


def register(app):
    """Attach this feature to ``app``: its routes."""
    # The modules attach their routes as they are imported.
    from . import views  # noqa: F401
    app.register_blueprint(bp)

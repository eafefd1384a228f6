from flask import Blueprint

bp = Blueprint("directory", __name__, url_prefix="/directory")


def register(app):
    """Attach this feature to ``app``: its routes."""
    from . import views  # noqa: F401  (the modules attach their routes)
    app.register_blueprint(bp)

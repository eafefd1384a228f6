from flask import Blueprint

bp = Blueprint("renovation", __name__, url_prefix="/renovation")


def register(app):
    """Attach this feature to ``app``: its routes."""
    from . import views, views_household, api  # noqa: F401  (the modules attach their routes)
    app.register_blueprint(bp)

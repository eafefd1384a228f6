from flask import Blueprint

bp = Blueprint("renovation", __name__, url_prefix="/renovation")


def register(app):
    """Attach this feature to ``app``: its routes."""
    # The modules attach their routes as they are imported.
    from . import views, views_household, timeline_views, api  # noqa: F401
    app.register_blueprint(bp)

from flask import Blueprint

bp = Blueprint("spaces", __name__, url_prefix="/spaces")


def register(app):
    """Attach this feature to ``app``: its routes."""
    # The modules attach their routes as they are imported.
    from . import views, proposal_views, progress_views, api, comment_api  # noqa: F401
    app.register_blueprint(bp)

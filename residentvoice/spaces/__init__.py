from flask import Blueprint

bp = Blueprint("spaces", __name__, url_prefix="/spaces")


def register(app):
    """Attach this feature to ``app``: its routes."""
    from . import views, proposal_views, api  # noqa: F401  (the modules attach their routes)
    app.register_blueprint(bp)

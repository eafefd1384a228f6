from flask import Blueprint

bp = Blueprint("voting", __name__, url_prefix="/ballots")


def register(app):
    """Attach this feature to ``app``: its routes, its CLI commands."""
    # The modules attach their routes as they are imported.
    from . import views, entry_views, api, commands  # noqa: F401
    app.register_blueprint(bp)
    commands.register(app)

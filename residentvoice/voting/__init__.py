from flask import Blueprint

bp = Blueprint("voting", __name__, url_prefix="/ballots")


def register(app):
    """Attach this feature to ``app``: its routes, its CLI commands."""
    from . import views, entry_views, api, commands  # noqa: F401  (the modules attach their routes)
    app.register_blueprint(bp)
    commands.register(app)

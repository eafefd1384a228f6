from flask import Blueprint

bp = Blueprint("voting", __name__, url_prefix="/ballots")


def register(app):
    """Attach this feature to ``app``: its routes, its CLI commands."""
    # The modules attach their routes as they are imported.
    from . import (api, commands, entry_views, paper_views, providers, reminders,  # noqa: F401
                   views)
    app.register_blueprint(bp)
    commands.register(app)

"""Search (issue 19 §3): proposals, tickets, meetings, minutes and ballots by
words in Chinese or English, each result only for those its own feature lets
see it."""
from flask import Blueprint

bp = Blueprint("search", __name__, url_prefix="/search")


def register(app):
    """Attach this feature to ``app``: its routes, its CLI command.  The index
    is kept current by mapper events, attached when ``indexing`` is imported."""
    from . import commands, indexing, views  # noqa: F401
    app.register_blueprint(bp)
    commands.register(app)

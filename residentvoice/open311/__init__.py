"""Open311 GeoReport v2 at /open311/v2 (DESIGN §6): its own error format
(a list of {"code", "description"}), CSRF-exempt, API keys for POST."""
from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)


def register(app):
    """Attach this feature to ``app``: its routes, its CLI commands."""
    # The modules attach their routes as they are imported.
    from . import commands, views  # noqa: F401
    app.register_blueprint(bp)
    commands.register(app)

"""The compound's site plan (总平面图, issue 19 §1): the secretary uploads the
plan once and marks buildings and spaces on it; residents see the compound's
buildings, spaces, open public reports and proposals as pins on it, with the
same items as a list beside it, and tap it to say where a problem is."""
from flask import Blueprint

bp = Blueprint("siteplan", __name__, url_prefix="/plan")


def register(app):
    """Attach this feature: its routes, and the plans the filing page offers."""
    from . import services, views  # noqa: F401
    app.register_blueprint(bp)
    app.jinja_env.globals["filing_plans"] = views.filing_plans

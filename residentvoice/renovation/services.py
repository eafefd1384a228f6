"""Who may see uploads of observations and warranties (imported by the
feature's ``register``), and the projects other features name: tickets' routing
rules (``projects_by_id``).  Tickets finds the covering warranty with
``warranties.active_warranty_for``."""
from ..extensions import db
from ..uploads.services import register_view_check
from .models import RenovationProject, WarrantyAgreement
from .supervision import observation_visible


def projects_by_id(ids):
    """``{id: project}`` of the projects that exist (project pages are public)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(db.select(RenovationProject).where(
        RenovationProject.id.in_(ids)))}


def warranty_visible(warranty_id, user):
    warranty = db.session.get(WarrantyAgreement, warranty_id)
    return warranty is not None and warranty.can_view(user)


register_view_check("renovation_observation", observation_visible)
register_view_check("renovation_warranty", warranty_visible)

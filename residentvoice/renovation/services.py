"""Registers what the renovation feature offers other features (imported by
its views at app start): the "project" link kind, the "active_warranty"
provider and who may see uploads of observations and warranties."""
from flask import url_for

from .. import links
from ..extensions import db
from ..uploads.services import register_view_check
from .models import RenovationProject, WarrantyAgreement
from .supervision import observation_visible
from .warranties import active_warranty_for


def resolve_projects(ids, user):
    """Project pages are public: every existing project resolves."""
    projects = db.session.scalars(db.select(RenovationProject).where(
        RenovationProject.id.in_(ids))).all()
    return {p.id: links.Link("project", p.id, p.name,
                             url_for("renovation.project", project_id=p.id),
                             summary=p.compound.name,
                             extra={"status": p.status.name,
                                    "compound_id": p.compound_id}) for p in projects}


def warranty_visible(warranty_id, user):
    warranty = db.session.get(WarrantyAgreement, warranty_id)
    return warranty is not None and warranty.can_view(user)


links.register("project", resolve_projects)
links.provide("active_warranty", active_warranty_for)
register_view_check("renovation_observation", observation_visible)
register_view_check("renovation_warranty", warranty_visible)

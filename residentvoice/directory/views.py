from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access
from ..main.sections import nav_item
from . import bp, services
from .models import Compound

nav_item(80, "directory.compounds", _l("Compounds"),
         lambda user: user.is_authenticated and user.has_any_role("secretary", "street_admin"))


@bp.route("/")
@access.role("secretary", "street_admin")
def compounds():
    items = services.compounds_managed_by(current_user)
    counts = services.household_counts([c.id for c in items])
    return render_template("directory/compounds.html", compounds=items, counts=counts)


@bp.route("/compounds/<int:compound_id>")
@access.role("secretary", "street_admin")
def compound(compound_id):
    item = access.load(Compound, compound_id, can_view="can_manage")
    return render_template("directory/compound.html", compound=item,
                           buildings=services.buildings_with_counts(item))

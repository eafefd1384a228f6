"""Directory pages for secretaries and street-office admins: compounds and
buildings.  Households, people, imports and letters have their own view
modules, imported at the bottom."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access
from ..extensions import db
from ..main.sections import home_section, nav_item
from . import bp, services
from .forms import BuildingForm, CompoundForm, SearchForm, community_choices
from .models import Building, Community, Compound
from .pages import MANAGERS, flash_and_go, form_page


def _is_manager(user):
    return user.is_authenticated and user.has_any_role(*MANAGERS)


nav_item(80, "directory.compounds", _l("Compounds"), _is_manager)
nav_item(81, "directory.owners", _l("Owners"), _is_manager)
nav_item(82, "directory.residents", _l("Residents and passwords"), _is_manager)


@home_section(6, "directory/_home_work.html")
def directory_work_section(user):
    """Links to the directory work for secretaries and street-office admins."""
    if not _is_manager(user):
        return None
    return {"compounds": services.compounds_managed_by(user)}


@bp.route("/")
@access.role(*MANAGERS)
def compounds():
    items = services.compounds_managed_by(current_user)
    counts = services.household_counts([c.id for c in items])
    return render_template("directory/compounds.html", compounds=items, counts=counts)


@bp.route("/compounds/new", methods=["GET", "POST"])
@access.role(*MANAGERS)
def compound_new():
    form = CompoundForm()
    form.community_id.choices = community_choices(services.communities_managed_by(current_user))

    def save():
        community = access.load(Community, form.community_id.data, can_view="can_manage")
        return services.create_compound(current_user, community, form.data)

    def done(compound):
        flash(_("Compound %(name)s added.", name=compound.name), "success")
        return redirect(url_for("directory.compound", compound_id=compound.id))

    return form_page(form, save, done, title=_("Add a compound"), submit=_("Add compound"),
                     cancel=url_for("directory.compounds"))


@bp.route("/compounds/<int:compound_id>")
@access.role(*MANAGERS)
@access.guard(Compound, "compound_id", can_view="can_manage", into="item")
def compound(item):
    return render_template("directory/compound.html", compound=item,
                           search=SearchForm(request.args),
                           buildings=services.buildings_with_counts(item))


@bp.route("/compounds/<int:compound_id>/edit", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Compound, "compound_id", can_view="can_manage", into="item")
def compound_edit(item):
    form = CompoundForm(obj=item if request.method == "GET" else None)
    del form.community_id
    back = url_for("directory.compound", compound_id=item.id)
    return form_page(form, lambda: services.update_compound(current_user, item, form.data),
                     flash_and_go(_("Changes saved."), "directory.compound", compound_id=item.id),
                     title=item.name, submit=_("Save"), cancel=back)


@bp.route("/compounds/<int:compound_id>/buildings/new", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Compound, "compound_id", can_view="can_manage", into="item")
def building_new(item):
    form = BuildingForm()

    def done(building):
        flash(_("Building %(n)s added.", n=building.number), "success")
        return redirect(url_for("directory.building", building_id=building.id))

    return form_page(form, lambda: services.create_building(current_user, item, form.data),
                     done, title=_("Add a building to %(name)s", name=item.name),
                     submit=_("Add building"),
                     cancel=url_for("directory.compound", compound_id=item.id))


@bp.route("/buildings/<int:building_id>")
@access.role(*MANAGERS)
@access.guard(Building, "building_id", can_view="can_manage", into="item")
def building(item):
    households = db.session.scalars(services.households_query(item.compound,
                                                              building=item)).all()
    residents = services.residents_by_household([h.id for h in households])
    return render_template("directory/building.html", building=item, households=households,
                           residents=residents)


@bp.route("/buildings/<int:building_id>/edit", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Building, "building_id", can_view="can_manage", into="item")
def building_edit(item):
    form = BuildingForm(obj=item if request.method == "GET" else None)
    if request.method == "GET":
        form.kind.data = item.kind.name
    return form_page(form, lambda: services.update_building(current_user, item, form.data),
                     flash_and_go(_("Changes saved."), "directory.building", building_id=item.id),
                     title=_("Building %(n)s", n=item.number), submit=_("Save"),
                     cancel=url_for("directory.building", building_id=item.id))


from . import views_households, views_imports, views_letters, views_people  # noqa: E402,F401
from . import views_owner_links  # noqa: E402,F401

"""Household pages: search, add, edit, owner, residents and in-person
registration (群众接待室)."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..auth import services as auth_services
from ..auth.models import RoleAssignment
from ..extensions import db
from . import bp, owner_links, people, services
from .forms import (HouseholdForm, InPersonForm, OwnerForm, RelationForm, SearchForm,
                    building_choices)
from .letters import batch_token
from .models import Building, Compound, Household, Owner
from ..web import submitted
from .pages import MANAGERS, PER_PAGE, flash_and_go, form_page, row_id
from .views_people import may_print_reset_code



@bp.route("/compounds/<int:compound_id>/households")
@access.role(*MANAGERS)
@access.guard(Compound, "compound_id", can_view="can_manage")
def compound_households(compound):
    search = SearchForm(request.args)
    q = search.q.data if search.validate() else ""
    page = db.paginate(services.households_query(compound, q=q), per_page=PER_PAGE,
                       error_out=False)
    residents = services.residents_by_household([h.id for h in page.items])
    return render_template("directory/households.html", compound=compound, search=search,
                           page=page, residents=residents, q=q)


@bp.route("/buildings/<int:building_id>/households/new", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Building, "building_id", can_view="can_manage")
def household_new(building):
    form = HouseholdForm()
    form.building_id.choices = building_choices(building.compound)
    if request.method == "GET":
        form.building_id.data = building.id

    def save():
        target = _building_of(building.compound, form.building_id.data)
        return services.create_household(current_user, target, form.data)

    def done(household):
        flash(_("Household %(code)s added.", code=household.label), "success")
        return redirect(url_for("directory.household", household_id=household.id))

    return form_page(form, save, done,
                     title=_("Add a household to building %(n)s", n=building.number),
                     submit=_("Add household"),
                     cancel=url_for("directory.building", building_id=building.id))


def _building_of(compound, building_id):
    return access.load(Building, building_id or 0,
                       can_view=lambda _user, building: building.compound_id == compound.id)


@bp.route("/households/<int:household_id>")
@access.role(*MANAGERS)
@access.guard(Household, "household_id", can_view="can_manage", into="item")
def household(item):
    roles = services.residents_by_household([item.id])[item.id]
    forms = {}
    for role in roles:
        form = RelationForm(prefix=f"r{role.id}")
        form.relation.data = role.relation.name if role.relation else "owner"
        forms[role.id] = form
    return render_template("directory/household.html", household=item, roles=roles,
                           owner_panel=owner_links.household_panel(item, roles),
                           may_reset=may_print_reset_code,
                           relation_forms=forms, mask=people.mask_phone)


@bp.route("/households/<int:household_id>/edit", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Household, "household_id", can_view="can_manage", into="item")
def household_edit(item):
    form = HouseholdForm(obj=item if request.method == "GET" else None)
    form.building_id.choices = building_choices(item.compound)
    if request.method == "GET":
        form.area_m2.data = f"{item.area_m2:.2f}"
        form.occupancy.data = item.occupancy.name

    def save():
        target = _building_of(item.compound, form.building_id.data)
        return services.update_household(current_user, item, target, form.data)

    return form_page(form, save, flash_and_go(_("Changes saved."), "directory.household",
                                              household_id=item.id),
                     title=_("Household %(code)s", code=item.label), submit=_("Save"),
                     cancel=url_for("directory.household", household_id=item.id))


@bp.route("/households/<int:household_id>/owner", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Household, "household_id", can_view="can_manage", into="item")
def household_owner(item):
    """Pick the registered owner among the community's owners, create a new
    one for this household, or clear it."""
    community = item.compound.community
    search = SearchForm(request.args)
    q = search.q.data if search.validate() else ""
    form = OwnerForm(prefix="new")
    del form.community_id
    if request.method == "POST":
        action = request.form.get("action")
        if action == "new":
            def create():
                people.assign_owner(current_user, item,
                                    people.create_owner(current_user, community, form.data))

            done = submitted(form, create, then=lambda _result: _owner_saved(item))
            if done:
                return done
        elif action in ("assign", "clear"):
            owner = None
            if action == "assign":
                owner = access.load(Owner, row_id(request.form.get("owner_id")) or 0,
                                    can_view=lambda _user, owner: (
                                        owner.community_id == community.id))
            people.assign_owner(current_user, item, owner)
            return _owner_saved(item)
    candidates = []
    if q:
        candidates = db.session.scalars(people.owners_query({community.id}, q=q).limit(30)).all()
    return render_template("directory/household_owner.html", household=item, search=search,
                           q=q, candidates=candidates, form=form)


def _owner_saved(household):
    flash(_("The owner of %(code)s is saved.", code=household.label), "success")
    return redirect(url_for("directory.household", household_id=household.id))


@bp.route("/households/<int:household_id>/residents/<int:role_id>/relation",
          methods=["POST"])
@access.role(*MANAGERS)
@access.guard(Household, "household_id", can_view="can_manage")
@access.guard(RoleAssignment, "role_id", within="household",
              can_view=people.is_resident_role)
def resident_relation(household, role):
    form = RelationForm(prefix=f"r{role.id}")
    if form.validate_on_submit():
        people.change_relation(current_user, role, form.relation.data)
        flash(_("%(name)s is now recorded as: %(relation)s.", name=role.user.name,
                relation=role.relation.value), "success")
    else:
        flash(_("Choose the relation from the list."), "error")
    return redirect(url_for("directory.household", household_id=household.id))


@bp.route("/households/<int:household_id>/residents/<int:role_id>/remove", methods=["POST"])
@access.role(*MANAGERS)
@access.guard(Household, "household_id", can_view="can_manage")
@access.guard(RoleAssignment, "role_id", within="household",
              can_view=people.is_resident_role)
def resident_remove(household, role):
    name = role.user.name
    people.unbind_resident(current_user, role)
    flash(_("%(name)s is no longer a resident of %(code)s.", name=name, code=household.label),
          "success")
    return redirect(url_for("directory.household", household_id=household.id))


@bp.route("/households/<int:household_id>/register", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Household, "household_id", can_view="can_manage", into="item")
def household_register(item):
    """In-person registration by a secretary (DESIGN §3)."""
    form = InPersonForm()

    def done(result):
        user, password = result
        return render_template("directory/registered.html", household=item, user=user,
                               password=password)

    return form_page(form, lambda: people.register_in_person(current_user, item, form.data),
                     done, title=_("Register a resident of %(code)s", code=item.label),
                     submit=_("Register"),
                     cancel=url_for("directory.household", household_id=item.id))


@bp.route("/households/<int:household_id>/letter", methods=["POST"])
@access.role(*MANAGERS)
@access.guard(Household, "household_id", can_view="can_manage", into="item")
def household_letter(item):
    """A new letter for one household (e.g. the first one was lost)."""
    codes = auth_services.issue_invitations(current_user, [item],
                                            days=current_app.config["INVITATION_DAYS"])
    return redirect(url_for("directory.letters", compound_id=item.compound_id,
                            batch=batch_token(codes[0].expires_at)))

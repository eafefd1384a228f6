"""Who votes for a household's registered owner (issue 14.5, 14.6): the
secretary links an account to the owner — a resident who declared ownership,
once the property certificate is checked, or an agent or an institution's
representative with a written authorisation — or removes a link."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..forms import choices
from ..main.sections import home_section
from . import bp, owner_links, people
from .forms import OwnerLinkForm
from .models import CAPACITIES_FOR, Household, OwnerLink
from ..web import refusal_status, submitted
from .pages import MANAGERS, row_id


@bp.route("/households/<int:household_id>/owner-links/new", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Household, "household_id", can_view="can_manage", into="item")
def owner_link_new(item):
    """Confirm a declared owner (``?role=`` a resident of this household) or
    link any account by mobile number to the household's registered owner."""
    role = None
    role_value = request.values.get("role")
    if role_value:
        role = access.found(owner_links.resident_for_link(item, row_id(role_value)))
    owner = item.owner
    if owner is None:
        flash(_("Record the registered owner of this household first: accounts are linked "
                "to an owner of the property register."), "error")
        return redirect(url_for("directory.household", household_id=item.id))
    form = OwnerLinkForm()
    form.capacity.choices = choices((c.name, c.value) for c in CAPACITIES_FOR[owner.kind])
    if request.method == "GET" and not form.capacity.data:
        form.capacity.data = owner_links.likely_capacity(owner, role)

    def link():
        user = role.user if role else owner_links.find_account(form.phone.data)
        owner_links.link(current_user, item, user, form.capacity.data, form.authorisation.data)
        return user

    return submitted(form, link,
                     done=lambda user: _("%(name)s now acts for %(owner)s in owners' ballots.",
                                         name=user.name, owner=owner.name),
                     to=url_for("directory.household", household_id=item.id)) or \
        _owner_link_page(item, owner, role, form)


def _owner_link_page(item, owner, role, form):
    units, area = owner_links.owner_units(owner)
    return render_template("directory/owner_link.html", household=item, owner=owner,
                           role=role, form=form, units=units, area=area,
                           links=owner_links.links_of_owner(owner),
                           mask=people.mask_phone), refusal_status()


@bp.route("/households/<int:household_id>/owner-links/<int:link_id>/remove",
          methods=["POST"])
@access.role(*MANAGERS)
@access.guard(Household, "household_id", can_view="can_manage", into="item")
@access.guard(OwnerLink, "link_id", within=("item", "owner_id"), into="entry")
def owner_link_remove(item, entry):
    name, owner = entry.user.name, entry.owner.name
    owner_links.unlink(current_user, entry)
    flash(_("%(name)s no longer acts for %(owner)s.", name=name, owner=owner), "success")
    return redirect(url_for("directory.household", household_id=item.id))


@home_section(11, "directory/_owner_standing.html")
def owner_standing_section(user):
    """On a resident's home page: whether the community office has confirmed
    the ownership they declared (and what to do if not), and the owners they
    vote for."""
    pending, links = owner_links.home_standing(user)
    if not pending and not links:
        return None
    return {"pending": pending, "links": links}

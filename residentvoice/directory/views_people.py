"""Owners of the communities a secretary manages, and residents: finding a
resident and printing a one-time password reset code."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..auth import services as auth_services
from ..auth.models import User
from ..extensions import db
from . import bp, people, services
from .forms import OwnerForm, SearchForm, community_choices
from .models import Community, Owner, OwnerKind
from ..web import attempted
from .pages import MANAGERS, PER_PAGE, flash_and_go, form_page



def may_print_reset_code(user):
    """For templates: may the signed-in manager print a reset code for ``user``."""
    return auth_services.reset_code_refusal(current_user, user) is None


def _community_filter(communities):
    wanted = request.args.get("community", type=int)
    return wanted if wanted in {c.id for c in communities} else None


@bp.route("/owners")
@access.role(*MANAGERS)
def owners():
    communities = services.communities_managed_by(current_user)
    search = SearchForm(request.args)
    q = search.q.data if search.validate() else ""
    kind = request.args.get("kind") if request.args.get("kind") in OwnerKind.__members__ else None
    community_id = _community_filter(communities)
    query = people.owners_query({c.id for c in communities}, q=q, kind=kind,
                                community_id=community_id)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    counts = people.household_counts_by_owner([o.id for o in page.items])
    return render_template("directory/owners.html", page=page, counts=counts, search=search,
                           q=q, kind=kind, kinds=list(OwnerKind), communities=communities,
                           community_id=community_id)


@bp.route("/owners/new", methods=["GET", "POST"])
@access.role(*MANAGERS)
def owner_new():
    form = OwnerForm()
    form.community_id.choices = community_choices(services.communities_managed_by(current_user))

    def save():
        community = access.load(Community, form.community_id.data, can_view="can_manage")
        return people.create_owner(current_user, community, form.data)

    def done(owner):
        flash(_("Owner %(name)s added.", name=owner.name), "success")
        return redirect(url_for("directory.owner_edit", owner_id=owner.id))

    return form_page(form, save, done, title=_("Add an owner"), submit=_("Add owner"),
                     cancel=url_for("directory.owners"))


@bp.route("/owners/<int:owner_id>", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Owner, "owner_id")
def owner_edit(owner):
    form = OwnerForm(obj=owner if request.method == "GET" else None)
    del form.community_id
    if request.method == "GET":
        form.kind.data = owner.kind.name
    return form_page(form, lambda: people.update_owner(current_user, owner, form.data),
                     flash_and_go(_("Changes saved."), "directory.owner_edit",
                                  owner_id=owner.id),
                     template="directory/owner.html", owner=owner)


@bp.route("/residents")
@access.role(*MANAGERS)
def residents():
    communities = current_user.managed_community_ids()
    search = SearchForm(request.args)
    q = search.q.data if search.validate() else ""
    page = db.paginate(people.residents_query(communities, q), per_page=PER_PAGE,
                       error_out=False)
    return render_template("directory/residents.html", page=page, search=search, q=q,
                           may_reset=may_print_reset_code,
                           communities=communities, mask=people.mask_phone)


@bp.route("/residents/<int:user_id>/reset-code", methods=["POST"])
@access.role(*MANAGERS)
@access.guard(User, "user_id", can_view=people.manages_resident)
def reset_code(user):
    """Print a one-time code for a resident who forgot the password; the
    resident sets a new one at /reset.  The code is shown only here, once."""
    return attempted(
        lambda: auth_services.issue_reset_code(current_user, user),
        then=lambda code: render_template("directory/reset_slip.html", user=user, code=code,
                                          mask=people.mask_phone),
        back=request.referrer if _same_site(request.referrer) else url_for("directory.residents"))


def _same_site(url):
    return bool(url) and url.startswith(request.host_url)

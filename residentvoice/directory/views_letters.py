"""Invitation codes: issue for a building or compound, print one letter per
household, list issued codes with their status, revoke."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from .. import access
from ..auth.models import InvitationCode
from ..extensions import db
from . import bp, letters
from .forms import InvitationForm, SearchForm, building_choices
from .models import Building, Compound
from ..web import attempted
from .pages import MANAGERS, PER_PAGE, form_page, row_id



@bp.route("/compounds/<int:compound_id>/invitations")
@access.role(*MANAGERS)
@access.guard(Compound, "compound_id", can_view="can_manage")
def invitations(compound):
    search = SearchForm(request.args)
    q = search.q.data if search.validate() else ""
    status = request.args.get("status")
    if status not in letters.InvitationStatus.__members__:
        status = None
    page = db.paginate(letters.invitations_query(compound, status, q), per_page=PER_PAGE,
                       error_out=False)
    return render_template("directory/invitations.html", compound=compound, page=page,
                           search=search, q=q, status=status,
                           statuses=list(letters.InvitationStatus), status_of=letters.status_of)


@bp.route("/compounds/<int:compound_id>/invitations/new", methods=["GET", "POST"])
@access.role(*MANAGERS)
@access.guard(Compound, "compound_id", can_view="can_manage")
def invitation_new(compound):
    form = InvitationForm()
    form.building_id.choices = building_choices(compound, _("The whole compound"))
    if request.method == "GET":
        form.days.data = current_app.config["INVITATION_DAYS"]
        form.building_id.data = request.args.get("building", type=int)

    def save():
        building = None
        if form.building_id.data:
            building = db.session.get(Building, form.building_id.data)
        return letters.issue_letters(current_user, compound, building=building,
                                     only_unregistered=form.only_unregistered.data,
                                     days=form.days.data)

    def done(result):
        batch, count = result
        flash(ngettext("%(num)d invitation code issued. Print the letter below.",
                       "%(num)d invitation codes issued. Print the letters below.", count),
              "success")
        return redirect(url_for("directory.letters", compound_id=compound.id, batch=batch))

    return form_page(form, save, done, template="directory/invitation_new.html",
                     compound=compound)


@bp.route("/compounds/<int:compound_id>/letters", endpoint="letters")
@access.role(*MANAGERS)
@access.guard(Compound, "compound_id", can_view="can_manage")
def letters_page(compound):
    """One A4 letter per household, in Chinese (English below on request),
    with the code in large type, the expiry date, steps for elderly
    residents and a QR code of the registration URL."""
    building = None
    if request.args.get("building"):
        building = access.load(Building, row_id(request.args["building"]) or 0,
                               can_view=lambda _user, building: (
                                   building.compound_id == compound.id))
    batch = None
    if request.args.get("batch"):
        batch = access.found(letters.parse_batch(request.args["batch"]))
    english = request.args.get("en") == "1"
    items = letters.letter_invitations(compound, building=building, batch=batch)
    rendered = [_letter(compound, invitation, english) for invitation in items]
    return render_template("directory/letters.html", compound=compound, building=building,
                           letters=rendered, english=english, batch=request.args.get("batch"))


def _letter(compound, invitation, english):
    url = url_for("auth.register", code=invitation.code, compound=compound.id, _external=True)
    values = {"compound": compound, "household": invitation.household,
              "invitation": invitation, "code": letters.format_code(invitation.code),
              "url": url}
    # The template itself, not render_template: context processors (the menu)
    # would run again for every letter.
    text = current_app.jinja_env.get_template("directory/_letter_text.html")
    with force_locale("zh_Hans"):
        values["qr"] = letters.qr_svg(url, title=_("QR code: open the registration page"))
        chinese = text.render(**values)
    english_text = None
    if english:
        with force_locale("en"):
            english_text = text.render(brief=True, **values)
    return {"invitation": invitation, "url": url, "code": values["code"],
            "chinese": Markup(chinese), "english": Markup(english_text) if english else None}


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@access.role(*MANAGERS)
@access.guard(InvitationCode, "invitation_id",
              can_view="can_manage")
def invitation_revoke(invitation):
    return attempted(lambda: letters.revoke_invitation(current_user, invitation),
                     done=_("The code for %(code)s is revoked; its letter no longer works.",
                            code=invitation.household.label),
                     to=url_for("directory.invitations",
                                compound_id=invitation.household.compound_id))

"""Resident pages: file a ticket, my tickets, a ticket's page (DESIGN §5)."""
from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from .. import access
from ..auth.models import User
from ..directory.models import Household
from ..extensions import db
from ..forms import choices
from ..main.sections import home_section, nav_item
from ..uploads import services as uploads
from ..uploads.forms import keep_photos, kept_photos
from ..web import form_status, submitted
from . import bp, chase, filing, queries, services, workflow
from .forms import ACTION_FORMS, MeTooForm, PlaceForm, RedactForm, TicketForm, UpdateForm
from .forms import category_choices
from .models import EventKind, Ticket, TicketEvent, number_of
from .sla import is_overdue

nav_item(30, "tickets.mine", _l("My tickets"),
         lambda user: user.is_authenticated and user.has_any_role("resident"))
nav_item(31, "tickets.new", _l("Report a problem"),
         lambda user: user.is_authenticated and user.has_any_role("resident", "secretary"))
nav_item(32, "tickets.queue", _l("Ticket queue"),
         lambda user: user.is_authenticated and user.has_any_role("staff", "secretary",
                                                                  "street_admin"))
nav_item(33, "tickets.dashboard_page", _l("Ticket dashboard"),
         lambda user: user.is_authenticated and user.has_any_role("secretary", "street_admin"))


def _upload_check(object_id, user):
    ticket = db.session.get(Ticket, object_id)
    return bool(ticket and ticket.can_view(user))


uploads.register_view_check("ticket", _upload_check)


@bp.app_template_filter("ticket_number")
def ticket_number(ticket_id):
    """A ticket's number from its id, for pages that hold only the id (a
    supervisor's observation, a duplicate's original)."""
    return number_of(ticket_id)


@home_section(30, "tickets/_home.html")
def tickets_section(user):
    data = {}
    if user.has_any_role("resident"):
        data["awaiting"], data["open"] = queries.reported_by(user)
    if user.has_any_role("staff", "secretary", "street_admin"):
        data["queue_count"] = queries.queue_count(user)
    return data or None


# ---- filing ----------------------------------------------------------------

def _where_choices(user, compounds):
    """"h:<id>" own household, "b:<id>" a building, "c:<id>" a common area."""
    pairs = [("", _l("Choose…"))]
    own = sorted((r.household for r in user.resident_roles()), key=lambda h: h.code)
    for h in own:
        pairs.append((f"h:{h.id}", _("My home: %(compound)s, building %(b)s, unit %(u)s",
                                     compound=h.compound.name, b=h.building.number, u=h.unit)))
    for compound in compounds:
        pairs.append((f"c:{compound.id}", _("%(compound)s: common area",
                                            compound=compound.name)))
        for building in compound.buildings:
            pairs.append((f"b:{building.id}", _("%(compound)s: building %(b)s (common parts)",
                                                compound=compound.name, b=building.number)))
    return choices(pairs), own


@bp.route("/new", methods=["GET", "POST"])
@access.role("resident", "secretary", "street_admin")
def new():
    """Step 1 (what and where), then step 2: the details, beside the open
    tickets about the same thing the resident could join instead."""
    compounds = filing.compounds_for(current_user)
    where, own = _where_choices(current_user, compounds)
    if request.method == "GET" and not request.args.get("category"):
        return _step_one(where, own)
    on_behalf = current_user.has_any_role("secretary", "street_admin")
    form = _details_form(where, on_behalf)
    place = filing.place_of(form.where.data, on_behalf and form.household_code.data,
                            [c.id for c in compounds])
    kept = kept_photos("photos")
    filed = submitted(
        form, lambda: filing.file_from_form(current_user, place, form.data,
                                            request.files.getlist("photos"), on_behalf, kept),
        done=lambda ticket: _("Ticket %(number)s filed. It went to: %(to)s.",
                              number=ticket.number,
                              to=ticket.organisation.name if ticket.organisation
                              else _("the community's secretaries")),
        to=lambda ticket: url_for("tickets.show", ticket_id=ticket.id))
    return filed or _step_two(form, place, own, on_behalf,
                              keep_photos("photos", kept, services.MAX_PHOTOS))


def _step_one(where, own):
    form = PlaceForm(formdata=None)
    form.category.choices = category_choices()
    form.where.choices = where
    if own:
        form.where.data = f"h:{own[0].id}"
    return render_template("tickets/new_place.html", form=form)


def _details_form(where, on_behalf):
    """The details form: sent, or opened from step 1's choices; the reception
    room's fields only for staff filing on someone's behalf."""
    if request.method == "POST":
        form = TicketForm()
    else:
        form = TicketForm(formdata=None)
        form.category.data = request.args.get("category")
        form.where.data = request.args.get("where")
    form.category.choices = category_choices()
    form.where.choices = where
    if not on_behalf:
        for name in ("household_code", "reporter_phone", "contact_name", "contact_phone"):
            del form[name]
    return form


def _step_two(form, place, own, on_behalf, kept=()):
    similar = filing.similar_for(current_user, place, form.category.data)
    me_too = MeTooForm(formdata=None)
    me_too.household_id.choices = [(h.id, h.label) for h in own]
    return render_template("tickets/new.html", form=form, similar=similar, me_too=me_too,
                           joinable=filing.joinable(current_user, similar),
                           on_behalf=on_behalf, kept=kept), form_status()


# ---- reading ---------------------------------------------------------------

@bp.route("/")
@access.login
def mine():
    page = db.paginate(queries.mine(current_user), per_page=30, error_out=False)
    return render_template("tickets/mine.html", page=page, is_overdue=is_overdue)


def timeline(ticket, user):
    events = db.session.scalars(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                .options(joinedload(TicketEvent.actor).lazyload(User.roles))
                                .order_by(TicketEvent.created_at, TicketEvent.id)).all()
    if ticket.can_see_internal(user):
        return events
    return [e for e in events if e.public and e.kind is not EventKind.escalation]


def render_ticket(ticket, forms=None, status=200, kept=()):
    """The ticket page with a form for each action the user may take now;
    ``forms`` carries a bound form with errors back to the page, ``kept`` the
    photos kept from it (``uploads.keep``)."""
    forms = dict(forms or {})
    queries.load_places(ticket)
    actions = workflow.allowed_actions(ticket, current_user)
    for action in actions:
        if action not in forms:
            forms[action] = ACTION_FORMS[action](formdata=None, prefix=action)
    if "reroute" in forms:
        orgs = services.organisations_for(ticket.compound)
        forms["reroute"].organisation_id.choices = [(0, _("The community's secretaries"))] + \
            [(o.id, o.name) for o in orgs]
    staff = ticket.can_see_internal(current_user)
    update_form = forms.get("update") or UpdateForm(formdata=None, prefix="update")
    redact_form = forms.get("redact") or RedactForm(formdata=None, prefix="redact")
    me_too = None
    own = [hid for hid in current_user.household_ids()
           if hid != ticket.household_id and hid not in {a.household_id for a in ticket.affected}]
    if own and ticket.is_open and not ticket.is_reporter(current_user):
        me_too = MeTooForm(formdata=None)
        me_too.household_id.choices = [(h.id, h.label) for h in db.session.scalars(
            db.select(Household).where(Household.id.in_(own),
                                       Household.compound_id == ticket.compound_id))]
        me_too = me_too if me_too.household_id.choices else None
    return render_template(
        "tickets/show.html", ticket=ticket, events=timeline(ticket, current_user),
        actions=actions, forms=forms, staff=staff, update_form=update_form,
        redact_form=redact_form, me_too=me_too, kept=kept,
        photos=uploads.uploads_for("ticket", ticket.id), overdue=is_overdue(ticket),
        outlook=chase.outlook(ticket), may_chase=chase.may_chase(ticket, current_user),
        moderator=ticket.is_moderator(current_user),
        action_labels=workflow.ACTION_LABELS), status


@bp.route("/<int:ticket_id>")
@access.login
@access.guard(Ticket, "ticket_id", options=queries.page_places())
def show(ticket):
    if ticket.duplicate_of_id and request.args.get("follow"):
        return redirect(url_for("tickets.show", ticket_id=ticket.duplicate_of_id))
    return render_ticket(ticket)


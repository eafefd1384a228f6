"""Working a ticket: transitions, updates, "me too", redaction, the queue."""
from flask import flash, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..extensions import db
from ..forms import choices
from ..uploads.forms import keep_photos, kept_photos
from . import actions, bp, queries, services, workflow
from . import chase
from .forms import ACTION_FORMS, MeTooForm, QueueFilterForm, RedactForm, UpdateForm
from .models import Category, Status, Ticket
from .sla import is_overdue
from ..web import attempted, refusal_status, submitted
from .views import render_ticket

# The permission each action's button needs (workflow.may: a role its transition names).
ACTION_RULES = {action: workflow.may(action) for action in ACTION_FORMS}

def _done_message(action):
    return {
        "acknowledge": _("Acknowledged."), "start": _("Marked in progress."),
        "resolve": _("Marked resolved. The resident is asked to confirm."),
        "confirm": _("Thank you. The ticket is closed as fixed."),
        "reopen": _("The ticket is reopened and back with the same organisation."),
        "hand_back": _("Handed back to the secretaries."), "reroute": _("Rerouted."),
        "refuse": _("Closed, not fixed."), "mark_duplicate": _("Merged as a duplicate."),
    }[action]


@bp.route(f"/<int:ticket_id>/act/<any({', '.join(ACTION_FORMS)}):action>", methods=["POST"])
@access.login
@access.guard(Ticket, "ticket_id", can=ACTION_RULES, by="action")
def act(ticket, action):
    form = ACTION_FORMS[action](prefix=action)
    if action == "reroute":
        form.organisation_id.choices = [(0, "")] + [
            (o.id, o.name) for o in services.organisations_for(ticket.compound)]

    photos = f"{action}-photos"             # the resolution's (no other action has photos)
    kept = kept_photos(photos)

    def perform():
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        if action == "resolve":
            data["photos"] = request.files.getlist(photos)
        return actions.perform(current_user, ticket, action, data, kept=kept)

    return submitted(form, perform, done=_done_message(action),
                     to=url_for("tickets.show", ticket_id=ticket.id)) or \
        render_ticket(ticket, {action: form}, status=refusal_status(),
                      kept=keep_photos(photos, kept, services.MAX_PHOTOS))


@bp.route("/<int:ticket_id>/updates", methods=["POST"])
@access.login
@access.guard(Ticket, "ticket_id", can="can_post_update")
def add_update(ticket):
    form = UpdateForm(prefix="update")
    return submitted(
        form, lambda: services.add_update(current_user, ticket, form.body.data, form.public.data),
        done=_("Update posted."), to=url_for("tickets.show", ticket_id=ticket.id),
    ) or render_ticket(ticket, {"update": form}, status=refusal_status())


@bp.route("/<int:ticket_id>/me-too", methods=["POST"])
@access.role("resident")
@access.guard(Ticket, "ticket_id")
def me_too(ticket):
    form = MeTooForm()
    form.household_id.choices = [(hid, str(hid)) for hid in current_user.household_ids()]
    done = submitted(form, lambda: services.me_too(current_user, ticket, form.household_id.data),
                     done=_("Your household is counted on this ticket. You will be told when "
                            "it is resolved."),
                     to=url_for("tickets.show", ticket_id=ticket.id))
    if done:
        return done
    refusal = g.get("refusal")
    flash(str(refusal.message) if refusal else _("Choose one of your households."), "error")
    return render_ticket(ticket, status=409 if refusal and refusal.status == 409 else 422)


@bp.route("/<int:ticket_id>/chase", methods=["POST"])
@access.role("resident")
@access.guard(Ticket, "ticket_id")
def chase_ticket(ticket):
    """催办: the resident chases an overdue ticket (issue 17 §7)."""
    return attempted(lambda: chase.chase(current_user, ticket),
                     done=_("Chased: the organisation handling it and the community's "
                            "secretaries are notified."),
                     to=url_for("tickets.show", ticket_id=ticket.id),
                     again=lambda status: render_ticket(ticket, status=status))


@bp.route("/<int:ticket_id>/redact", methods=["POST"])
@access.login
@access.guard(Ticket, "ticket_id", can="can_see_internal")
def redact(ticket):
    form = RedactForm(prefix="redact")
    return submitted(
        form, lambda: services.redact(current_user, ticket, form.text.data,
                                      services.as_id(form.event_id.data), form.hide.data),
        done=_("The text was changed; the original is kept for moderators."),
        to=url_for("tickets.show", ticket_id=ticket.id),
    ) or render_ticket(ticket, {"redact": form}, status=422)


QUEUE_FILTERS = ("status", "compound", "category", "overdue")


@bp.route("/queue")
@access.role("staff", "secretary", "street_admin")
def queue():
    form = QueueFilterForm(request.args)
    form.status.choices = choices([("open", _("All open")), ("", _("All"))] +
                                  [(s.name, s.value) for s in Status])
    status = request.args.get("status", "open")
    form.status.data = status
    compound_id = request.args.get("compound", type=int)
    category = request.args.get("category")
    overdue = bool(request.args.get("overdue"))
    compounds = queries.queue_compounds(current_user, status, category, overdue, compound_id)
    form.compound.choices = choices([("", _("All"))] + [(str(c.id), c.name) for c in compounds])
    form.category.choices = choices([("", _("All"))] + [(c.name, c.value) for c in Category])
    query = queries.queue(current_user, status=status, compound_id=compound_id,
                          category=category, overdue=overdue)
    page = queries.QueuePagination(select=query, session=db.session(), per_page=50,
                                   error_out=False)
    # The pager keeps the filters, and only them: other query arguments
    # (``endpoint``, ``_method``…) are not url_for's to read.
    args = {k: request.args[k] for k in QUEUE_FILTERS if request.args.get(k)}
    return render_template("tickets/queue.html", form=form, page=page, args=args,
                           is_overdue=is_overdue)


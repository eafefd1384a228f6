"""Who may use each ticket route. The world has no tickets, so these use a
ticket filed by ``w.resident`` about household A (private) and routed to
``w.organisation`` (staff) by a facade rule made here."""
from residentvoice.tickets import services

from ..access_matrix import FORBIDDEN, HIDDEN, OK, PUBLIC, expect, only


def _ticket(w):
    if not hasattr(w, "_ticket"):
        services.set_rule(w.secretary, w.compound_a, "facade_ac", w.organisation.id)
        w._ticket = services.create_ticket(
            w.resident, compound_id=w.compound_a.id, category="facade_ac",
            description="空调震动", household_id=w.household_a.id)
    return w._ticket


def _rule(w):
    return services.set_rule(w.secretary, w.compound_a, "roads", w.organisation.id)


# A private ticket: reporter, handler and the compound's moderators see it.
VIEWERS = dict(other_resident=HIDDEN, other_secretary=HIDDEN)

EXAMPLES = {
    "tickets.show": lambda w: [("GET", f"/tickets/{_ticket(w).id}", expect(OK, **VIEWERS))],
    # Empty POSTs: the handler's acknowledge succeeds; the others may see but not do.
    "tickets.act": lambda w: [
        ("POST", f"/tickets/{_ticket(w).id}/act/acknowledge",
         expect(FORBIDDEN, staff=OK, **VIEWERS)),
        ("POST", f"/tickets/{_ticket(w).id}/act/confirm",
         expect(OK, **VIEWERS)),  # illegal in this state: the form page answers (409)
    ],
    "tickets.add_update": lambda w: [
        ("POST", f"/tickets/{_ticket(w).id}/updates",
         expect(OK, **VIEWERS)),  # empty body: the page answers with the error (422)
    ],
    "tickets.me_too": lambda w: [
        ("POST", f"/tickets/{_ticket(w).id}/me-too",
         only("resident", "other_resident", other_resident=HIDDEN)),
    ],
    "tickets.chase_ticket": lambda w: [       # not overdue: the page answers (409)
        ("POST", f"/tickets/{_ticket(w).id}/chase",
         only("resident", "other_resident", other_resident=HIDDEN)),
    ],
    "tickets.redact": lambda w: [
        ("POST", f"/tickets/{_ticket(w).id}/redact",
         expect(OK, resident=FORBIDDEN, **VIEWERS)),
    ],
    "tickets.rules": lambda w: [
        ("GET", f"/tickets/compounds/{w.compound_a.id}/rules",
         only("secretary", "street_admin", other_secretary=HIDDEN)),
    ],
    "tickets.delete_rule": lambda w: [
        ("POST", f"/tickets/rules/{_rule(w).id}/delete",
         only("secretary", "street_admin", other_secretary=HIDDEN)),
    ],
    "tickets.public_summary": lambda w: [
        ("GET", f"/tickets/compounds/{w.compound_a.id}/summary", PUBLIC),
    ],
    "api.tickets_detail": lambda w: [
        ("GET", f"/api/v1/tickets/{_ticket(w).id}", expect(OK, **VIEWERS)),
    ],
    "api.tickets_transition": lambda w: [
        ("POST", f"/api/v1/tickets/{_ticket(w).id}/transitions",
         expect(OK, **VIEWERS)),  # no JSON body: 400 for whoever may see it
    ],
    "api.tickets_update": lambda w: [
        ("POST", f"/api/v1/tickets/{_ticket(w).id}/updates", expect(OK, **VIEWERS)),
    ],
    # The reporter confirms, or a secretary on their behalf: the contractor and the
    # street office are refused before the body is read
    "api.tickets_confirmation": lambda w: [
        ("POST", f"/api/v1/tickets/{_ticket(w).id}/confirmation",
         expect(OK, **VIEWERS, staff=FORBIDDEN, street_admin=FORBIDDEN)),
    ],
}

EXAMPLES["tickets.sla_settings"] = lambda w: [
    ("GET", "/tickets/sla", only("secretary", "other_secretary", "street_admin")),
]
EXAMPLES["tickets.sla_save"] = lambda w: [
    # Only the street office edits service levels (an empty form answers 422).
    ("POST", "/tickets/sla", only("street_admin")),
]

"""Routing a ticket to the party responsible for it (DESIGN §5).

Order: an active warranty (保修协议) covering that part → the party that signed
it; else the routing rule for (renovation project or compound, category); else
the community's secretaries.  A ticket is never routed nowhere, and the basis
is kept on the ticket so its page can say "routed to X because …"."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import joinedload

from ..dates import SHANGHAI
from ..directory.models import Organisation
from ..extensions import db
from ..models import utcnow
from ..renovation.warranties import active_warranty_for
from .models import RoutingRule

WARRANTY, RULE, SECRETARIES, MANUAL = "warranty", "rule", "secretaries", "manual"


@dataclass
class Decision:
    organisation_id: int | None
    basis: str
    warranty_id: int | None = None
    warranty_until: date | None = None
    warranty_title: str = ""
    # The organisation itself when the decision has it at hand (saves loading it again).
    organisation: object = field(default=None, repr=False, compare=False)


def _warranty(ticket, at):
    """A warranty runs to the end of its last day in Beijing: the provider gets
    the local time (stored times are UTC), so 01:00 the next morning is past it."""
    return active_warranty_for(ticket.compound_id, ticket.category.name, building_id=ticket.building_id,
                  household_id=ticket.household_id, at=(at or utcnow()) + SHANGHAI)


def find_rule(compound_id, category):
    """The most specific rule: one naming a renovation project of the compound
    wins over the compound-wide one."""
    rules = db.session.scalars(
        db.select(RoutingRule)
        .where(RoutingRule.compound_id == compound_id, RoutingRule.category == category)
        .options(joinedload(RoutingRule.organisation))).all()
    rules.sort(key=lambda r: (r.project_id is None, r.id))
    return rules[0] if rules else None


def decide(ticket, at=None):
    """Who ``ticket`` goes to and on what basis: warranty, rule or secretaries."""
    warranty = _warranty(ticket, at)
    if warranty is not None:
        return Decision(warranty.organisation_id, WARRANTY, warranty.id, warranty.ends_on,
                        warranty.title or "",
                        organisation=getattr(warranty, "organisation", None))
    rule = find_rule(ticket.compound_id, ticket.category)
    if rule is not None:
        return Decision(rule.organisation_id, RULE, organisation=rule.organisation)
    return Decision(None, SECRETARIES)


def assign(ticket, decision):
    ticket.organisation_id = decision.organisation_id
    ticket.routing_basis = decision.basis
    ticket.warranty_id = decision.warranty_id
    ticket.warranty_until = decision.warranty_until
    ticket.warranty_title = decision.warranty_title
    if decision.organisation_id is None:
        ticket.organisation = None
    elif decision.organisation is not None and \
            decision.organisation.id == decision.organisation_id:
        ticket.organisation = decision.organisation
    else:
        ticket.organisation = db.session.get(Organisation, decision.organisation_id)

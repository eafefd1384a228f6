"""Filing tickets, "me too", updates, redaction, routing rules and queries
(DESIGN §5).  Plain functions: the acting user and plain data in, model
objects out; they flush, never commit."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..auth.models import RoleAssignment, RoleKind
from ..directory.models import Building, Compound, Household, Organisation
from ..errors_domain import Conflict, InvalidInput, NotAllowed, NotFound
from ..extensions import db
from ..models import utcnow
from ..renovation.services import projects_by_id
from ..uploads import services as uploads
from . import notices, routing, sla, workflow
from .models import (OPEN_STATUSES, Affected, Category, EventKind, RoutingRule, Source,
                     Status, Ticket, TicketEvent)

MAX_DESCRIPTION = 4000
MAX_PHOTOS = 4


CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def clean(text):
    """Text as stored: no NULs or other control characters (PostgreSQL refuses NULs)."""
    return (text or "").translate(CONTROL)


def as_id(text):
    """A database id from user text (ASCII digits, within a 32-bit integer) or None."""
    text = str(text if text is not None else "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def parse_category(value, field="category"):
    if isinstance(value, Category):
        return value
    try:
        return Category[value]
    except (KeyError, TypeError):
        raise InvalidInput(_l("Choose a category from the list."), field)


def check_text(text, field, message, limit=MAX_DESCRIPTION):
    text = clean(text).strip()
    if not text:
        raise InvalidInput(message, field)
    if len(text) > limit:
        raise InvalidInput(_l("At most %(max)d characters.", max=limit), field)
    return text


def users_with_role(kind, **place):
    """Ids of the users holding role ``kind`` at ``place`` (e.g. community_id=3)."""
    query = db.select(RoleAssignment.user_id).where(RoleAssignment.kind == RoleKind[kind])
    for column, value in place.items():
        query = query.where(getattr(RoleAssignment, column) == value)
    return set(db.session.scalars(query))


def handler_user_ids(ticket):
    """Who works the ticket: the organisation's staff, or the secretaries."""
    if ticket.organisation_id is None:
        return secretary_user_ids(ticket)
    return users_with_role("staff", organisation_id=ticket.organisation_id)


def secretary_user_ids(ticket):
    return users_with_role("secretary", community_id=ticket.community_id)


def ticket_url(ticket):
    """A path, so notifications can be written outside a request (the sweep)."""
    return f"/tickets/{ticket.id}"


def may_file_in(actor, compound):
    """Residents of the compound, its secretaries and street office, and the
    organisations working there (problems found on site); None = the system."""
    if actor is None:
        return True
    return compound.can_manage(actor) or compound.id in actor.compound_ids() or \
        actor.works_in_compound(compound.id)


def _place(actor, compound, household_id, building_id, location_text):
    """(household id, building id) of the place filed about; a household's
    building is its own."""
    if household_id:
        household = db.session.get(Household, household_id)
        if household is None or household.compound_id != compound.id:
            raise InvalidInput(_l("Choose a household of this compound."), "where")
        if actor is not None and not compound.can_manage(actor) and \
                household.id not in actor.household_ids():
            raise InvalidInput(_l("You can only file for your own household or a common "
                                  "area."), "where")
        return household.id, household.building_id
    if building_id:
        building = db.session.get(Building, building_id)
        if building is None or building.compound_id != compound.id:
            raise InvalidInput(_l("Choose a building of this compound."), "where")
        return None, building.id
    if not (location_text or "").strip():
        raise InvalidInput(_l("Say where the problem is: your household, a building or "
                              "a common area."), "where")
    return None, None


def create_ticket(actor, *, compound_id, category, description, household_id=None,
                  building_id=None, location_text="", emergency=False, public=False,
                  anonymous=False, source="web", reporter=None, contact=None, lat=None,
                  long=None, media_url="", api_key_id=None, photos=(), now=None,
                  share_phone=False, kept=()):
    """File a ticket and route it at once (a ticket is never left unrouted).

    Staff at the reception room (群众接待室) file on behalf of a resident:
    ``reporter`` is then that resident (or None with ``contact``) and the
    ticket records who filed it.

    ``photos`` are the files sent; ``kept`` the photos kept from the same
    form sent back before (``uploads.keep``), which go to the ticket too.

    The ticket is routed before it is stored, so it is written once, already
    routed; its timeline, audit entries and notification follow in the order
    things happened."""
    compound_id = as_id(compound_id)
    compound = db.session.get(Compound, compound_id, options=[
        joinedload(Compound.community)]) if compound_id else None
    if compound is None:
        raise InvalidInput(_l("Choose a compound."), "compound_id")
    if not may_file_in(actor, compound):
        raise NotAllowed(_l("You can only file tickets for a compound you live or work in."))
    category = parse_category(category)
    description = check_text(description, "description",
                             _l("Describe the problem in a few words."))
    household_id, building_id = _place(actor, compound, household_id, building_id,
                                       location_text)
    photos = uploads.given(photos)
    if len(photos) + len(kept) > MAX_PHOTOS:
        raise InvalidInput(_l("At most %(n)d photos.", n=MAX_PHOTOS), "photos")
    source = Source[source] if isinstance(source, str) else source
    on_behalf = actor is not None and reporter is not None and reporter.id != actor.id
    if reporter is None and source in (Source.web, Source.api):
        reporter = actor
    contact = contact or {}
    now = now or utcnow()
    ticket = Ticket(
        compound=compound, compound_id=compound.id, community_id=compound.community_id,
        household_id=household_id, building_id=building_id,
        location_text=clean(location_text).strip()[:200], category=category,
        description=description, emergency=bool(emergency), public=bool(public),
        anonymous=bool(anonymous), share_phone=bool(share_phone), source=source,
        reporter_id=reporter.id if reporter else None,
        filed_by_id=actor.id if actor is not None else None,
        contact_name=clean(contact.get("name"))[:120],
        contact_phone=clean(contact.get("phone"))[:40],
        contact_email=clean(contact.get("email"))[:254], media_url=clean(media_url)[:500],
        api_key_id=api_key_id, lat=lat, long=long, status=Status.submitted,
        created_at=now, updated_at=now)
    sla.start_clock(ticket, now)
    ticket.first_ack_due_at = ticket.ack_due_at
    # Not in the session yet, so the routing queries cannot flush it early.
    decision = routing.decide(ticket, at=now)
    routing.assign(ticket, decision)
    step = workflow.transition(None, ticket, "route", now=now)
    db.session.add(ticket)
    db.session.flush()
    workflow.add_event(ticket, EventKind.transition, actor=actor, action="submit",
                       to_status=Status.submitted, at=now, body="on_behalf" if on_behalf else "")
    record(actor, "ticket.created", ticket, object_id=ticket.id,
           community_id=ticket.community_id,
           summary=f"{ticket.number} {category.name}" + (" (on behalf)" if on_behalf else ""))
    uploads.attach(kept, "ticket", ticket.id)
    for photo in photos:
        uploads.store(photo, actor=actor, object_type="ticket", object_id=ticket.id)
    _routed(None, ticket, decision, step)
    return ticket


def route(actor, ticket, now=None, organisation_id=None, manual=False):
    """Apply the routing decision (or a secretary's choice) and say why."""
    now = now or utcnow()
    if manual:
        decision = routing.Decision(organisation_id, routing.MANUAL)
    else:
        decision = routing.decide(ticket, at=now)
    routing.assign(ticket, decision)
    step = workflow.transition(actor, ticket, "route", now=now) \
        if ticket.status is Status.submitted else None
    _routed(actor, ticket, decision, step, now=now)
    return decision


def _routed(actor, ticket, decision, step, now=None):
    """Write down a routing: its timeline event (then the route transition's,
    if it moved the ticket), the audit entry, and the notification to whoever
    works the ticket now."""
    now = step.at if step is not None else now
    name = ticket.organisation.name if ticket.organisation else ""
    workflow.add_event(ticket, EventKind.routing, actor=actor, action=decision.basis,
                       body=name, at=now)
    if step is not None:
        workflow.log(actor, ticket, step)
    record(actor, "ticket.routed", ticket, object_id=ticket.id,
           community_id=ticket.community_id,
           summary=f"{ticket.number} → {name or 'secretaries'} ({decision.basis})")
    notices.tell(handler_user_ids(ticket), "ticket.routed", notices.ROUTED, ticket,
                 ticket_url(ticket), actor, urgent=ticket.emergency)


def similar_open(actor, compound_id, building_id, category, exclude_id=None):
    """Open tickets of the same category in the same building (or common
    area) that ``actor`` may see: candidates for "me too"."""
    query = db.select(Ticket).where(
        Ticket.compound_id == compound_id, Ticket.category == parse_category(category),
        Ticket.status.in_(OPEN_STATUSES + (Status.resolved,)))
    query = query.where(Ticket.building_id == building_id) if building_id else \
        query.where(Ticket.building_id.is_(None))
    if exclude_id:
        query = query.where(Ticket.id != exclude_id)
    visible = db.or_(Ticket.public.is_(True), Ticket.reporter_id == getattr(actor, "id", -1))
    return db.session.scalars(query.where(visible).order_by(Ticket.id.desc()).limit(10)).all()


def lock_tickets(*tickets):
    """Take the tickets' row locks (in id order, so two requests locking the
    same pair never wait for each other) and read them again under them, with
    their affected households.  "Me too" and merging check who is counted and
    add to ``affected_count`` under this lock, so concurrent requests queue
    and none is counted twice or lost (DESIGN §8).  PostgreSQL: ``FOR NO KEY
    UPDATE`` held to the commit; SQLite serializes write requests itself.
    What the session holds is flushed first."""
    db.session.flush()
    for ticket in sorted(set(tickets), key=lambda t: t.id):
        db.session.refresh(ticket, with_for_update={"key_share": True})


def me_too(actor, ticket, household_id):
    """A household affected by the same problem joins the ticket; counts
    affected households once each."""
    if household_id not in actor.household_ids():
        raise InvalidInput(_l("Choose one of your households."), "household_id")
    household = db.session.get(Household, household_id)
    if household.compound_id != ticket.compound_id:
        raise InvalidInput(_l("This ticket is about another compound."), "household_id")
    lock_tickets(ticket)
    if not ticket.is_open:
        raise Conflict(_l("This ticket is already closed."))
    if household_id == ticket.household_id or any(
            a.household_id == household_id for a in ticket.affected):
        raise Conflict(_l("Your household is already counted on this ticket."))
    db.session.add(Affected(ticket_id=ticket.id, household_id=household_id, user_id=actor.id))
    ticket.affected_count += 1
    db.session.add(TicketEvent(ticket_id=ticket.id, kind=EventKind.me_too, actor_id=actor.id,
                               public=True))
    db.session.flush()
    db.session.expire(ticket, ["affected"])
    record(actor, "ticket.me_too", ticket, community_id=ticket.community_id,
           summary=f"{ticket.number} +1 household", changes={
               "affected_count": (ticket.affected_count - 1, ticket.affected_count)})
    return ticket


def add_update(actor, ticket, body, public=True):
    """A note on the timeline: staff post public or internal ones, the
    reporter public ones."""
    staff = ticket.can_see_internal(actor)
    if not (staff or ticket.is_reporter(actor)):
        raise NotAllowed(_l("You may not post updates on this ticket."))
    if not ticket.takes_updates:
        raise Conflict(_l("This ticket is closed and takes no more updates. If the problem "
                          "is back, use “Report a problem” and mention this ticket's number."), "body")
    body = check_text(body, "body", _l("Write the update."))
    event = TicketEvent(ticket_id=ticket.id, kind=EventKind.update, actor_id=actor.id,
                        body=body, public=bool(public) or not staff)
    db.session.add(event)
    ticket.updated_at = utcnow()
    db.session.flush()
    record(actor, "ticket.update", ticket, community_id=ticket.community_id,
           summary=f"{ticket.number} {'public' if event.public else 'internal'} update")
    if event.public and ticket.reporter_id and ticket.reporter_id != actor.id:
        notices.tell([ticket.reporter_id], "ticket.update", notices.UPDATED, ticket,
                     ticket_url(ticket), actor)
    return event


def redact(actor, ticket, text, event_id=None, hide=False):
    """Staff hide or redact text; the original is kept for moderators."""
    if not ticket.can_see_internal(actor):
        raise NotAllowed(_l("You may not moderate this ticket."))
    if event_id:
        target = db.session.get(TicketEvent, event_id)
        if target is None or target.ticket_id != ticket.id or not target.body:
            raise NotFound(_l("There is no such text on this ticket."))
    else:
        target = None
    text = clean(text).strip()
    if not hide and not text:
        raise InvalidInput(_l("Write the text to show instead."), "text")
    if len(text) > MAX_DESCRIPTION:
        raise InvalidInput(_l("At most %(max)d characters.", max=MAX_DESCRIPTION), "text")
    if target is None:
        if ticket.description_original is None:
            ticket.description_original = ticket.description
        ticket.description = text or str(_l("[hidden by staff]"))
    else:
        if target.body_original is None:
            target.body_original = target.body
        target.body = text
        target.hidden = bool(hide)
    db.session.add(TicketEvent(ticket_id=ticket.id, kind=EventKind.redaction,
                               actor_id=actor.id, public=False))
    db.session.flush()
    record(actor, "ticket.redacted", ticket, community_id=ticket.community_id,
           summary=f"{ticket.number} event {event_id or 'description'}")


# ---- routing rules ---------------------------------------------------------

def set_rule(actor, compound, category, organisation_id, project_id=None):
    """Secretaries map (compound or renovation project, category) to an
    organisation working in that compound."""
    if not compound.can_manage(actor):
        raise NotAllowed(_l("You may not manage this compound's routing."))
    category = parse_category(category)
    org = db.session.get(Organisation, organisation_id) if organisation_id else None
    if org is None:
        raise InvalidInput(_l("Choose an organisation."), "organisation_id")
    if project_id is not None:
        project = projects_by_id([project_id]).get(project_id)
        if project is None or project.compound_id != compound.id:
            raise InvalidInput(_l("No renovation project of this compound has this number."),
                               "project_id")
    rule = _rule(compound.id, category, project_id)
    old = rule.organisation_id if rule else None
    if rule is None:
        try:
            with db.session.begin_nested():
                rule = RoutingRule(compound_id=compound.id, category=category,
                                   project_id=project_id, organisation_id=org.id)
                db.session.add(rule)
        except IntegrityError:
            # Saved by someone else at the same moment (the unique keys let one
            # insert): this request changes that rule, as if it had come second.
            rule = _rule(compound.id, category, project_id)
            old = rule.organisation_id
    rule.organisation_id = org.id
    db.session.flush()
    record(actor, "ticket.rule_set", rule, community_id=compound.community_id,
           summary=f"{compound.code} {category.name} → {org.name}",
           changes={"organisation_id": (old, org.id)})
    return rule


def _rule(compound_id, category, project_id):
    return db.session.scalar(db.select(RoutingRule).where(
        RoutingRule.compound_id == compound_id, RoutingRule.category == category,
        RoutingRule.project_id.is_(None) if project_id is None
        else RoutingRule.project_id == project_id))


def delete_rule(actor, rule):
    if not rule.compound.can_manage(actor):
        raise NotAllowed(_l("You may not manage this compound's routing."))
    record(actor, "ticket.rule_deleted", rule, community_id=rule.compound.community_id,
           summary=f"{rule.compound.code} {rule.category.name}")
    db.session.delete(rule)
    db.session.flush()


def rules_for(compound):
    return db.session.scalars(db.select(RoutingRule).where(
        RoutingRule.compound_id == compound.id).order_by(RoutingRule.category)).all()


def organisations_for(compound):
    return list(compound_organisations(compound.id))


def compound_organisations(compound_id):
    from ..directory.models import organisation_compound
    return db.session.scalars(db.select(Organisation).join(
        organisation_compound, organisation_compound.c.organisation_id == Organisation.id)
        .where(organisation_compound.c.compound_id == compound_id)
        .order_by(Organisation.name)).all()

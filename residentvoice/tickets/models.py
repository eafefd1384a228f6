"""Tickets (投诉工单): complaint, location, category, routing, SLA clock, updates,
resolution, resident confirmation and satisfaction (DESIGN §3, §5)."""
import enum
import secrets

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import TimestampMixin


class Category(enum.Enum):
    """Ticket categories; renovation warranties name covered parts by these codes."""
    water_drainage = _l("Water supply and drainage")
    facade_ac = _l("Facade / AC brackets")
    insulation = _l("Insulation")
    roads = _l("Roads")
    rain_sewage = _l("Rain/sewage separation")
    charging_piles = _l("Charging piles")
    bike_sheds = _l("Bike sheds")
    trash_stations = _l("Trash stations")
    greenery = _l("Greenery")
    noise = _l("Noise")
    other = _l("Other")


class Status(enum.Enum):
    submitted = _l("Submitted")
    routed = _l("Routed")
    acknowledged = _l("Acknowledged")
    in_progress = _l("Being handled")
    resolved = _l("Resolved, awaiting confirmation")
    closed = _l("Ticket closed")
    reopened = _l("Reopened")
    not_responsible = _l("Handed back: not responsible")
    duplicate = _l("Duplicate")


OPEN_STATUSES = (Status.submitted, Status.routed, Status.acknowledged, Status.in_progress,
                 Status.reopened, Status.not_responsible)
# Tickets still waiting for the organisation to act (the SLA clock runs).
CLOCK_STATUSES = (Status.routed, Status.acknowledged, Status.in_progress, Status.reopened,
                  Status.not_responsible)
# Of those, the ones the organisation has not acknowledged yet.
WAITING_ACK = (Status.routed, Status.reopened, Status.not_responsible)
# Nothing is due any more.
FINISHED_STATUSES = (Status.closed, Status.duplicate)


def deadlines(status, ack_due_at, resolve_due_at):
    """``(due_at, overdue_at)`` stored on a ticket, so the queue sorts and
    filters on indexed columns (the one rule; kept by ``_store_deadlines``).

    ``due_at``, the deadline that matters now (the queue's order): acknowledging
    while waiting for acknowledgement, else resolving; none once closed or
    merged.  ``overdue_at``, when the organisation is late: the earlier of both
    deadlines while not yet acknowledged, the resolve deadline while working,
    never otherwise (resolved, submitted, closed, merged)."""
    status = status or Status.submitted
    if status in FINISHED_STATUSES:
        due_at = None
    elif status in WAITING_ACK:
        due_at = ack_due_at
    else:
        due_at = resolve_due_at
    overdue_at = None
    if status in WAITING_ACK:
        present = [d for d in (ack_due_at, resolve_due_at) if d is not None]
        overdue_at = min(present) if present else None
    elif status in CLOCK_STATUSES:
        overdue_at = resolve_due_at
    return due_at, overdue_at


class Closure(enum.Enum):
    """How a closed ticket ended. Only ``fixed`` counts as resolved anywhere."""
    fixed = _l("Closed as fixed")
    not_fixed = _l("Closed, not fixed")
    unconfirmed = _l("Closed without confirmation")


class Source(enum.Enum):
    web = _l("Web")
    reception = _l("Reception room (on behalf)")
    api = _l("API")
    open311 = _l("Open311")


def number_of(ticket_id):
    """A ticket's number as people read and quote it: T000012."""
    return f"T{ticket_id:06d}"


class Ticket(TimestampMixin, db.Model):
    """A complaint about a household or a common part of a compound."""
    __table_args__ = (
        db.Index("ix_ticket_queue", "organisation_id", "status", "resolve_due_at"),
        db.Index("ix_ticket_compound_category", "compound_id", "category", "status"),
        # The queue: one organisation's or community's tickets by deadline
        # (closed and merged ones have none and come last).
        db.Index("ix_ticket_organisation_due", "organisation_id", "due_at", "id"),
        db.Index("ix_ticket_community_due", "community_id", "due_at", "id"),
        # The dashboard: the weekly chart and medians (filed since), and the
        # tickets closed since ``ticket_stats`` was counted.
        db.Index("ix_ticket_created_at", "created_at"),
        db.Index("ix_ticket_closed_at", "closed_at"),
    )
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    community_id = db.Column(db.ForeignKey("community.id"), nullable=False, index=True)
    building_id = db.Column(db.ForeignKey("building.id"), index=True)
    household_id = db.Column(db.ForeignKey("household.id"), index=True)
    location_text = db.Column(db.String(200), nullable=False, default="")
    lat = db.Column(db.Numeric(9, 6))
    long = db.Column(db.Numeric(9, 6))
    category = db.Column(db.Enum(Category, native_enum=False, length=24), nullable=False)
    description = db.Column(db.Text, nullable=False)
    # The text as first written, kept for moderators when staff redact it.
    description_original = db.Column(db.Text)
    emergency = db.Column(db.Boolean, nullable=False, default=False)
    public = db.Column(db.Boolean, nullable=False, default=False)
    anonymous = db.Column(db.Boolean, nullable=False, default=False)
    # The reporter lets the staff handling it see their mobile number (issue 17 §7).
    share_phone = db.Column(db.Boolean, nullable=False, default=False)
    source = db.Column(db.Enum(Source, native_enum=False, length=16), nullable=False,
                       default=Source.web)
    reporter_id = db.Column(db.ForeignKey("user.id"), index=True)
    filed_by_id = db.Column(db.ForeignKey("user.id"))
    contact_name = db.Column(db.String(120), nullable=False, default="")
    contact_phone = db.Column(db.String(40), nullable=False, default="")
    contact_email = db.Column(db.String(254), nullable=False, default="")
    media_url = db.Column(db.String(500), nullable=False, default="")
    api_key_id = db.Column(db.Integer)
    token = db.Column(db.String(32), nullable=False, unique=True,
                      default=lambda: secrets.token_hex(12))

    status = db.Column(db.Enum(Status, native_enum=False, length=20), nullable=False,
                       default=Status.submitted, index=True)
    closure = db.Column(db.Enum(Closure, native_enum=False, length=16))
    # Routing: an organisation, or None = the community's secretaries.
    organisation_id = db.Column(db.ForeignKey("organisation.id"), index=True)
    # Why it went there: "warranty", "rule", "secretaries" or "manual" (rerouted).
    routing_basis = db.Column(db.String(16), nullable=False, default="")
    warranty_title = db.Column(db.String(200), nullable=False, default="")
    warranty_id = db.Column(db.Integer)
    warranty_until = db.Column(db.Date)
    duplicate_of_id = db.Column(db.ForeignKey("ticket.id"))

    first_ack_due_at = db.Column(db.DateTime)  # for 响应率: the first deadline counts
    ack_due_at = db.Column(db.DateTime)
    resolve_due_at = db.Column(db.DateTime)
    # Derived from status and the two deadlines by ``deadlines()`` on every flush.
    due_at = db.Column(db.DateTime)
    overdue_at = db.Column(db.DateTime, index=True)  # the sweep: overdue_at < now
    planned_for = db.Column(db.Date)
    acknowledged_at = db.Column(db.DateTime)
    first_acknowledged_at = db.Column(db.DateTime)
    resolved_at = db.Column(db.DateTime)
    closed_at = db.Column(db.DateTime)
    updated_at = db.Column(db.DateTime)
    reopen_count = db.Column(db.Integer, nullable=False, default=0)
    escalation_level = db.Column(db.Integer, nullable=False, default=0)
    escalated_at = db.Column(db.DateTime)
    rating = db.Column(db.Integer)
    rating_comment = db.Column(db.Text, nullable=False, default="")
    resolution_note = db.Column(db.Text, nullable=False, default="")
    affected_count = db.Column(db.Integer, nullable=False, default=1)

    compound = db.relationship("Compound")
    community = db.relationship("Community")
    building = db.relationship("Building")
    household = db.relationship("Household")
    organisation = db.relationship("Organisation")
    reporter = db.relationship("User", foreign_keys=[reporter_id])
    filed_by = db.relationship("User", foreign_keys=[filed_by_id])
    duplicate_of = db.relationship("Ticket", remote_side=[id])

    @property
    def number(self):
        return number_of(self.id)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES or self.status is Status.resolved

    @property
    def street_office_id(self):
        return self.community.street_office_id

    @property
    def takes_updates(self):
        """A closed or merged ticket's timeline is finished."""
        return self.status not in (Status.closed, Status.duplicate)

    # ---- who is who (plain, no queries beyond the loaded relationships) ----
    def is_reporter(self, user):
        return bool(user and user.is_authenticated and self.reporter_id == user.id)

    def is_moderator(self, user):
        """Secretaries of the community and admins of its street office."""
        return bool(user and user.is_authenticated) and (
            user.is_secretary_of(self.community_id)
            # (the community, for its street office, is read only for a street admin)
            or (bool(user.street_office_ids())
                and user.is_street_admin_of(self.street_office_id)))

    def is_secretary(self, user):
        """Secretaries of the ticket's community (not the street office)."""
        return bool(user and user.is_authenticated) and user.is_secretary_of(self.community_id)

    def is_handler(self, user):
        """Whoever the ticket is routed to: the organisation's staff, or the
        community's secretaries when no organisation is responsible."""
        if not (user and user.is_authenticated):
            return False
        if self.organisation_id is None:
            return user.is_secretary_of(self.community_id)
        return user.is_staff_of(self.organisation_id)

    def is_affected(self, user):
        if not (user and user.is_authenticated):
            return False
        households = user.household_ids()
        if self.household_id in households:
            return True
        return any(a.household_id in households for a in self.affected)

    def can_view(self, user):
        """404 for a private ticket of another household and for an
        organisation the ticket is not routed to (DESIGN §5)."""
        if not (user and user.is_authenticated):
            return False
        if self.is_reporter(user) or self.is_moderator(user) or self.is_handler(user):
            return True
        if self.is_affected(user):
            return True
        return self.public and self.compound_id in user.compound_ids()

    def can_see_internal(self, user):
        return self.is_moderator(user) or self.is_handler(user)

    def can_post_update(self, user):
        """Staff working on the ticket, and its reporter."""
        return self.can_see_internal(user) or self.is_reporter(user)

    def can_confirm(self, user):
        """The reporter, or a secretary on their behalf (DESIGN §5)."""
        return self.is_reporter(user) or self.is_secretary(user)

    def phone_for(self, user):
        """The number the staff handling it may call: the reporter's mobile
        when they allowed it, else a phone given at the reception room; ""
        for everyone else."""
        if not self.can_see_internal(user):
            return ""
        if self.reporter is not None and self.share_phone:
            return self.reporter.phone
        return self.contact_phone

    def reporter_label(self, user):
        """Anonymous reporters are named only to staff."""
        name = self.reporter.name if self.reporter else self.contact_name
        if self.anonymous and not (self.can_see_internal(user) or self.is_reporter(user)):
            return _l("Anonymous resident")
        return name or _l("Resident")


DEADLINE_INPUTS = ("status", "ack_due_at", "resolve_due_at")


@db.event.listens_for(Ticket, "before_insert")
@db.event.listens_for(Ticket, "before_update")
def _store_deadlines(_mapper, _connection, ticket):
    """Whatever changes a ticket's status or deadlines (the workflow, the
    sweep, rerouting, the demo, the API, Open311) goes through a flush, and
    the flush stores ``due_at``/``overdue_at`` from them."""
    state = db.inspect(ticket)
    if state.key is not None and not any(
            state.attrs[name].history.has_changes() for name in DEADLINE_INPUTS):
        return
    ticket.due_at, ticket.overdue_at = deadlines(ticket.status, ticket.ack_due_at,
                                                 ticket.resolve_due_at)


class Affected(TimestampMixin, db.Model):
    """A household that says "me too" (counts affected households)."""
    __tablename__ = "ticket_affected"
    # (user, ticket): "my tickets" finds the tickets a user joined from the index alone.
    __table_args__ = (db.UniqueConstraint("ticket_id", "household_id"),
                      db.Index("ix_ticket_affected_user", "user_id", "ticket_id"))
    id = db.Column(db.Integer, primary_key=True)
    ticket_id = db.Column(db.ForeignKey("ticket.id"), nullable=False, index=True)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    user = db.relationship("User")


Ticket.affected = db.relationship(Affected, order_by=Affected.id, lazy="selectin")


class EventKind(enum.Enum):
    transition = _l("Status change")
    routing = _l("Routing")
    update = _l("Update")
    escalation = _l("Escalation")
    redaction = _l("Redaction")
    me_too = _l("Me too")


class TicketEvent(TimestampMixin, db.Model):
    """One line of the ticket's timeline: a transition, routing, update or
    escalation.  ``body_original`` keeps redacted text for moderators."""
    __tablename__ = "ticket_event"
    id = db.Column(db.Integer, primary_key=True)
    ticket_id = db.Column(db.ForeignKey("ticket.id"), nullable=False, index=True)
    kind = db.Column(db.Enum(EventKind, native_enum=False, length=16), nullable=False)
    actor_id = db.Column(db.ForeignKey("user.id"))
    action = db.Column(db.String(24), nullable=False, default="")
    from_status = db.Column(db.Enum(Status, native_enum=False, length=20))
    to_status = db.Column(db.Enum(Status, native_enum=False, length=20))
    body = db.Column(db.Text, nullable=False, default="")
    body_original = db.Column(db.Text)
    hidden = db.Column(db.Boolean, nullable=False, default=False)
    public = db.Column(db.Boolean, nullable=False, default=True)
    level = db.Column(db.Integer)
    actor = db.relationship("User")


class RoutingRule(TimestampMixin, db.Model):
    """(compound or renovation project, category) → responsible organisation.

    A rule naming a project (``ref_kind`` "project") applies to the project's
    compound; the most specific rule (project, then compound) wins.  One rule
    per (compound, category, project) and one compound-wide rule per
    (compound, category): the unique constraint alone lets NULL project ids
    repeat, the partial unique index does not."""
    __tablename__ = "ticket_routing_rule"
    __table_args__ = (db.UniqueConstraint("compound_id", "category", "project_id"),
                      db.Index("uq_ticket_routing_rule_compound_wide", "compound_id", "category",
                               unique=True, sqlite_where=db.text("project_id IS NULL"),
                               postgresql_where=db.text("project_id IS NULL")))
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    project_id = db.Column(db.Integer)
    category = db.Column(db.Enum(Category, native_enum=False, length=24), nullable=False)
    organisation_id = db.Column(db.ForeignKey("organisation.id"), nullable=False)
    compound = db.relationship("Compound")
    organisation = db.relationship("Organisation")

    def can_view(self, user):
        """The compound's managers (secretaries, the street office)."""
        return self.compound.can_manage(user)


class SlaPolicy(db.Model):
    """Time to acknowledge and to resolve, per category (key "emergency" for
    emergencies of any category), editable by the street office."""
    __tablename__ = "ticket_sla_policy"
    key = db.Column(db.String(24), primary_key=True)
    ack_minutes = db.Column(db.Integer, nullable=False)
    resolve_minutes = db.Column(db.Integer, nullable=False)
    updated_at = db.Column(db.DateTime)
    updated_by_id = db.Column(db.ForeignKey("user.id"))

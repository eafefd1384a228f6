"""Users, their place-scoped roles, invitation codes and API tokens (DESIGN §3)."""
import enum
import hashlib
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import TimestampMixin, utcnow


class RoleKind(enum.Enum):
    resident = _l("Resident")
    secretary = _l("Community secretary")
    staff = _l("Organisation staff")
    street_admin = _l("Street office admin")


class Relation(enum.Enum):
    """How a resident relates to their household."""
    owner = _l("Owner")
    co_owner = _l("Co-owner")
    tenant = _l("Tenant")
    family = _l("Family member")


class NotifyMode(enum.Enum):
    immediate = _l("Immediately")
    digest = _l("Daily digest")


class User(UserMixin, TimestampMixin, db.Model):
    """A person who logs in with a mainland mobile number and a password."""
    id = db.Column(db.Integer, primary_key=True)
    phone = db.Column(db.String(11), nullable=False, unique=True)
    name = db.Column(db.String(60), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    email = db.Column(db.String(254))
    birth_year = db.Column(db.Integer)
    locale = db.Column(db.String(8))
    # Elder mode (长辈版, issue 18): the column keeps the name of the 大字模式 it grew from.
    large_text = db.Column(db.Boolean, nullable=False, default=False)
    # Answered the one-time offer of elder mode shown after the first sign-in.
    elder_offer_answered = db.Column(db.Boolean, nullable=False, default=False,
                                     server_default=db.false())
    notify_mode = db.Column(db.Enum(NotifyMode, native_enum=False, length=16),
                            nullable=False, default=NotifyMode.immediate)
    active = db.Column(db.Boolean, nullable=False, default=True)
    roles = db.relationship("RoleAssignment", back_populates="user",
                            cascade="all, delete-orphan", lazy="selectin")

    @property
    def is_active(self):
        return self.active

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    # Flask-Login keeps ``get_id()`` in the session cookie: the id of this
    # browser's UserSession, not the user's id, so ending the row ends the cookie.
    session_token = None
    session_row = None

    def get_id(self):
        return self.session_token

    # UserMixin compares users by ``get_id()``, which is a session's id here (None
    # for every user not signed in on this request): compare by the row instead.
    __hash__ = object.__hash__

    def __eq__(self, other):
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def is_adult(self, today=None):
        """Residents' votes are for residents aged 18 or more; unknown age counts as adult."""
        if self.birth_year is None:
            return True
        year = (today or utcnow()).year
        return year - self.birth_year >= 18

    # Role queries. Roles are loaded with the user (selectin), so these do not query.
    def has_any_role(self, *kinds):
        names = {k.name if isinstance(k, RoleKind) else k for k in kinds}
        return any(r.kind.name in names for r in self.roles)

    def roles_of(self, kind):
        return [r for r in self.roles if r.kind is kind]

    def household_ids(self):
        return {r.household_id for r in self.roles_of(RoleKind.resident)}

    def resident_roles(self):
        return self.roles_of(RoleKind.resident)

    def relation_to(self, household_id):
        for r in self.roles_of(RoleKind.resident):
            if r.household_id == household_id:
                return r.relation
        return None

    def compound_ids(self):
        return {r.household.compound_id for r in self.roles_of(RoleKind.resident)}

    def community_ids(self):
        return {r.community_id for r in self.roles_of(RoleKind.secretary)}

    def organisation_ids(self):
        return {r.organisation_id for r in self.roles_of(RoleKind.staff)}

    def street_office_ids(self):
        return {r.street_office_id for r in self.roles_of(RoleKind.street_admin)}

    def is_secretary_of(self, community_id):
        return community_id in self.community_ids()

    def is_staff_of(self, organisation_id):
        return organisation_id in self.organisation_ids()

    def is_street_admin_of(self, street_office_id):
        return street_office_id in self.street_office_ids()

    def works_in_compound(self, compound_id):
        return any(compound_id in {c.id for c in r.organisation.compounds}
                   for r in self.roles_of(RoleKind.staff))

    def managed_communities(self):
        """The communities this user manages (as secretary, or over a street
        office), as a query of their ids: a street office's hundreds of
        communities stay in the database instead of in every statement."""
        from ..directory.models import Community
        return db.select(Community.id).where(db.or_(
            Community.id.in_(self.community_ids()),
            Community.street_office_id.in_(self.street_office_ids())))

    def managed_community_ids(self):
        """The ids of ``managed_communities`` (a secretary's without a query)."""
        ids = set(self.community_ids())
        if self.street_office_ids():
            ids |= set(db.session.scalars(self.managed_communities()))
        return ids

    def managed_compound_ids(self):
        """Compounds of the communities this user manages (one query)."""
        from ..directory.models import Community, Compound
        communities, offices = self.community_ids(), self.street_office_ids()
        if not communities and not offices:
            return set()
        return set(db.session.scalars(
            db.select(Compound.id).join(Community, Community.id == Compound.community_id)
            .where(db.or_(Compound.community_id.in_(communities or {-1}),
                          Community.street_office_id.in_(offices or {-1})))))


class RoleAssignment(TimestampMixin, db.Model):
    """A role scoped to one place: a household, a community, an organisation or
    a street office, according to its kind."""
    __table_args__ = (
        db.UniqueConstraint("user_id", "kind", "household_id", "community_id",
                            "organisation_id", "street_office_id"),
    )
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    kind = db.Column(db.Enum(RoleKind, native_enum=False, length=16), nullable=False)
    relation = db.Column(db.Enum(Relation, native_enum=False, length=16))
    household_id = db.Column(db.ForeignKey("household.id"), index=True)
    community_id = db.Column(db.ForeignKey("community.id"), index=True)
    organisation_id = db.Column(db.ForeignKey("organisation.id"), index=True)
    street_office_id = db.Column(db.ForeignKey("street_office.id"), index=True)
    user = db.relationship(User, back_populates="roles")
    household = db.relationship("Household", lazy="joined")
    community = db.relationship("Community")
    organisation = db.relationship("Organisation")
    street_office = db.relationship("StreetOffice")

    @property
    def place(self):
        return self.household or self.community or self.organisation or self.street_office


INVITATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_invitation_code():
    return "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(8))


class InvitationCode(TimestampMixin, db.Model):
    """A household invitation code, printed on a letter delivered door to door.

    Delivering the letter is how eligibility is verified; the code binds the
    person who registers with it to that household.  Single use: once a person
    registers with it, it is spent; it also expires."""
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(16), nullable=False, unique=True)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False, index=True)
    issued_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    expires_at = db.Column(db.DateTime, nullable=False)
    used_at = db.Column(db.DateTime)
    used_by_id = db.Column(db.ForeignKey("user.id"))
    revoked_at = db.Column(db.DateTime)
    household = db.relationship("Household")
    issued_by = db.relationship(User, foreign_keys=[issued_by_id])
    used_by = db.relationship(User, foreign_keys=[used_by_id])

    def is_usable(self, now=None):
        now = now or utcnow()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now

    def can_manage(self, user):
        """Revoked by whoever manages its household."""
        return self.household.can_manage(user)


class PasswordResetCode(TimestampMixin, db.Model):
    """One-time code a secretary prints for a resident who forgot the password."""
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    code_hash = db.Column(db.String(64), nullable=False)
    issued_by_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    expires_at = db.Column(db.DateTime, nullable=False)
    used_at = db.Column(db.DateTime)
    user = db.relationship(User, foreign_keys=[user_id])


def hash_token(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class UserSession(db.Model):
    """One signed-in browser.  The session cookie carries a random id whose hash
    is ``token_hash``; a remembered browser also holds ``rv_remember`` =
    ``<id>.<secret>``, whose secret is stored hashed and replaced each time it
    restores a session.  Logout ends the row; a password change or reset ends
    all the user's rows (DESIGN §8)."""
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    remember_hash = db.Column(db.String(64))
    previous_remember_hash = db.Column(db.String(64))
    rotated_at = db.Column(db.DateTime)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    last_seen_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    expires_at = db.Column(db.DateTime, nullable=False)
    ended_at = db.Column(db.DateTime)
    user_agent = db.Column(db.String(200))
    ip = db.Column(db.String(45))
    user = db.relationship(User)

    def is_live(self, now=None):
        return self.ended_at is None and self.expires_at > (now or utcnow())


class ApiToken(TimestampMixin, db.Model):
    """Bearer token for the JSON API; only its hash is stored."""
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)
    expires_at = db.Column(db.DateTime, nullable=False)
    user = db.relationship(User)

    @classmethod
    def issue(cls, user, hours):
        raw = secrets.token_urlsafe(32)
        token = cls(user=user, token_hash=hash_token(raw),
                    expires_at=utcnow() + timedelta(hours=hours))
        db.session.add(token)
        return raw, token

"""The community directory: District → Street office → Community → Compound →
Building → Household, organisations and owners (DESIGN §3)."""
import enum

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import TimestampMixin
from .labels import household_label, room_label


class District(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), nullable=False, unique=True)


class StreetOffice(db.Model):
    """Street office (街道): oversees many communities."""
    id = db.Column(db.Integer, primary_key=True)
    district_id = db.Column(db.ForeignKey("district.id"), nullable=False, index=True)
    name = db.Column(db.String(80), nullable=False, unique=True)
    district = db.relationship(District)


class Community(db.Model):
    """Community (社区): the neighbourhood committee's area; secretaries work here."""
    id = db.Column(db.Integer, primary_key=True)
    street_office_id = db.Column(db.ForeignKey("street_office.id"), nullable=False, index=True)
    name = db.Column(db.String(80), nullable=False, unique=True)
    street_office = db.relationship(StreetOffice)

    def can_manage(self, user):
        return bool(user) and user.is_authenticated and (
            user.is_secretary_of(self.id) or user.is_street_admin_of(self.street_office_id))

    def can_view(self, user):
        return bool(user) and user.is_authenticated


class Compound(TimestampMixin, db.Model):
    """Compound (小区/院)."""
    id = db.Column(db.Integer, primary_key=True)
    community_id = db.Column(db.ForeignKey("community.id"), nullable=False, index=True)
    code = db.Column(db.String(16), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    address = db.Column(db.String(200), nullable=False, default="")
    built_year = db.Column(db.Integer)
    description = db.Column(db.Text, nullable=False, default="")
    community = db.relationship(Community)
    buildings = db.relationship("Building", back_populates="compound",
                                order_by="Building.number")

    @property
    def street_office_id(self):
        return self.community.street_office_id

    def can_view(self, user):
        """Name, address and buildings are public knowledge to any signed-in user."""
        return bool(user) and user.is_authenticated

    def can_manage(self, user):
        """Secretaries of its community and the street office that oversees it
        (the community is read only for someone who is either)."""
        return bool(user) and user.is_authenticated and \
            user.has_any_role("secretary", "street_admin") and self.community.can_manage(user)

    def is_member(self, user):
        """Residents, secretaries, street admins and working organisations."""
        if not (user and user.is_authenticated):
            return False
        return (self.can_manage(user) or self.id in user.compound_ids()
                or user.works_in_compound(self.id))


class BuildingKind(enum.Enum):
    tower = _l("High-rise tower")
    walkup = _l("Walk-up")
    bungalow = _l("Bungalow courtyard")


class Building(db.Model):
    """Building (楼)."""
    __table_args__ = (db.UniqueConstraint("compound_id", "number"),)
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    number = db.Column(db.String(16), nullable=False)
    floors = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.Enum(BuildingKind, native_enum=False, length=16), nullable=False,
                     default=BuildingKind.walkup)
    compound = db.relationship(Compound, back_populates="buildings")
    households = db.relationship("Household", back_populates="building",
                                 order_by="Household.code")

    @property
    def label(self):
        return self.number

    def can_view(self, user):
        return self.compound.can_view(user)

    def can_manage(self, user):
        return self.compound.can_manage(user)


class OwnerKind(enum.Enum):
    person = _l("Person")
    institution = _l("Institution")


class Owner(TimestampMixin, db.Model):
    """Registered owner (业主) of one or more households: a person or an
    institution (a work unit still holding public housing, a developer).

    An owner of several units counts once in the Civil Code headcount
    (法释〔2020〕17号 art. 9)."""
    id = db.Column(db.Integer, primary_key=True)
    community_id = db.Column(db.ForeignKey("community.id"), nullable=False, index=True)
    kind = db.Column(db.Enum(OwnerKind, native_enum=False, length=16), nullable=False)
    name = db.Column(db.String(120), nullable=False)
    phone = db.Column(db.String(20))
    community = db.relationship(Community)
    households = db.relationship("Household", back_populates="owner",
                                 order_by="Household.code")
    links = db.relationship("OwnerLink", back_populates="owner", order_by="OwnerLink.id",
                            cascade="all, delete-orphan")

    @property
    def is_institution(self):
        return self.kind is OwnerKind.institution

    def can_view(self, user):
        return self.community.can_manage(user)

    can_manage = can_view


class LinkCapacity(enum.Enum):
    """In what capacity a linked account acts for a registered owner."""
    owner = _l("The owner themself")
    co_owner = _l("Co-owner")
    agent = _l("Family member or agent with a written authorisation")
    representative = _l("Representative of the institution")


# Who may act for which kind of owner; agents and representatives need the
# reference of their written authorisation (or a note on it).
CAPACITIES_FOR = {
    OwnerKind.person: (LinkCapacity.owner, LinkCapacity.co_owner, LinkCapacity.agent),
    OwnerKind.institution: (LinkCapacity.representative,),
}
NEEDS_AUTHORISATION = frozenset({LinkCapacity.agent, LinkCapacity.representative})


class OwnerLink(TimestampMixin, db.Model):
    """An account the community office has linked to a registered owner: the
    owner themself or a co-owner (checked against the property certificate), a
    family member or agent with a written authorisation, or an institution's
    representative.  Only linked accounts vote in owners' ballots (issue 14.5):
    declaring oneself "owner" when registering gives no vote.

    Who (``user``), for which owner, the authorisation's reference or a note,
    by whom (``linked_by``) and when (``created_at``)."""
    __tablename__ = "owner_link"
    __table_args__ = (db.UniqueConstraint("owner_id", "user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    owner_id = db.Column(db.ForeignKey("owner.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    capacity = db.Column(db.Enum(LinkCapacity, native_enum=False, length=16), nullable=False)
    authorisation = db.Column(db.String(200), nullable=False, default="")
    linked_by_id = db.Column(db.ForeignKey("user.id"))
    owner = db.relationship(Owner, back_populates="links")
    user = db.relationship("User", foreign_keys=[user_id])
    linked_by = db.relationship("User", foreign_keys=[linked_by_id])


class Occupancy(enum.Enum):
    owner_occupied = _l("Owner-occupied")
    rented = _l("Rented")
    vacant = _l("Vacant")


class Household(TimestampMixin, db.Model):
    """Household (户): one exclusive unit with its registered area."""
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    building_id = db.Column(db.ForeignKey("building.id"), nullable=False, index=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    unit = db.Column(db.String(16), nullable=False)
    floor = db.Column(db.Integer, nullable=False)
    # Exclusive area as registered (法释〔2020〕17号 art. 8), exact to 0.01 m².
    area_m2 = db.Column(db.Numeric(10, 2), nullable=False)
    occupancy = db.Column(db.Enum(Occupancy, native_enum=False, length=16), nullable=False,
                          default=Occupancy.owner_occupied)
    owner_id = db.Column(db.ForeignKey("owner.id"), index=True)
    compound = db.relationship(Compound)
    building = db.relationship(Building, back_populates="households")
    owner = db.relationship(Owner, back_populates="households")

    @property
    def label(self):
        """The flat as people say it (1号楼2单元601); ``code`` stays the register's key."""
        return household_label(self)

    @property
    def room(self):
        """The flat within its building as people say it (601 for unit 0601), for grids."""
        return room_label(self.unit)

    def can_view(self, user):
        if not (user and user.is_authenticated):
            return False
        return self.id in user.household_ids() or self.compound.can_manage(user)

    def can_manage(self, user):
        return self.compound.can_manage(user)


class OrganisationKind(enum.Enum):
    construction = _l("Construction party")
    property_manager = _l("Property manager")
    community = _l("Community")
    street_office = _l("Street office")


class Organisation(TimestampMixin, db.Model):
    """A construction party (施工方), property manager (物业), the community or the
    street office: whoever tickets are routed to."""
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.Enum(OrganisationKind, native_enum=False, length=24), nullable=False)
    name = db.Column(db.String(120), nullable=False, unique=True)
    phone = db.Column(db.String(20))
    community_id = db.Column(db.ForeignKey("community.id"), index=True)
    street_office_id = db.Column(db.ForeignKey("street_office.id"), index=True)
    community = db.relationship(Community)
    street_office = db.relationship(StreetOffice)

    def can_view(self, user):
        return bool(user) and user.is_authenticated


organisation_compound = db.Table(
    "organisation_compound",
    db.Column("organisation_id", db.ForeignKey("organisation.id"), primary_key=True),
    db.Column("compound_id", db.ForeignKey("compound.id"), primary_key=True),
)
Organisation.compounds = db.relationship(Compound, secondary=organisation_compound,
                                         order_by=Compound.name)

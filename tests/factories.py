"""Small factories for the directory and accounts, and a standard "world"."""
import itertools
from decimal import Decimal

from werkzeug.security import generate_password_hash

from residentvoice.auth.models import Relation, RoleAssignment, RoleKind, User
from residentvoice.directory.models import (Building, BuildingKind, Community, Compound,
                                            District, Household, LinkCapacity, Organisation,
                                            OrganisationKind, Owner, OwnerKind, OwnerLink,
                                            StreetOffice)

PASSWORD = "password-123"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_seq = itertools.count(1)


class World:
    """Two communities in two street offices, one compound each, and a user
    for every role the access tests walk."""


class Factory:
    def __init__(self, db):
        self.db = db

    def n(self):
        return next(_seq)

    def add(self, obj):
        self.db.session.add(obj)
        self.db.session.flush()
        return obj

    def street_office(self, name=None):
        district = self.db.session.scalar(self.db.select(District)) or self.add(
            District(name="东城区"))
        return self.add(StreetOffice(district_id=district.id, name=name or f"街道{self.n()}"))

    def community(self, street_office=None, name=None):
        street_office = street_office or self.street_office()
        return self.add(Community(street_office_id=street_office.id,
                                  name=name or f"社区{self.n()}"))

    def compound(self, community=None, code=None, name=None):
        community = community or self.community()
        n = self.n()
        return self.add(Compound(community_id=community.id, code=code or f"C{n}",
                                 name=name or f"小区{n}", address="东城区"))

    def building(self, compound=None, number=None, floors=6):
        compound = compound or self.compound()
        return self.add(Building(compound_id=compound.id, number=number or str(self.n()),
                                 floors=floors, kind=BuildingKind.walkup))

    def owner(self, community, name=None, kind=OwnerKind.person, user=None):
        """A registered owner; with ``user``, that account linked to it by the
        community office (the owner themself, or an institution's representative)."""
        owner = self.add(Owner(community_id=community.id, kind=kind,
                               name=name or f"业主{self.n()}"))
        if user is not None:
            self.link(owner, user)
        return owner

    def link(self, owner, user, capacity=None, authorisation=""):
        """``user`` acts for ``owner`` (as the secretary's link records it)."""
        capacity = capacity or (LinkCapacity.representative if owner.kind is
                                OwnerKind.institution else LinkCapacity.owner)
        return self.add(OwnerLink(owner_id=owner.id, user_id=user.id, capacity=capacity,
                                  authorisation=authorisation))

    def household(self, building=None, area="60.00", owner=None, floor=1, unit=None):
        building = building or self.building()
        compound = building.compound
        unit = unit or f"{floor:02d}{self.n():02d}"
        return self.add(Household(compound_id=compound.id, building_id=building.id,
                                  code=f"{compound.code}-{building.number}-{unit}", unit=unit,
                                  floor=floor, area_m2=Decimal(area),
                                  owner_id=owner.id if owner else None))

    def user(self, name=None, phone=None, **kwargs):
        n = self.n()
        return self.add(User(phone=phone or f"139{n:08d}", name=name or f"用户{n}",
                             password_hash=_PASSWORD_HASH, **kwargs))

    def role(self, user, kind, relation=None, **place):
        role = self.add(RoleAssignment(user_id=user.id, kind=RoleKind[kind],
                                       relation=relation, **place))
        self.db.session.expire(user, ["roles"])
        return role

    def resident(self, household, relation=Relation.owner, owner_of=True, **kwargs):
        user = self.user(**kwargs)
        self.role(user, "resident", relation=relation, household_id=household.id)
        if owner_of and relation is Relation.owner and household.owner_id is None:
            owner = self.owner(household.compound.community, name=user.name, user=user)
            household.owner_id = owner.id
            self.db.session.flush()
        return user

    def secretary(self, community, **kwargs):
        user = self.user(**kwargs)
        self.role(user, "secretary", community_id=community.id)
        return user

    def organisation(self, compounds=(), kind=OrganisationKind.construction, name=None):
        org = self.add(Organisation(kind=kind, name=name or f"施工单位{self.n()}"))
        for compound in compounds:
            org.compounds.append(compound)
        self.db.session.flush()
        return org

    def staff(self, organisation, **kwargs):
        user = self.user(**kwargs)
        self.role(user, "staff", organisation_id=organisation.id)
        return user

    def street_admin(self, street_office, **kwargs):
        user = self.user(**kwargs)
        self.role(user, "street_admin", street_office_id=street_office.id)
        return user

    def world(self):
        w = World()
        w.office_a = self.street_office()
        w.office_b = self.street_office()
        w.community_a = self.community(w.office_a)
        w.community_b = self.community(w.office_b)
        w.compound_a = self.compound(w.community_a)
        w.compound_b = self.compound(w.community_b)
        w.building_a = self.building(w.compound_a, number="1")
        w.building_b = self.building(w.compound_b, number="1")
        w.household_a = self.household(w.building_a, area="80.50", floor=3, unit="0301")
        w.household_a2 = self.household(w.building_a, area="55.25", floor=4, unit="0401")
        w.household_b = self.household(w.building_b, area="70.00", floor=2, unit="0201")
        w.resident = self.resident(w.household_a, name="王秀兰")
        w.other_resident = self.resident(w.household_b, name="李建国")
        w.secretary = self.secretary(w.community_a, name="刘书记")
        w.other_secretary = self.secretary(w.community_b, name="陈书记")
        w.organisation = self.organisation([w.compound_a])
        w.staff = self.staff(w.organisation, name="孙工")
        w.street_admin = self.street_admin(w.office_a, name="吴主任")
        w.password = PASSWORD
        return w


def sign_in(client, user):
    """Give ``client`` a signed-in session for ``user`` without the login form
    (a session row, and its id in the session cookie, as a real login makes)."""
    from residentvoice.auth import sessions
    sessions.start(user)
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True

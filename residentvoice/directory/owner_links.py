"""Who acts for a registered owner (issue 14.5, 14.6).

Voting rights in owners' ballots come from the owner register: the owners the
community office entered from the property records.  An account acts for an
owner only once a secretary has linked it — the owner themself or a co-owner
(the property certificate checked at the office), a family member or agent
with a written authorisation, or an institution's representative.  A resident
who declared themself "owner" or "co-owner" when registering is *unconfirmed*
until then: the declaration gives no vote.

Every link and unlink is in the audit log and tells the account holder."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..audit.services import record
from ..auth.models import Relation, RoleAssignment, RoleKind, User
from ..errors_domain import Conflict, InvalidInput, NotAllowed
from ..extensions import db
from ..forms import normalise_phone
from ..i18n import N_
from ..notifications.services import notify
from .models import CAPACITIES_FOR, NEEDS_AUTHORISATION, Household, LinkCapacity, Owner, OwnerLink

DECLARED_OWNER = (Relation.owner, Relation.co_owner)
MAX_AUTHORISATION = 200


# ---- queries ---------------------------------------------------------------

def links_of_owner(owner):
    """The owner's links, oldest first, with their accounts."""
    if owner is None:
        return []
    return db.session.scalars(
        db.select(OwnerLink).where(OwnerLink.owner_id == owner.id)
        .options(joinedload(OwnerLink.user), joinedload(OwnerLink.linked_by))
        .order_by(OwnerLink.id)).all()


def links_of_user(user, compound_id=None):
    """The owners ``user`` acts for (optionally: those holding a unit of
    ``compound_id``), with their owners."""
    query = (db.select(OwnerLink).where(OwnerLink.user_id == user.id)
             .options(joinedload(OwnerLink.owner)).order_by(OwnerLink.id))
    if compound_id is not None:
        query = query.where(OwnerLink.owner_id.in_(
            db.select(Household.owner_id).where(Household.compound_id == compound_id)))
    return db.session.scalars(query).all()


def acting_compounds(user):
    """SQL: the ids of the compounds where ``user`` acts for the registered
    owner of a unit (an owner or representative need not live there), to
    use inside a query."""
    return (db.select(Household.compound_id)
            .join(OwnerLink, OwnerLink.owner_id == Household.owner_id)
            .where(OwnerLink.user_id == user.id))


def acting_compound_ids(user):
    """The ids of ``acting_compounds``."""
    if not (user and user.is_authenticated):
        return set()
    return set(db.session.scalars(acting_compounds(user).distinct()))


def acts_for(user, owner_id):
    """Has the community office linked ``user`` to the owner ``owner_id``?"""
    if owner_id is None or not (user and user.is_authenticated):
        return False
    return db.session.scalar(db.select(OwnerLink.id).where(
        OwnerLink.owner_id == owner_id, OwnerLink.user_id == user.id)) is not None


def declared_unconfirmed(household, roles):
    """Of the household's resident ``roles``, those who declared themselves
    owner or co-owner but are not linked to its registered owner."""
    declared = [r for r in roles if r.relation in DECLARED_OWNER]
    if not declared:
        return []
    linked = set() if household.owner_id is None else set(db.session.scalars(
        db.select(OwnerLink.user_id).where(OwnerLink.owner_id == household.owner_id)))
    return [r for r in declared if r.user_id not in linked]


def home_standing(user):
    """For the resident's home page: the households where they declared
    ownership that the community office has not confirmed, each with its
    registered owner (None: not in the register yet) — ``[(role, owner)]`` —
    and the owners they act for (``links_of_user``).  The links come first,
    with their owners; only an unconfirmed declaration's owner is read on
    its own."""
    links = links_of_user(user)
    linked = {link.owner_id for link in links}
    roles = [r for r in user.resident_roles() if r.relation in DECLARED_OWNER
             and r.household.owner_id not in linked]
    wanted = {r.household.owner_id for r in roles} - {None}
    owners = {o.id: o for o in db.session.scalars(
        db.select(Owner).where(Owner.id.in_(wanted)))} if wanted else {}
    return [(r, owners.get(r.household.owner_id)) for r in roles], links


# ---- changes ---------------------------------------------------------------

def _capacity(owner, value):
    if isinstance(value, str):
        value = LinkCapacity.__members__.get(value)
    if value not in CAPACITIES_FOR[owner.kind]:
        raise InvalidInput(_l("An institution acts through its representative; a person "
                              "through themself, a co-owner or an authorised agent.")
                           if owner.is_institution else
                           _l("Choose in what capacity this person acts for the owner."),
                           "capacity")
    return value


def find_account(phone):
    """The active account with this mobile number, or an InvalidInput."""
    phone = normalise_phone((phone or "").strip())
    user = db.session.scalar(db.select(User).where(User.phone == phone)) if phone else None
    if user is None or not user.active:
        raise InvalidInput(_l("No account has this mobile number. The person registers first "
                              "(with the household's letter, or in person at the office)."),
                           "phone")
    return user


def link(actor, household, user, capacity, authorisation=""):
    """Link ``user`` to the registered owner of ``household`` (which the actor
    manages) in ``capacity``; agents and representatives need the reference
    of their written authorisation or a note on it."""
    if not household.can_manage(actor):
        raise NotAllowed(_l("You may only change the directory of your own community."))
    if user.id == actor.id:
        # A link gives owners' votes: nobody confirms their own (another secretary
        # of the community or the street office does, from the property records).
        raise NotAllowed(_l("You cannot confirm yourself as acting for an owner: another "
                            "secretary or the street office does."))
    owner = household.owner
    if owner is None:
        raise InvalidInput(_l("Record the registered owner of this household first: accounts "
                              "are linked to an owner of the property register."), "capacity")
    capacity = _capacity(owner, capacity)
    authorisation = " ".join((authorisation or "").split())
    if len(authorisation) > MAX_AUTHORISATION:
        raise InvalidInput(_l("At most %(max)d characters.", max=MAX_AUTHORISATION),
                           "authorisation")
    if capacity in NEEDS_AUTHORISATION and not authorisation:
        raise InvalidInput(_l("Enter the reference of the signed authorisation (or a note on "
                              "it): an agent or representative acts only with one."),
                           "authorisation")
    if acts_for(user, owner.id):
        raise Conflict(_l("%(name)s already acts for %(owner)s.", name=user.name,
                          owner=owner.name), "phone")
    entry = OwnerLink(owner_id=owner.id, user_id=user.id, capacity=capacity,
                      authorisation=authorisation, linked_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:      # linked meanwhile by another request
        raise Conflict(_l("%(name)s already acts for %(owner)s.", name=user.name,
                          owner=owner.name), "phone")
    community_id = owner.community_id
    record(actor, "owner.linked", owner,
           summary=f"{user.name} ({user.phone[:3]}****{user.phone[-4:]}) → {owner.name}: "
                   f"{capacity.name} [{household.code}]",
           changes={"link": (None, f"{user.name}: {capacity.name}"),
                    "authorisation": (None, authorisation)},
           community_id=community_id)
    message = (N_("The community office recorded you as the representative of %(owner)s: "
                  "you vote for it in owners' ballots, one vote for all its units.")
               if capacity is LinkCapacity.representative else
               N_("The community office confirmed that you act for the registered owner "
                  "%(owner)s: you can now vote in owners' ballots."))
    notify([user.id], "owner_link", message, {"owner": owner.name}, "/ballots/")
    return entry


def unlink(actor, entry):
    """End a link (a wrong person, an authorisation withdrawn)."""
    owner = entry.owner
    if not owner.community.can_manage(actor):
        raise NotAllowed(_l("You may only change the directory of your own community."))
    user = entry.user
    capacity = entry.capacity
    db.session.delete(entry)
    db.session.flush()
    record(actor, "owner.unlinked", owner, summary=f"{user.name} ✕ {owner.name}",
           changes={"link": (f"{user.name}: {capacity.name}", None)},
           community_id=owner.community_id)
    notify([user.id], "owner_link",
           N_("The community office removed the link between your account and the "
              "registered owner %(owner)s: you no longer vote for them in owners' ballots."),
           {"owner": owner.name}, "/")


def resident_for_link(household, role_id):
    """A resident role of ``household`` to link (404-worthy None otherwise)."""
    role = db.session.get(RoleAssignment, role_id) if role_id else None
    if role is None or role.kind is not RoleKind.resident or role.household_id != household.id:
        return None
    return role


def owner_units(owner):
    """(number of units, total registered area) the owner holds."""
    count, area = db.session.execute(
        db.select(db.func.count(Household.id), db.func.sum(Household.area_m2))
        .where(Household.owner_id == owner.id)).one()
    return count, area



def household_panel(household, roles):
    """What the household page shows about who votes for its owner: the
    owner's links and the residents awaiting confirmation."""
    return {"links": links_of_owner(household.owner),
            "unconfirmed": declared_unconfirmed(household, roles)}


def likely_capacity(owner, role=None):
    """The capacity a link most likely has, to start the form with: an
    institution's representative; else what the resident declared (owner,
    co-owner), or an agent."""
    if owner.is_institution:
        return "representative"
    relation = role.relation.name if role is not None and role.relation else None
    return relation if relation in ("owner", "co_owner") else "agent"

"""Owners (业主) and residents of households: listing, editing, binding.

An owner is a person or an institution recorded per household as registered;
one owner may hold several households (法释〔2020〕17号 art. 9: it counts once
in the headcount).  Residents are users bound to a household by a resident
role with a relation (owner / co-owner / tenant / family)."""
import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..audit.services import diff, record
from ..auth import services as auth_services
from ..auth.models import INVITATION_ALPHABET, Relation, RoleAssignment, RoleKind, User
from ..errors_domain import InvalidInput, NotAllowed
from ..extensions import db
from .models import Compound, Household, Owner, OwnerKind
from .services import escape_like


def _require_manager(actor, place):
    if not place.can_manage(actor):
        raise NotAllowed(_l("You may only change the directory of your own community."))


# ---- owners ----------------------------------------------------------------

def owners_query(community_ids, *, q=None, kind=None, community_id=None):
    query = db.select(Owner).where(Owner.community_id.in_(community_ids or {-1}))
    if community_id:
        query = query.where(Owner.community_id == community_id)
    if kind:
        query = query.where(Owner.kind == OwnerKind[kind])
    q = (q or "").strip()
    if q:
        query = query.where(Owner.name.ilike(f"%{escape_like(q)}%", escape="\\"))
    return query.options(selectinload(Owner.community)).order_by(Owner.name, Owner.id)


def household_counts_by_owner(owner_ids):
    if not owner_ids:
        return {}
    rows = db.session.execute(
        db.select(Household.owner_id, db.func.count(Household.id), db.func.sum(Household.area_m2))
        .where(Household.owner_id.in_(owner_ids)).group_by(Household.owner_id)).all()
    return {oid: (count, area) for oid, count, area in rows}


def _owner_values(data):
    name = (data.get("name") or "").strip()
    if not name:
        raise InvalidInput(_l("Enter the owner's name."), "name")
    if len(name) > 120:
        raise InvalidInput(_l("At most %(max)d characters.", max=120), "name")
    kind = data.get("kind") or "person"
    return {"name": name, "kind": OwnerKind[kind] if isinstance(kind, str) else kind,
            "phone": data.get("phone") or None}


def create_owner(actor, community, data):
    """A registered owner: a person or an institution (a work unit still holding
    public housing, a developer)."""
    _require_manager(actor, community)
    owner = Owner(community_id=community.id, **_owner_values(data))
    db.session.add(owner)
    db.session.flush()
    record(actor, "owner.created", owner, summary=f"{owner.name} ({owner.kind.name})",
           community_id=community.id)
    return owner


def update_owner(actor, owner, data):
    _require_manager(actor, owner)
    changes = diff(owner, _owner_values(data), ("name", "kind", "phone"))
    if changes:
        db.session.flush()
        record(actor, "owner.updated", owner, summary=owner.name, changes=changes,
               community_id=owner.community_id)
    return changes


def assign_owner(actor, household, owner):
    """Record ``owner`` (or nobody, with None) as the household's registered
    owner.  The owner must belong to the household's community."""
    _require_manager(actor, household)
    community_id = household.compound.community_id
    if owner is not None and owner.community_id != community_id:
        raise InvalidInput(_l("This owner belongs to another community."), "owner_id")
    old = household.owner
    if old is owner:
        return False
    household.owner = owner
    db.session.flush()
    record(actor, "household.owner_assigned", household,
           summary=f"{household.code}: {owner.name if owner else '-'}",
           changes={"owner": (old.name if old else None, owner.name if owner else None)},
           community_id=community_id)
    return True


# ---- residents -------------------------------------------------------------

def resident_role(household, role_id):
    """The resident role ``role_id`` of this household, or None."""
    role = db.session.get(RoleAssignment, role_id)
    if role is None or role.kind is not RoleKind.resident or role.household_id != household.id:
        return None
    return role


def change_relation(actor, role, relation):
    household = role.household
    _require_manager(actor, household)
    if isinstance(relation, str):
        if relation not in Relation.__members__:
            raise InvalidInput(_l("Choose one."), "relation")
        relation = Relation[relation]
    old = role.relation
    if old is relation:
        return False
    role.relation = relation
    db.session.flush()
    record(actor, "resident.relation_changed", household,
           summary=f"{role.user.name}: {relation.name}",
           changes={"relation": (old, relation)}, community_id=household.compound.community_id)
    return True


def unbind_resident(actor, role):
    """Remove a resident's binding to a household (the account itself stays)."""
    household = role.household
    _require_manager(actor, household)
    user = role.user
    db.session.delete(role)
    db.session.flush()
    db.session.expire(user, ["roles"])
    record(actor, "resident.unbound", household, summary=f"{user.name} ({household.code})",
           community_id=household.compound.community_id)


def residents_query(community_ids, q=None):
    """Users who are residents of a household in one of these communities,
    searched by name or mobile number."""
    households = (db.select(RoleAssignment.user_id)
                  .join(Household, RoleAssignment.household_id == Household.id)
                  .join(Compound, Household.compound_id == Compound.id)
                  .where(RoleAssignment.kind == RoleKind.resident,
                         Compound.community_id.in_(community_ids or {-1})))
    query = db.select(User).where(User.id.in_(households))
    q = (q or "").strip()
    if q:
        like = f"%{escape_like(q)}%"
        query = query.where(db.or_(User.name.ilike(like, escape="\\"),
                                   User.phone.like(like, escape="\\")))
    return query.order_by(User.name, User.id)


def manages_resident(me, user):
    """A secretary's residents: people living in a compound of a community they manage."""
    return is_resident_of(user, me.managed_community_ids())


def is_resident_role(_user, role):
    """A role that makes its holder a resident of a household (not a secretary's, say)."""
    return role.kind is RoleKind.resident


def is_resident_of(user, community_ids):
    return any(r.household.compound.community_id in community_ids
               for r in user.resident_roles())


def mask_phone(phone):
    return f"{phone[:3]}****{phone[-4:]}" if phone and len(phone) >= 7 else (phone or "")


def register_in_person(actor, household, data):
    """A secretary registers a new resident at the reception room (群众接待室).

    Wraps ``auth.services.register_in_person``, which refuses a number that
    already has an account (staff create new accounts only).  With no password
    typed, one is made up to print on the slip.  Returns ``(user, password to
    print or None)``."""
    password = data.get("password") or made_up_password()
    user = auth_services.register_in_person(actor, household, data["phone"], data["name"],
                                            password, data["relation"],
                                            birth_year=data.get("birth_year"))
    return user, None if data.get("password") else password


def made_up_password():
    """Ten characters without look-alikes (no 0/O, 1/l), easy to copy from a slip."""
    return "".join(secrets.choice(INVITATION_ALPHABET.lower()) for _ in range(10))

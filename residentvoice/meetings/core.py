"""What every part of a meeting's life shares: the meeting's lock, its audit
entries and live-screen counter, who is invited, and its agenda items.  The
parts (agenda, attendance, moderation, minutes) and the lifecycle in
``services`` build on this module; it imports none of them."""
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..auth.models import RoleAssignment, RoleKind, User
from ..directory.models import Compound, Household, OwnerLink
from ..errors_domain import NotFound
from ..extensions import db
from .models import AgendaItem, InviteeScope, MeetingStatus


EDITABLE = (MeetingStatus.draft, MeetingStatus.announced)


def touch(meeting):
    """Tell the live screens something changed (they poll with this version)."""
    meeting.live_version = (meeting.live_version or 0) + 1


def audit(actor, action, meeting, obj=None, **kwargs):
    record(actor, action, obj if obj is not None else meeting,
           community_id=meeting.community_id, **kwargs)


def lock(meeting):
    """Take the meeting's row lock and read the meeting again under it.

    Every change that checks the meeting's current state before writing —
    check-in (once per person, one representative per household), the floor
    (one motion, one seconder, one waiting request and at most N speeches per
    person), the count, the agenda, the minutes, the status — starts here, so
    concurrent requests on one meeting queue on its row and each one sees
    what the one before it wrote (DESIGN §8).  PostgreSQL: ``FOR NO KEY
    UPDATE`` held to the commit (it does not block rows being inserted that
    refer to the meeting); SQLite serializes write requests itself.  What the
    session holds is flushed first: the meeting is then read again."""
    db.session.flush()
    db.session.refresh(meeting, with_for_update={"key_share": True})
    return meeting


def scope_households_query(meeting):
    query = db.select(Household.id)
    if meeting.compound_id is not None:
        return query.where(Household.compound_id == meeting.compound_id)
    return query.join(Compound, Compound.id == Household.compound_id).where(
        Compound.community_id == meeting.community_id)


def _resident_rows(meeting):
    query = (db.select(RoleAssignment.user_id, RoleAssignment.household_id)
             .join(User, User.id == RoleAssignment.user_id)
             .where(RoleAssignment.kind == RoleKind.resident, User.active.is_(True),
                    RoleAssignment.household_id.in_(scope_households_query(meeting))))
    return db.session.execute(query).all()


def _owner_rows(meeting):
    """The owners' side of an owners' meeting: every account the community
    office linked to a registered owner (the owner, a co-owner, an agent, an
    institution's representative), with each unit of that owner in scope.
    Ticking "owner" when registering invites nobody (issue 14.5)."""
    query = (db.select(OwnerLink.user_id, Household.id)
             .join(Household, Household.owner_id == OwnerLink.owner_id)
             .join(User, User.id == OwnerLink.user_id)
             .where(User.active.is_(True),
                    Household.id.in_(scope_households_query(meeting))))
    return db.session.execute(query).all()


def invitee_households(meeting):
    """``{user_id: {household_id, ...}}`` of the invitees (named ones may have none)."""
    if meeting.invitees is InviteeScope.named:
        ids = [i.user_id for i in meeting.named_invitees]
        result = {uid: set() for uid in ids}
        if ids:
            rows = db.session.execute(db.select(RoleAssignment.user_id, RoleAssignment.household_id)
                                      .where(RoleAssignment.user_id.in_(ids),
                                             RoleAssignment.kind == RoleKind.resident)).all()
            for uid, hid in rows:
                result[uid].add(hid)
        return result
    result = {}
    rows = _owner_rows(meeting) if meeting.invitees is InviteeScope.owners \
        else _resident_rows(meeting)
    for uid, hid in rows:
        result.setdefault(uid, set()).add(hid)
    return result


def invitee_ids(meeting):
    return set(invitee_households(meeting))


def is_invited(meeting, user):
    """One small query: is ``user`` among the invitees (see ``invitee_households``)?"""
    if not (user and user.is_authenticated):
        return False
    if meeting.invitees is InviteeScope.named:
        return any(i.user_id == user.id for i in meeting.named_invitees)
    if meeting.invitees is InviteeScope.owners:
        query = (db.select(OwnerLink.id)
                 .join(Household, Household.owner_id == OwnerLink.owner_id)
                 .where(OwnerLink.user_id == user.id,
                        Household.id.in_(scope_households_query(meeting))))
    else:
        query = db.select(RoleAssignment.id).where(
            RoleAssignment.user_id == user.id, RoleAssignment.kind == RoleKind.resident,
            RoleAssignment.household_id.in_(scope_households_query(meeting)))
    return db.session.scalar(query.limit(1)) is not None


def officer_candidates(community_id, compound_id=None):
    """People who can chair or record: the community's secretaries and its residents."""
    secretaries = db.select(RoleAssignment.user_id).where(
        RoleAssignment.kind == RoleKind.secretary, RoleAssignment.community_id == community_id)
    households = db.select(Household.id)
    if compound_id:
        households = households.where(Household.compound_id == compound_id)
    else:
        households = households.join(Compound).where(Compound.community_id == community_id)
    residents = db.select(RoleAssignment.user_id).where(
        RoleAssignment.kind == RoleKind.resident, RoleAssignment.household_id.in_(households))
    return db.session.scalars(db.select(User).where(
        User.active.is_(True), db.or_(User.id.in_(secretaries), User.id.in_(residents)))
        .order_by(User.name, User.id)).all()


def get_item(meeting, item_id):
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound(_l("There is no such agenda item."))
    return item

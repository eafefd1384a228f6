"""Check-in and attendance: residents scan the meeting's QR code on their own
phone; the secretary checks in those without phones from a list."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from ..auth.models import User
from ..directory.labels import flat_label
from ..directory.models import Building, Household
from ..errors_domain import Conflict, NotAllowed, NotEligible, NotFound, TransitionNotAllowed
from ..extensions import db
from ..models import utcnow
from ..voting.providers import owners_participation
from .models import Attendance, CheckinMethod, InviteeScope, MeetingStatus
from .core import audit, invitee_households, lock, touch

EARLY_CHECKIN = timedelta(hours=1)


def checkin_open(meeting, now=None):
    """Check-in runs while in session, or from one hour before the start."""
    now = now or utcnow()
    if meeting.status is MeetingStatus.in_session:
        return True
    return meeting.status is MeetingStatus.announced and \
        meeting.starts_at - EARLY_CHECKIN <= now


def _require_open(meeting, now):
    if not checkin_open(meeting, now):
        raise TransitionNotAllowed(_l("Check-in opens one hour before the meeting starts and "
                                      "closes when it is adjourned."))


def attendance_of(meeting, user_id):
    return db.session.scalar(db.select(Attendance).where(
        Attendance.meeting_id == meeting.id, Attendance.user_id == user_id))


def _check_in(actor, meeting, person, method, now):
    """Once per person, and one person per household when the meeting invites
    household representatives: checked under the meeting's lock, so people
    checking in at the same moment queue and the later ones see the earlier."""
    lock(meeting)
    _require_open(meeting, now)
    invited = invitee_households(meeting)
    if person.id not in invited:
        raise NotEligible(_l("%(name)s is not invited to this meeting.", name=person.name)
                          if person.id != actor.id else
                          _l("You are not invited to this meeting."))
    existing = attendance_of(meeting, person.id)
    if existing is not None:
        raise Conflict(_l("%(name)s is already checked in.", name=person.name)
                       if person.id != actor.id else _l("You are already checked in."))
    households = sorted(invited[person.id])
    household_id = households[0] if households else None
    if meeting.invitees is InviteeScope.household_reps and households:
        taken = db.session.execute(db.select(Attendance.household_id, User.name)
                                   .join(User, User.id == Attendance.user_id)
                                   .where(Attendance.meeting_id == meeting.id,
                                          Attendance.household_id.in_(households))).all()
        free = [h for h in households if h not in {t[0] for t in taken}]
        if not free:
            raise Conflict(_l("This household is already represented by %(name)s.",
                              name=taken[0][1]))
        household_id = free[0]
    entry = Attendance(meeting_id=meeting.id, user_id=person.id, household_id=household_id,
                       method=method, checked_in_at=now, checked_in_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    touch(meeting)
    audit(actor, "meeting.checked_in", meeting, entry, summary=person.name)
    return entry


def check_in_self(actor, meeting, token, now=None, method=CheckinMethod.qr):
    """A resident checks in on their own phone with the meeting's secret token."""
    if not meeting.checkin_token_is(token):
        raise NotFound(_l("This check-in code is not valid for this meeting."), "token")
    return _check_in(actor, meeting, actor, method, now or utcnow())


def check_in_other(actor, meeting, user_id, now=None):
    """The secretary (or the recorder) checks in someone without a phone."""
    if not meeting.can_record(actor):
        raise NotAllowed(_l("Only the secretary or the recorder can check others in."))
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound(_l("There is no such person."), "user_id")
    return _check_in(actor, meeting, person, CheckinMethod.list, now or utcnow())


def present(meeting):
    return db.session.scalars(db.select(Attendance).where(Attendance.meeting_id == meeting.id)
                              .order_by(Attendance.checked_in_at, Attendance.id)).all()


def invitee_list(meeting, query=""):
    """Invitees with their flats (as people say them: 1号楼601) and check-in,
    filtered by name, flat or household code."""
    invited = invitee_households(meeting)
    if not invited:
        return []
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(invited)))}
    household_ids = {h for hs in invited.values() for h in hs}
    flats = {hid: (code, flat_label(number, unit)) for hid, code, number, unit in
             db.session.execute(db.select(Household.id, Household.code, Building.number,
                                          Household.unit)
                                .join(Building, Building.id == Household.building_id)
                                .where(Household.id.in_(household_ids or {-1}))).all()}
    checked = {a.user_id: a for a in present(meeting)}
    query = (query or "").strip().lower()
    rows = []
    for uid, hs in invited.items():
        user = users[uid]
        mine = sorted(flats[h] for h in hs)
        if query and query not in user.name.lower() and \
                not any(query in code.lower() or query in label.lower() for code, label in mine):
            continue
        rows.append({"user": user, "codes": [code for code, _label in mine],
                     "flats": [label for _code, label in mine], "attendance": checked.get(uid)})
    rows.sort(key=lambda r: (r["attendance"] is not None, r["codes"], r["user"].name))
    return rows


def summary(meeting):
    """Present / invited by person and by household, and whether quorum is met.

    Owners' meetings use the voting feature's Civil Code art. 278 count
    (≥ 2/3 of area and of owner headcount) when it is there; resident
    meetings need a majority of invited households (DESIGN §4)."""
    invited = invitee_households(meeting)
    entries = present(meeting)
    invited_households = {h for hs in invited.values() for h in hs}
    if meeting.invitees is InviteeScope.owners:
        # An owner present takes part with every unit they hold (art. 278 counts
        # each unit's area, and the owner once).
        present_households = {h for a in entries for h in invited.get(a.user_id, ())}
    else:
        present_households = {a.household_id for a in entries if a.household_id} \
            & invited_households
    result = {"invited": len(invited), "present": len(entries),
              "invited_households": len(invited_households),
              "present_households": len(present_households), "owners": None,
              "by_households": meeting.invitees is not InviteeScope.named}
    if meeting.is_owners_meeting():
        if meeting.compound_id is not None:
            result["owners"] = owners_participation(meeting.compound_id,
                                                    sorted(present_households))
            result["quorum"] = bool(result["owners"]["met"])
            return result
    if result["by_households"]:
        result["quorum"] = 2 * len(present_households) > len(invited_households) > 0
    else:
        result["quorum"] = 2 * len(entries) > len(invited) > 0
    return result

"""Check-in: own phone with the QR token, the secretary's list, the window,
once only, invitees only; attendance and quorum."""
from datetime import timedelta
from decimal import Decimal

import pytest

from residentvoice.errors_domain import Conflict, NotAllowed, NotEligible, NotFound
from residentvoice.errors_domain import TransitionNotAllowed
from residentvoice.meetings import attendance, core, services
from residentvoice.meetings.models import InviteeScope, MeetingKind

pytestmark = pytest.mark.usefixtures("english")


def test_check_in_opens_an_hour_before_the_start(mt, db):
    meeting = mt.announced(days=2)
    early = meeting.starts_at - timedelta(hours=2)
    with pytest.raises(TransitionNotAllowed, match="one hour before"):
        attendance.check_in_self(mt.resident, meeting, meeting.checkin_token, now=early)
    assert attendance.present(meeting) == []
    entry = attendance.check_in_self(mt.resident, meeting, meeting.checkin_token,
                                     now=meeting.starts_at - timedelta(minutes=30))
    assert entry.household_id == mt.world.household_a.id


def test_check_in_closes_when_adjourned(mt, db):
    meeting = mt.in_session(present=[])
    services.transition(mt.chair, meeting, "adjourn")
    with pytest.raises(TransitionNotAllowed):
        attendance.check_in_self(mt.resident, meeting, meeting.checkin_token)


def test_checking_in_twice_is_refused(mt, db):
    meeting = mt.in_session(present=[])
    attendance.check_in_self(mt.resident, meeting, meeting.checkin_token)
    with pytest.raises(Conflict, match="already checked in"):
        attendance.check_in_self(mt.resident, meeting, meeting.checkin_token)
    with pytest.raises(Conflict):
        attendance.check_in_other(mt.secretary, meeting, mt.resident.id)
    assert len(attendance.present(meeting)) == 1


def test_a_wrong_token_is_refused(mt, db):
    meeting = mt.in_session(present=[])
    with pytest.raises(NotFound):
        attendance.check_in_self(mt.resident, meeting, "guess")
    assert attendance.present(meeting) == []


def test_only_invitees_check_in(mt, db):
    meeting = mt.in_session(present=[])
    with pytest.raises(NotEligible, match="not invited"):
        attendance.check_in_self(mt.outsider, meeting, meeting.checkin_token)
    with pytest.raises(NotEligible):
        attendance.check_in_other(mt.secretary, meeting, mt.outsider.id)


def test_owners_meetings_invite_owners_not_tenants(mt, db):
    meeting = mt.in_session(present=[], days=20, kind=MeetingKind.owners,
                            invitees=InviteeScope.owners)
    with pytest.raises(NotEligible):
        attendance.check_in_self(mt.tenant, meeting, meeting.checkin_token)
    attendance.check_in_self(mt.resident, meeting, meeting.checkin_token)


def test_one_representative_per_household(mt, db):
    meeting = mt.in_session(present=[], invitees=InviteeScope.household_reps)
    attendance.check_in_self(mt.resident, meeting, meeting.checkin_token)
    with pytest.raises(Conflict, match="already represented by 王秀兰"):
        attendance.check_in_self(mt.tenant, meeting, meeting.checkin_token)


def test_a_named_list_invites_only_those_named(mt, db):
    meeting = mt.create(invitees=InviteeScope.named,
                        named_user_ids=[mt.third.id, mt.neighbour.id])
    assert core.invitee_ids(meeting) == {mt.third.id, mt.neighbour.id}
    services.transition(mt.secretary, meeting, "announce")
    services.transition(mt.chair, meeting, "open")
    attendance.check_in_self(mt.third, meeting, meeting.checkin_token)
    with pytest.raises(NotEligible):
        attendance.check_in_self(mt.resident, meeting, meeting.checkin_token)


def test_residents_cannot_check_in_someone_else(mt, db):
    meeting = mt.in_session(present=[])
    with pytest.raises(NotAllowed):
        attendance.check_in_other(mt.resident, meeting, mt.neighbour.id)
    assert attendance.present(meeting) == []


def test_the_secretary_finds_people_by_name_or_household_code(mt, db):
    meeting = mt.in_session(present=[])
    rows = attendance.invitee_list(meeting, "赵")
    assert [r["user"].id for r in rows] == [mt.third.id]
    rows = attendance.invitee_list(meeting, mt.household3.code.lower())
    assert [r["user"].id for r in rows] == [mt.third.id]
    attendance.check_in_other(mt.secretary, meeting, mt.third.id)
    assert attendance.invitee_list(meeting, "赵")[0]["attendance"] is not None


def test_resident_quorum_is_a_majority_of_invited_households(mt, db):
    meeting = mt.in_session(present=[mt.resident, mt.tenant])   # same household
    summary = attendance.summary(meeting)
    assert (summary["present"], summary["invited"]) == (2, 5)
    assert (summary["present_households"], summary["invited_households"]) == (1, 4)
    assert summary["quorum"] is False
    attendance.check_in_other(mt.secretary, meeting, mt.neighbour.id)
    assert attendance.summary(meeting)["quorum"] is False          # 2 of 4 is not more
    attendance.check_in_other(mt.secretary, meeting, mt.third.id)
    assert attendance.summary(meeting)["quorum"] is True


def test_owners_quorum_uses_the_voting_count(mt, db, monkeypatch):
    seen = {}

    def participation(compound_id, household_ids):
        seen["args"] = (compound_id, list(household_ids))
        return {"units": 1, "headcount": 1, "area_m2": Decimal("80.50"), "total_units": 4,
                "total_headcount": 4, "total_area_m2": Decimal("255.75"), "met": False}

    meeting = mt.in_session(present=[mt.resident], days=20, kind=MeetingKind.owners,
                            invitees=InviteeScope.owners)
    monkeypatch.setattr(attendance, "owners_participation", participation)
    summary = attendance.summary(meeting)
    assert seen["args"] == (mt.world.compound_a.id, [mt.world.household_a.id])
    assert summary["owners"]["met"] is False and summary["quorum"] is False
    assert summary["present_households"] == 1

"""A council meeting in session on the shared browser-test site, for the
live-screen journeys: 东四十条甲34号院, the secretary (13900000001) chairs and
records, 王秀兰 (13800000001) and two neighbours are checked in, and one
neighbour's motion, seconded by the other, is in debate (or put to the vote)."""
from datetime import timedelta


def meeting_in_session(live, *, title, item, motion, call_vote=False):
    """(meeting id, 王秀兰's name, the mover's phone)."""
    from residentvoice.auth.models import RoleAssignment, RoleKind, User
    from residentvoice.directory.models import Compound, Household
    from residentvoice.meetings import agenda, attendance, moderation, services
    from residentvoice.meetings.models import InviteeScope, MeetingKind
    from residentvoice.models import utcnow
    with live.session() as s:
        compound = s.scalar(s.query(Compound).filter_by(code="DSST34").statement)
        secretary = s.scalar(s.query(User).filter_by(phone="13900000001").statement)
        wang = s.scalar(s.query(User).filter_by(phone="13800000001").statement)
        others = s.scalars(
            s.query(User).join(RoleAssignment).join(Household)
            .filter(RoleAssignment.kind == RoleKind.resident,
                    Household.compound_id == compound.id, User.phone.like("151%"))
            .order_by(User.id).limit(2).statement).all()
        meeting = services.create_meeting(
            secretary, compound_id=compound.id, title=title, kind=MeetingKind.council,
            place="群众接待室", starts_at=utcnow() + timedelta(minutes=30),
            chair_id=secretary.id, recorder_id=secretary.id,
            invitees=InviteeScope.all_residents)
        agenda.add_item(secretary, meeting, title=item, time_box_minutes=20)
        services.transition(secretary, meeting, "announce")
        services.transition(secretary, meeting, "open")
        for person in [wang, *others]:
            attendance.check_in_other(secretary, meeting, person.id)
        moved = moderation.move(others[0], meeting, motion)
        moderation.second(others[1], meeting, moved.id)
        moderation.accept_for_debate(secretary, meeting, moved.id)
        if call_vote:
            moderation.call_vote(secretary, meeting, moved.id)
        return meeting.id, wang.name, others[0].phone

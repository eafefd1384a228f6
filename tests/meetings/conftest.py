"""A meeting scenario on top of the standard world: compound A has four
resident households; a resident chairs (neutral) and the secretary records."""
from datetime import timedelta

import pytest

from residentvoice.auth.models import Relation
from residentvoice.meetings import agenda, services
from residentvoice.meetings.models import InviteeScope, MeetingKind, MeetingStatus
from residentvoice.models import utcnow


class Scenario:
    def __init__(self, factory):
        self.factory = factory
        w = self.world = factory.world()
        self.secretary = w.secretary
        self.resident = w.resident                      # household_a (owner)
        self.neighbour = factory.resident(w.household_a2, name="张桂芳")
        h3 = factory.household(w.building_a, floor=5, unit="0501")
        h4 = factory.household(w.building_a, floor=6, unit="0601")
        self.third = factory.resident(h3, name="赵大爷")
        self.chair = factory.resident(h4, name="孙主持")
        self.tenant = factory.resident(w.household_a, relation=Relation.tenant, name="周租户")
        self.outsider = w.other_resident                # lives in compound B
        self.household3 = h3

    def create(self, *, days=3, kind=MeetingKind.council, invitees=InviteeScope.all_residents,
               items=("车棚选址", "花箱布置"), chair=None, recorder=None, **extra):
        meeting = services.create_meeting(
            self.secretary, compound_id=self.world.compound_a.id, title="腾退空间议事会",
            kind=kind, place="群众接待室", starts_at=utcnow() + timedelta(days=days),
            chair_id=(chair or self.chair).id, recorder_id=(recorder or self.secretary).id,
            invitees=invitees, **extra)
        for title in items:
            agenda.add_item(self.secretary, meeting, title=title, time_box_minutes=20)
        return meeting

    def announced(self, **kwargs):
        meeting = self.create(**kwargs)
        services.transition(self.secretary, meeting, "announce")
        return meeting

    def in_session(self, present=None, **kwargs):
        """Open, with ``present`` checked in by the secretary (default: all four)."""
        from residentvoice.meetings import attendance
        meeting = self.announced(**kwargs)
        services.transition(self.chair, meeting, "open")
        for person in (present if present is not None else
                       [self.resident, self.neighbour, self.third, self.chair]):
            attendance.check_in_other(self.secretary, meeting, person.id)
        return meeting

    def debating(self, **kwargs):
        from residentvoice.meetings import moderation
        meeting = self.in_session(**kwargs)
        motion = moderation.move(self.resident, meeting, "在3号楼东侧建车棚")
        moderation.second(self.neighbour, meeting, motion.id)
        moderation.accept_for_debate(self.chair, meeting, motion.id)
        return meeting, motion


@pytest.fixture
def mt(factory):
    return Scenario(factory)


@pytest.fixture
def status():
    return MeetingStatus


@pytest.fixture
def english(db):
    """Service tests read the English messages (the default locale is Chinese)."""
    from flask_babel import force_locale
    with force_locale("en"):
        yield

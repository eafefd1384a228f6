"""A searchable world: proposals, tickets, meetings, minutes and ballots in
compound A (and one proposal in compound B), made through the services."""
from datetime import timedelta

import pytest

from residentvoice.meetings import agenda, minutes
from residentvoice.meetings import services as meetings
from residentvoice.meetings.models import InviteeScope, MeetingKind
from residentvoice.models import utcnow
from residentvoice.spaces import proposals
from residentvoice.spaces import services as spaces
from residentvoice.tickets import services as tickets

from ..meetings.conftest import Scenario
from ..spaces.helpers import CHECKLIST_OK, make_proposal, make_space, proposal_data, space_data
from ..voting.helpers import make_ballot


class Searchable:
    def __init__(self, factory):
        s = self.scenario = Scenario(factory)
        w = self.w = s.world
        self.neighbour = s.neighbour
        space = make_space(w)
        self.bike_shed = make_proposal(w, space, title="Bike shed by building 3",
                                       description="Sixty bikes, covered")
        self.draft = make_proposal(w, space, status="draft", title="电梯加装草稿",
                                   description="还没提交")
        self.submitted = make_proposal(w, space, status="submitted", author=s.neighbour,
                                       title="充电桩申请", description="3号楼北侧安装充电桩")
        self.mine = tickets.create_ticket(
            w.resident, compound_id=w.compound_a.id, category="water_drainage",
            description="3号楼电梯井漏水，墙面发霉", household_id=w.household_a.id)
        self.public = tickets.create_ticket(
            s.neighbour, compound_id=w.compound_a.id, category="roads",
            description="东门电梯口路面破损 100% 需要修", household_id=w.household_a2.id,
            public=True)
        self.private = tickets.create_ticket(
            s.neighbour, compound_id=w.compound_a.id, category="noise",
            description="楼上电梯夜间噪音", household_id=w.household_a2.id)
        self.draft_meeting = meeting(s, "电梯议事会筹备")
        self.meeting = meeting(s, "Bike shed site meeting", place="3号楼东侧")
        meetings.transition(s.secretary, self.meeting, "announce")
        self.old = s.in_session()
        meetings.transition(s.chair, self.old, "adjourn")
        meetings.transition(s.secretary, self.old, "draft_minutes")
        minutes.edit(s.secretary, self.old, "会议决定：在3号楼东侧建车棚，加装电梯另议。")
        minutes.approve(s.chair, self.old)
        meetings.transition(s.secretary, self.old, "publish")
        self.ballot = make_ballot(w.secretary, w.compound_a, title="加装电梯表决",
                                  description="Elevator retrofit for building 3")
        space_b = spaces.create_space(w.other_secretary, w.compound_b, space_data(name="B院空地"))
        self.elsewhere = proposals.create_proposal(
            w.other_resident, space_b, proposal_data(title="电梯加装（B院）"))
        proposals.submit_proposal(w.other_resident, self.elsewhere)
        proposals.review_proposal(w.other_secretary, self.elsewhere, "open", CHECKLIST_OK)


def meeting(s, title, place="群众接待室", days=3):
    created = meetings.create_meeting(
        s.secretary, compound_id=s.world.compound_a.id, title=title, kind=MeetingKind.council,
        place=place, starts_at=utcnow() + timedelta(days=days), chair_id=s.chair.id,
        recorder_id=s.secretary.id, invitees=InviteeScope.all_residents)
    agenda.add_item(s.secretary, created, title="议题一", time_box_minutes=20)
    return created


@pytest.fixture
def data(factory):
    return Searchable(factory)


def later(days):
    return utcnow() + timedelta(days=days)

"""The audit log reads as sentences in the reader's language (issue 17 §1):
"刘书记 受理了工单 T000001 · 状态：已派单 → 已受理", never
"ticket.acknowledge Ticket #1 status: routed → acknowledged"."""
import re
from pathlib import Path

from residentvoice.audit.phrases import SENTENCES
from residentvoice.audit.services import record
from residentvoice.auth.models import Relation
from residentvoice.auth.services import issue_invitations, register_with_code
from residentvoice.directory.models import Occupancy
from residentvoice.meetings.moderation import MOTION_MACHINE
from residentvoice.meetings.services import MACHINE as MEETING_MACHINE
from residentvoice.renovation.plans import PLAN_MACHINE
from residentvoice.renovation.projects import PROJECT_MACHINE
from residentvoice.spaces.workflow import PROPOSAL_MACHINE, SPACE_MACHINE
from residentvoice.tickets import services as tickets, workflow
from residentvoice.tickets.models import Category

SOURCE = Path(__file__).resolve().parents[2] / "residentvoice"
# An event name as the log stores it ("ticket.acknowledge"), a class name, a "#9".
RAW = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\b|#\d+|\b(?:InvitationCode|"
                 r"RoutingRule|SlaPolicy|owner_occupied|routed)\b")


def _log_section(page):
    return page.split('<ul class="plain audit-log">', 1)[1].split("</ul>", 1)[0]


def _journey(w):
    """A resident registers with a letter, files a ticket the contractor takes
    on; the secretary changes the household and moves a space's pin."""
    invitation = issue_invitations(w.secretary, [w.household_a2])[0]
    newcomer = register_with_code(invitation.code, "13912345678", "赵大妈", "a-long-pass-1",
                                  Relation.tenant)
    tickets.set_rule(w.secretary, w.compound_a, "facade_ac", w.organisation.id)
    ticket = tickets.create_ticket(newcomer, compound_id=w.compound_a.id,
                                   category=Category.facade_ac.name, description="空调外机震动",
                                   household_id=w.household_a2.id)
    workflow.apply(w.staff, ticket, "acknowledge")
    record(w.secretary, "household.updated", w.household_a, community_id=w.community_a.id,
           changes={"occupancy": (Occupancy.owner_occupied, Occupancy.rented),
                    "latitude": ("39.938620", "39.938700")})
    return newcomer, ticket


def test_audit_entries_read_as_sentences_in_chinese(factory, client, auth, db):
    w = factory.world()
    newcomer, ticket = _journey(w)
    db.session.commit()
    auth.login(w.secretary)
    log = _log_section(client.get("/audit/").get_data(as_text=True))
    assert f"赵大妈 用邀请码登记了{w.household_a2.label}" in log
    assert f"孙工 受理了工单 {ticket.number}" in log
    assert "状态：已派单 → 已受理" in log
    assert "自住" in log and "出租" in log and "地图位置已修改" in log
    assert not RAW.findall(log), RAW.findall(log)
    assert "39.93" not in log                      # coordinates are never shown raw


def test_audit_entries_read_in_english_for_an_english_reader(factory, client, auth, db):
    w = factory.world()
    _newcomer, ticket = _journey(w)
    w.secretary.locale = "en"
    db.session.commit()
    auth.login(w.secretary)
    log = _log_section(client.get("/audit/").get_data(as_text=True))
    assert f"赵大妈 registered for Building {w.building_a.number}, flat 401 with an " \
           "invitation code" in log
    assert f"孙工 took on ticket {ticket.number}" in log
    assert "Status: Routed → Acknowledged" in log
    assert not RAW.findall(log), RAW.findall(log)


def test_an_unknown_event_still_reads_as_a_sentence(factory, client, auth, db):
    w = factory.world()
    record(w.secretary, "newfeature.thing_done", w.household_a, community_id=w.community_a.id,
           changes={"some_field": ("a", "b")})
    db.session.commit()
    auth.login(w.secretary)
    log = _log_section(client.get("/audit/").get_data(as_text=True))
    assert f"刘书记 修改了{w.household_a.label}" in log and "另有 1 项内容已修改" in log
    assert "newfeature" not in log and "some_field" not in log


def _written_events():
    """Every event name the code writes: literal ones and the state machines'."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"(?:record|audit)\(\s*[\w.]+,\s*\"([a-z_]+\.[a-z_]+)\"[,)]",
                                text))
        names |= set(re.findall(r"\"(ballot\.(?:vote_changed|voted|paper_vote))\"", text))
    machines = {"ticket": workflow.MACHINE, "meeting": MEETING_MACHINE,
                "motion": MOTION_MACHINE, "space": SPACE_MACHINE,
                "proposal": PROPOSAL_MACHINE, "renovation.plan_": PLAN_MACHINE,
                "renovation.project_": PROJECT_MACHINE}
    for prefix, machine in machines.items():
        joiner = "" if prefix.endswith("_") else "."
        names |= {f"{prefix}{joiner}{action}" for action in machine.actions}
    names |= {"renovation.survey_answered", "renovation.survey_absent"}
    return names


def test_every_event_the_code_writes_has_its_sentence():
    written = _written_events()
    assert len(written) > 100
    assert sorted(written - set(SENTENCES)) == []


def test_naming_the_records_of_a_page_costs_the_same_however_many_flats(factory, client,
                                                                        auth, db):
    from .test_audit import count_queries
    w = factory.world()
    auth.login(w.secretary)

    def entries_on_new_flats(n):
        for _ in range(n):
            household = factory.household(factory.building(w.compound_a))
            record(w.secretary, "household.updated", household, community_id=w.community_a.id)
        db.session.commit()
        with count_queries(db) as seen:
            page = client.get("/audit/").get_data(as_text=True)
        assert "号楼" in page
        return len(seen)

    few = entries_on_new_flats(2)
    assert entries_on_new_flats(20) == few

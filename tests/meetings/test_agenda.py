"""Agenda items, reordering before the meeting only, links, suggestions and
the providers other features call."""
import pytest

from residentvoice import signals
from residentvoice.meetings import providers
from residentvoice.errors_domain import InvalidInput, NotAllowed, NotFound, TransitionNotAllowed
from residentvoice.meetings import agenda, services
from residentvoice.meetings.models import MeetingStatus, SuggestionStatus
from residentvoice.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("english")


def titles(meeting):
    return [i.title for i in sorted(meeting.items, key=lambda i: i.position)]


def test_items_move_up_and_down_while_draft_or_announced(mt, db):
    meeting = mt.create(items=("一", "二", "三"))
    agenda.move_item(mt.secretary, meeting, meeting.items[2], "up")
    assert titles(meeting) == ["一", "三", "二"]
    services.transition(mt.secretary, meeting, "announce")
    first = next(i for i in meeting.items if i.title == "一")
    agenda.move_item(mt.secretary, meeting, first, "down")
    assert titles(meeting) == ["三", "一", "二"]
    with pytest.raises(InvalidInput):
        agenda.move_item(mt.secretary, meeting, first, "sideways")


def test_reordering_after_the_start_is_refused(mt, db):
    meeting = mt.in_session()
    before = titles(meeting)
    with pytest.raises(TransitionNotAllowed, match="before the meeting starts"):
        agenda.move_item(mt.secretary, meeting, meeting.items[1], "up")
    with pytest.raises(TransitionNotAllowed):
        agenda.add_item(mt.secretary, meeting, title="新", time_box_minutes=5)
    assert titles(meeting) == before


def test_residents_cannot_edit_the_agenda(mt, db):
    meeting = mt.create()
    with pytest.raises(NotAllowed):
        agenda.add_item(mt.resident, meeting, title="x", time_box_minutes=5)
    with pytest.raises(NotAllowed):
        agenda.move_item(mt.chair, meeting, meeting.items[1], "up")


def test_item_input_is_checked(mt, db):
    meeting = mt.create()
    with pytest.raises(InvalidInput) as error:
        agenda.add_item(mt.secretary, meeting, title="  ", time_box_minutes=5)
    assert error.value.field == "title"
    with pytest.raises(InvalidInput) as error:
        agenda.add_item(mt.secretary, meeting, title="x", time_box_minutes=0)
    assert error.value.field == "time_box_minutes"


def test_remove_renumbers(mt, db):
    meeting = mt.create(items=("一", "二", "三"))
    agenda.remove_item(mt.secretary, meeting, meeting.items[0])
    assert [(i.position, i.title) for i in meeting.items] == [(1, "二"), (2, "三")]


@pytest.fixture
def proposals():
    """A stand-in proposal: proposal 7 exists and everyone may see it (answered
    beside spaces' own receiver, which knows no proposal 7)."""
    def resolve(kind, *, ids, user):
        return {i: signals.Link("proposal", i, f"方案{i}", f"/spaces/proposals/{i}")
                for i in ids if i == 7}
    with signals.links_wanted.connected_to(resolve, sender="proposal"):
        yield


def test_items_link_to_proposals_that_exist(mt, db, proposals):
    meeting = mt.create()
    item = agenda.add_item(mt.secretary, meeting, title="比较方案", time_box_minutes=10,
                           refs=[("proposal", 7)])
    assert item.ref_pairs == [("proposal", 7)]
    found = agenda.resolved_refs(meeting, mt.resident)
    assert found[("proposal", 7)].title == "方案7"
    with pytest.raises(InvalidInput) as error:
        agenda.add_item(mt.secretary, meeting, title="x", time_box_minutes=5,
                        refs=[("proposal", 8)])
    assert error.value.field == "ref"
    with pytest.raises(InvalidInput):
        agenda.add_item(mt.secretary, meeting, title="x", time_box_minutes=5,
                        refs=[("ticket", 7)])


def test_invitees_suggest_items_while_announced(mt, db):
    meeting = mt.create()
    with pytest.raises(TransitionNotAllowed):
        agenda.suggest(mt.resident, meeting, title="儿童游乐设施")
    services.transition(mt.secretary, meeting, "announce")
    suggestion = agenda.suggest(mt.resident, meeting, title="儿童游乐设施", description="孩子多")
    assert suggestion.status is SuggestionStatus.pending
    with pytest.raises(NotAllowed):
        agenda.suggest(mt.outsider, meeting, title="别的院的事")
    with pytest.raises(InvalidInput):
        agenda.suggest(mt.neighbour, meeting, title=" ")


def test_the_secretary_accepts_a_suggestion_onto_the_agenda(mt, db):
    meeting = mt.announced()
    suggestion = agenda.suggest(mt.resident, meeting, title="儿童游乐设施")
    with pytest.raises(NotAllowed):
        agenda.accept_suggestion(mt.resident, meeting, suggestion.id)
    item = agenda.accept_suggestion(mt.secretary, meeting, suggestion.id)
    assert item.title == "儿童游乐设施" and item.presenter == mt.resident.name
    assert titles(meeting)[-1] == "儿童游乐设施"
    assert suggestion.status is SuggestionStatus.accepted and suggestion.item_id == item.id
    with pytest.raises(TransitionNotAllowed):
        agenda.decline_suggestion(mt.secretary, meeting, suggestion.id, "已处理")


def test_declining_needs_a_reason(mt, db):
    meeting = mt.announced()
    suggestion = agenda.suggest(mt.resident, meeting, title="拆除车库")
    with pytest.raises(InvalidInput) as error:
        agenda.decline_suggestion(mt.secretary, meeting, suggestion.id, "  ")
    assert error.value.field == "reason"
    assert suggestion.status is SuggestionStatus.pending
    agenda.decline_suggestion(mt.secretary, meeting, suggestion.id, "不属于本次议题")
    assert suggestion.status is SuggestionStatus.declined
    assert suggestion.reason == "不属于本次议题"
    [note] = db.session.scalars(db.select(Notification).where(
        Notification.user_id == mt.resident.id, Notification.kind == "meeting.suggestion"))
    assert note.params["reason"] == "不属于本次议题"


def test_add_agenda_item_and_upcoming_meetings_for_other_features(mt, db, proposals):
    meeting = mt.create()
    add = providers.add_agenda_item
    item = add(mt.secretary, meeting.id, title="方案7的比较", refs=[("proposal", 7)])
    assert item.meeting_id == meeting.id and item.ref_pairs == [("proposal", 7)]
    with pytest.raises(NotFound):
        add(mt.world.other_secretary, meeting.id, title="x")
    upcoming = providers.upcoming_meetings(mt.world.compound_a.id)
    assert [m["id"] for m in upcoming] == [meeting.id]
    assert set(upcoming[0]) == {"id", "title", "starts_at"}
    assert providers.upcoming_meetings(mt.world.compound_b.id) == []
    services.transition(mt.secretary, meeting, "announce")
    services.transition(mt.chair, meeting, "open")
    assert providers.upcoming_meetings(mt.world.compound_a.id) == []


def test_meeting_links_resolve_only_for_people_who_may_see_them(mt, db):
    draft = mt.create()
    announced = mt.announced()
    refs = [("meeting", draft.id), ("meeting", announced.id)]
    assert set(signals.look_up_links(refs, mt.secretary)) == set(refs)
    assert set(signals.look_up_links(refs, mt.resident)) == {("meeting", announced.id)}
    assert signals.look_up_links(refs, mt.outsider) == {}
    link = signals.look_up_links(refs, mt.resident)[("meeting", announced.id)]
    assert link.url == f"/meetings/{announced.id}" and link.title == announced.title
    assert announced.status is MeetingStatus.announced

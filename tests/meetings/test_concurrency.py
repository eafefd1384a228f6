"""The meeting's caps hold when requests race (PostgreSQL, DESIGN §4 and §8):
one check-in per person, one representative per household, one motion on the
floor, one seconder, one waiting request and at most N speeches per person
per motion, one count per show of hands, a suggestion accepted once, an
action item done once, and every change seen by the live screens."""
import pytest

from residentvoice.auth.models import ApiToken, User
from residentvoice.extensions import db
from residentvoice.meetings import agenda, attendance, minutes, moderation
from residentvoice.meetings.models import (ActionItem, AgendaItem, Attendance, InviteeScope,
                                           Meeting, Motion, MotionStatus, Side, SpeechRequest,
                                           SpeechStatus)
from residentvoice.models import utcnow

from ..factories import Factory
from ..races import at_once, count, racing_app, requests_at_once
from .conftest import Scenario

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def race_app():
    with racing_app() as app:
        yield app


def _scenario(extra_people=0, household=None):
    """The meetings scenario, committed, plus ``extra_people`` residents (of
    ``household`` — default: one new household each)."""
    mt = Scenario(Factory(db))
    mt.extra = []
    for n in range(extra_people):
        home = household or mt.factory.household(mt.world.building_a, floor=2,
                                                 unit=f"02{n:02d}")
        mt.extra.append(mt.factory.resident(home, name=f"居民{n}"))
    return mt


def _load(meeting_id, user_id):
    return db.session.get(Meeting, meeting_id), db.session.get(User, user_id)


def _job(fn, meeting_id, user_id, *args, **kwargs):
    def job():
        meeting, user = _load(meeting_id, user_id)
        return lambda: fn(user, meeting, *args, **kwargs)
    return job


def test_eight_check_ins_of_one_person_through_the_api_count_once(race_app):
    with race_app.app_context():
        mt = _scenario()
        meeting = mt.in_session(present=[])
        raw, _token = ApiToken.issue(mt.resident, 1)
        meeting_id, token, version = meeting.id, meeting.checkin_token, meeting.live_version
        db.session.commit()
    url = f"/api/v1/meetings/{meeting_id}/checkin"
    statuses = requests_at_once(race_app, [
        ("POST", url, {"json": {"token": token}, "headers": {"Authorization": f"Bearer {raw}"}})
        for _ in range(8)])
    assert sorted(statuses, key=str) == [201] + [409] * 7, statuses
    with race_app.app_context():
        assert count(Attendance, meeting_id=meeting_id) == 1
        assert db.session.get(Meeting, meeting_id).live_version == version + 1


def test_eight_people_checking_in_at_once_are_all_seen_by_the_live_screens(race_app):
    """Each check-in moves the live version on: none is lost to another."""
    with race_app.app_context():
        mt = _scenario(extra_people=8)
        meeting = mt.in_session(present=[])
        meeting_id, version = meeting.id, meeting.live_version
        jobs = [_job(attendance.check_in_self, meeting_id, p.id, meeting.checkin_token)
                for p in mt.extra]
        db.session.commit()
    assert at_once(race_app, jobs) == ["ok"] * 8
    with race_app.app_context():
        assert count(Attendance, meeting_id=meeting_id) == 8
        assert db.session.get(Meeting, meeting_id).live_version == version + 8


def test_one_representative_per_household_when_eight_members_check_in_at_once(race_app):
    with race_app.app_context():
        mt = _scenario()
        household = mt.factory.household(mt.world.building_a, floor=2, unit="0201")
        members = [mt.factory.resident(household, name=f"家人{n}") for n in range(8)]
        meeting = mt.in_session(present=[], invitees=InviteeScope.household_reps)
        meeting_id, household_id = meeting.id, household.id
        jobs = [_job(attendance.check_in_self, meeting_id, p.id, meeting.checkin_token)
                for p in members]
        db.session.commit()
    outcomes = at_once(race_app, jobs)
    assert sorted(outcomes) == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(Attendance, meeting_id=meeting_id, household_id=household_id) == 1


def _present(mt, people, **kwargs):
    meeting = mt.in_session(present=[mt.resident, mt.neighbour, mt.third, mt.chair, *people],
                            **kwargs)
    return meeting


def test_one_motion_on_the_floor_when_eight_people_move_at_once(race_app):
    with race_app.app_context():
        mt = _scenario(extra_people=8)
        meeting = _present(mt, mt.extra)
        meeting_id = meeting.id
        jobs = [_job(moderation.move, meeting_id, p.id, f"动议{n}")
                for n, p in enumerate(mt.extra)]
        db.session.commit()
    assert sorted(at_once(race_app, jobs)) == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(Motion, meeting_id=meeting_id) == 1


def test_one_seconder_when_eight_people_second_at_once(race_app):
    with race_app.app_context():
        mt = _scenario(extra_people=8)
        meeting = _present(mt, mt.extra)
        motion = moderation.move(mt.resident, meeting, "在3号楼东侧建车棚")
        meeting_id, motion_id = meeting.id, motion.id
        people = [p.id for p in mt.extra]
        jobs = [_job(moderation.second, meeting_id, uid, motion_id) for uid in people]
        db.session.commit()
    outcomes = at_once(race_app, jobs)
    assert sorted(outcomes) == ["TransitionNotAllowed"] * 7 + ["ok"]
    with race_app.app_context():
        motion = db.session.get(Motion, motion_id)
        assert motion.status is MotionStatus.seconded
        assert motion.seconder_id == people[outcomes.index("ok")]
        assert _audit_count("motion.second") == 1


def _audit(action):
    from residentvoice.audit.models import AuditEntry
    return db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == action)).all()


def _debating(mt, **kwargs):
    meeting = _present(mt, mt.extra, **kwargs)
    motion = moderation.move(mt.resident, meeting, "在3号楼东侧建车棚")
    moderation.second(mt.neighbour, meeting, motion.id)
    moderation.accept_for_debate(mt.chair, meeting, motion.id)
    return meeting, motion


def test_eight_requests_for_the_floor_by_one_person_queue_once(race_app):
    with race_app.app_context():
        mt = _scenario()
        meeting, motion = _debating(mt)
        meeting_id, motion_id, third = meeting.id, motion.id, mt.third.id
        jobs = [_job(moderation.request_floor, meeting_id, third, Side.pro) for _ in range(8)]
        db.session.commit()
    assert sorted(at_once(race_app, jobs)) == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        assert count(SpeechRequest, motion_id=motion_id, user_id=third) == 1


def test_the_speech_cap_holds_when_someone_asks_eight_times_at_once(race_app):
    """Two speeches per person per motion: one spoken, so one more request only."""
    with race_app.app_context():
        mt = _scenario()
        meeting, motion = _debating(mt, speeches_per_motion=2)
        moderation.request_floor(mt.third, meeting, Side.pro)
        moderation.call_next(mt.chair, meeting)
        moderation.end_speech(mt.chair, meeting)
        meeting_id, motion_id, third = meeting.id, motion.id, mt.third.id
        jobs = [_job(moderation.request_floor, meeting_id, third, Side.con) for _ in range(8)]
        db.session.commit()
    assert sorted(at_once(race_app, jobs)) == ["Conflict"] * 7 + ["ok"]
    with race_app.app_context():
        requests = db.session.scalars(db.select(SpeechRequest).where(
            SpeechRequest.motion_id == motion_id, SpeechRequest.user_id == third)).all()
        assert sorted(r.status.name for r in requests) == ["done", "waiting"]


def test_one_speaker_at_a_time_when_the_chair_calls_the_next_one_eight_times(race_app):
    """Sides alternate and a speech is given once: eight clicks on "next
    speaker" walk the queue, never calling the same request twice."""
    with race_app.app_context():
        mt = _scenario(extra_people=4)
        meeting, motion = _debating(mt)
        for n, person in enumerate(mt.extra):
            moderation.request_floor(person, meeting, Side.pro if n % 2 else Side.con)
        meeting_id, motion_id = meeting.id, motion.id
        jobs = [_job(moderation.call_next, meeting_id, mt.chair.id) for _ in range(8)]
        db.session.commit()
    assert at_once(race_app, jobs) == ["ok"] * 8
    with race_app.app_context():
        requests = db.session.scalars(db.select(SpeechRequest).where(
            SpeechRequest.motion_id == motion_id).order_by(SpeechRequest.started_at)).all()
        assert [r.status for r in requests] == [SpeechStatus.done] * 4
        assert [r.side for r in requests] == [Side.con, Side.pro, Side.con, Side.pro]
        assert _audit_count("motion.speaker_called") == 4


def _audit_count(action):
    return len(_audit(action))


def test_one_count_per_show_of_hands(race_app):
    """The chair and the recorder both enter the count, three times each: one counts."""
    with race_app.app_context():
        mt = _scenario()
        meeting, motion = _debating(mt)
        moderation.call_vote(mt.chair, meeting, motion.id)
        meeting_id, motion_id = meeting.id, motion.id
        jobs = [_job(moderation.record_vote, meeting_id, who.id, motion_id,
                     votes_for=3, votes_against=n % 2, votes_abstain=0)
                for n, who in enumerate([mt.chair, mt.secretary] * 3)]
        db.session.commit()
    outcomes = at_once(race_app, jobs)
    assert sorted(outcomes) == ["Conflict"] * 5 + ["ok"]
    with race_app.app_context():
        motion = db.session.get(Motion, motion_id)
        assert motion.status is MotionStatus.passed
        assert motion.votes_against == outcomes.index("ok") % 2
        assert _audit_count("motion.pass") == 1


def test_a_suggestion_accepted_eight_times_at_once_is_one_agenda_item(race_app):
    with race_app.app_context():
        mt = _scenario()
        meeting = mt.announced()
        suggestion = agenda.suggest(mt.resident, meeting, title="楼道灯")
        meeting_id, items = meeting.id, len(meeting.items)
        jobs = [_job(agenda.accept_suggestion, meeting_id, mt.secretary.id, suggestion.id)
                for _ in range(8)]
        db.session.commit()
    assert sorted(at_once(race_app, jobs)) == ["TransitionNotAllowed"] * 7 + ["ok"]
    with race_app.app_context():
        positions = db.session.scalars(db.select(AgendaItem.position).where(
            AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)).all()
        assert positions == list(range(1, items + 2))


def test_items_added_at_once_get_their_own_places(race_app):
    with race_app.app_context():
        mt = _scenario()
        meeting = mt.announced()
        meeting_id, items = meeting.id, len(meeting.items)
        jobs = [_job(agenda.add_item, meeting_id, mt.secretary.id, title=f"议题{n}",
                     time_box_minutes=10) for n in range(8)]
        db.session.commit()
    assert at_once(race_app, jobs) == ["ok"] * 8
    with race_app.app_context():
        positions = db.session.scalars(db.select(AgendaItem.position).where(
            AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position)).all()
        assert positions == list(range(1, items + 9))


def test_an_action_item_is_done_once(race_app):
    with race_app.app_context():
        mt = _scenario()
        meeting = mt.in_session()
        action = minutes.add_action(mt.secretary, meeting, text="联系施工方",
                                    owner_id=mt.resident.id, due_on=utcnow().date())
        action_id, people = action.id, [mt.resident.id, mt.secretary.id]
        db.session.commit()

    def job(user_id):
        def load():
            user = db.session.get(User, user_id)
            return lambda: minutes.complete_action(user, action_id)
        return load
    outcomes = at_once(race_app, [job(uid) for uid in people * 4])
    assert sorted(outcomes) == ["TransitionNotAllowed"] * 7 + ["ok"]
    with race_app.app_context():
        assert db.session.get(ActionItem, action_id).done_at is not None
        assert _audit_count("meeting.action_done") == 1

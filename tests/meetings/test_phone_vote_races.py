"""Votes on phones under races (PostgreSQL, issue 19 §7, DESIGN §8): one row
per attendee however often they tap at once, and a vote racing the recorded
count is either in that count or refused — never kept beside it."""
import pytest

from residentvoice.extensions import db
from residentvoice.meetings import moderation, phone_votes
from residentvoice.meetings.models import Motion, MotionStatus
from residentvoice.meetings.phone_vote_models import PhoneVote, VoteChoice, tally

from ..races import at_once, count, racing_app
from .test_concurrency import _debating, _job, _scenario

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def race_app():
    with racing_app() as app:
        yield app


def test_eight_taps_of_one_attendee_at_once_keep_one_vote(race_app):
    with race_app.app_context():
        mt = _scenario()
        meeting, motion = _debating(mt)
        moderation.call_vote(mt.chair, meeting, motion.id)
        meeting_id, motion_id, third = meeting.id, motion.id, mt.third.id
        choices = [VoteChoice.yes, VoteChoice.no] * 4
        jobs = [_job(phone_votes.cast, meeting_id, third, motion_id, c) for c in choices]
        db.session.commit()
    assert at_once(race_app, jobs) == ["ok"] * 8
    with race_app.app_context():
        assert count(PhoneVote, motion_id=motion_id, user_id=third) == 1


def test_votes_racing_the_count_are_in_it_or_refused(race_app):
    with race_app.app_context():
        mt = _scenario(extra_people=8)
        meeting, motion = _debating(mt)
        moderation.call_vote(mt.chair, meeting, motion.id)
        meeting_id, motion_id = meeting.id, motion.id
        jobs = [_job(phone_votes.cast, meeting_id, p.id, motion_id, VoteChoice.yes)
                for p in mt.extra]
        jobs.insert(4, _job(moderation.record_vote, meeting_id, mt.secretary.id, motion_id,
                            votes_for=0, votes_against=1, votes_abstain=0))
        db.session.commit()
    outcomes = at_once(race_app, jobs)
    assert outcomes[4] == "ok"
    votes = outcomes[:4] + outcomes[5:]
    assert set(votes) <= {"ok", "Conflict"}
    with race_app.app_context():
        motion = db.session.get(Motion, motion_id)
        phones = tally(motion)
        assert phones["votes_for"] == votes.count("ok")
        assert (motion.votes_for, motion.votes_against) == (phones["votes_for"], 1)
        assert motion.status is (MotionStatus.passed if phones["votes_for"] > 1
                                 else MotionStatus.failed)

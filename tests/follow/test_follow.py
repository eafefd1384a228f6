"""Follow (issue 19 §4): authors and supporters follow by default, anyone who
may see a record can follow it, anyone can stop; followers are notified of
changes once, not by the one who made the change, and not twice when the
feature itself already told them."""
import pytest

from residentvoice.errors_domain import NotAllowed
from residentvoice.extensions import db
from residentvoice.follow import services
from residentvoice.meetings import services as meetings
from residentvoice.notifications.models import Notification
from residentvoice.spaces import discussion, proposals
from residentvoice.tickets import actions
from residentvoice.tickets import services as tickets

from ..factories import sign_in
from ..meetings.conftest import Scenario
from ..spaces.helpers import make_proposal, make_space


@pytest.fixture
def mt(factory):
    return Scenario(factory)


def told(user, url):
    return db.session.scalars(db.select(Notification.kind).where(
        Notification.user_id == user.id, Notification.url == url)).all()


def test_the_proposer_and_supporters_follow_by_default_and_may_stop(mt):
    w = mt.world
    proposal = make_proposal(w, make_space(w))
    discussion.support(mt.neighbour, proposal, w.household_a2.id)
    assert services.followers("proposal", proposal.id) == {w.resident.id, mt.neighbour.id}
    services.unfollow(mt.neighbour, "proposal", proposal)
    assert services.followers("proposal", proposal.id) == {w.resident.id}
    assert not services.is_following(mt.neighbour, "proposal", proposal.id)
    services.follow(mt.third, "proposal", proposal)
    assert services.followers("proposal", proposal.id) == {w.resident.id, mt.third.id}


def test_the_reporter_and_me_too_households_follow_a_ticket(mt):
    w = mt.world
    ticket = tickets.create_ticket(w.resident, compound_id=w.compound_a.id, category="roads",
                                   description="路面破损", household_id=w.household_a.id,
                                   public=True)
    tickets.me_too(mt.third, ticket, mt.household3.id)
    assert services.followers("ticket", ticket.id) == {w.resident.id, mt.third.id}


def test_one_cannot_follow_what_one_cannot_see(mt):
    draft = mt.create()
    with pytest.raises(NotAllowed):
        services.follow(mt.resident, "meeting", draft)


def test_followers_hear_of_a_change_but_not_the_one_who_made_it(mt):
    meeting = mt.announced()
    services.follow(mt.resident, "meeting", meeting)
    services.follow(mt.secretary, "meeting", meeting)
    db.session.commit()
    meetings.transition(mt.chair, meeting, "open")
    db.session.commit()
    assert "follow.meeting" in told(mt.resident, f"/meetings/{meeting.id}")
    assert "follow.meeting" in told(mt.secretary, f"/meetings/{meeting.id}")


def test_a_stopped_follower_hears_nothing(mt):
    w = mt.world
    proposal = make_proposal(w, make_space(w), status="submitted")
    services.unfollow(w.resident, "proposal", proposal)
    db.session.commit()
    proposals.review_proposal(w.secretary, proposal, "open", {
        "fire_lanes": "ok", "window_distance": "ok", "electrical_capacity": "ok",
        "accessibility": "ok", "other": "ok"})
    db.session.commit()
    assert "follow.proposal" not in told(w.resident, proposal.path)


def test_who_the_feature_already_told_is_not_told_twice(mt):
    """Acknowledging a ticket tells its reporter (tickets' own message); the
    me-too follower, whom tickets does not tell, hears it from follow."""
    w = mt.world
    ticket = tickets.create_ticket(w.resident, compound_id=w.compound_a.id, category="roads",
                                   description="路面破损", household_id=w.household_a.id,
                                   public=True)
    tickets.me_too(mt.third, ticket, mt.household3.id)
    db.session.commit()
    before = len(told(w.resident, f"/tickets/{ticket.id}"))
    actions.acknowledge(w.secretary, ticket)
    db.session.commit()
    reporter = told(w.resident, f"/tickets/{ticket.id}")
    assert "follow.ticket" not in reporter and len(reporter) == before + 1
    assert told(mt.third, f"/tickets/{ticket.id}").count("follow.ticket") == 1


def test_a_rolled_back_change_tells_nobody(mt):
    meeting = mt.announced()
    services.follow(mt.resident, "meeting", meeting)
    db.session.commit()
    meetings.transition(mt.chair, meeting, "open")
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert "follow.meeting" not in told(mt.resident, f"/meetings/{meeting.id}")


def test_follow_and_stop_through_the_pages(client, mt):
    meeting = mt.announced()
    sign_in(client, mt.resident)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'action="/follow/meeting/{meeting.id}"' in page
    response = client.post(f"/follow/meeting/{meeting.id}",
                           data={"next": f"/meetings/{meeting.id}"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert f'action="/follow/meeting/{meeting.id}/stop"' in client.get(
        f"/meetings/{meeting.id}").get_data(as_text=True)
    assert meeting.title in client.get("/follow/").get_data(as_text=True)
    client.post(f"/follow/meeting/{meeting.id}/stop")
    assert meeting.title not in client.get("/follow/").get_data(as_text=True)
    assert client.post("/follow/nonsense/1").status_code == 404
    draft = mt.create()
    assert client.post(f"/follow/meeting/{draft.id}").status_code == 404


def test_the_redirect_stays_on_this_site(client, mt):
    meeting = mt.announced()
    sign_in(client, mt.resident)
    response = client.post(f"/follow/meeting/{meeting.id}", data={"next": "//evil.example/"})
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")


def test_a_ballot_page_offers_follow_and_its_calendar_file(client, mt):
    from ..voting.helpers import make_ballot
    ballot = make_ballot(mt.secretary, mt.world.compound_a, state="open")
    sign_in(client, mt.resident)
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert f'action="/follow/ballot/{ballot.id}"' in page
    assert f'href="/calendar/ballots/{ballot.id}.ics"' in page
    client.post(f"/follow/ballot/{ballot.id}")
    from residentvoice.voting import services as voting
    voting.close_ballot(mt.secretary, ballot)
    db.session.commit()
    assert "follow.ballot" in told(mt.resident, f"/ballots/{ballot.id}")

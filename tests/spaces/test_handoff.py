"""Hand-off to meetings and ballots (the meetings and voting services faked
here: their own tests cover them); the ``ballot_closed`` receiver; the links
spaces answers."""
from datetime import datetime
from types import SimpleNamespace

import pytest

from residentvoice import signals
from residentvoice.errors_domain import InvalidInput
from residentvoice.spaces import handoff
from residentvoice.spaces.models import ProposalStatus as P
from residentvoice.spaces.models import SpaceStatus as S

from .helpers import make_proposal, make_space


@pytest.fixture
def providers(monkeypatch):
    """Fake meetings' and voting's services for the test, recording the calls."""
    calls = {"agenda": [], "ballot": []}

    def add_agenda_item(actor, meeting_id, *, title, description="", refs=()):
        calls["agenda"].append({"meeting_id": meeting_id, "title": title, "refs": list(refs)})
        return SimpleNamespace(id=len(calls["agenda"]))

    def upcoming_meetings(compound_id):
        return [{"id": 7, "title": "五月居民议事会", "starts_at": datetime(2024, 5, 20, 19)}]

    def create_ballot(actor, compound, **kwargs):
        if kwargs["opens_at"] is None:
            raise InvalidInput("opens_at missing", "opens_at")
        calls["ballot"].append(kwargs)
        return SimpleNamespace(id=40 + len(calls["ballot"]), title=kwargs["title"])

    monkeypatch.setattr(handoff, "meeting_services", SimpleNamespace(
        add_agenda_item=add_agenda_item, upcoming_meetings=upcoming_meetings))
    monkeypatch.setattr(handoff, "voting_services",
                        SimpleNamespace(create_ballot=create_ballot))
    return calls


@pytest.fixture
def w(factory):
    world = factory.world()
    world.space = make_space(world)
    world.a = make_proposal(world, world.space, title="充电桩", kind="charging_piles")
    world.b = make_proposal(world, world.space, title="车棚")
    return world


BALLOT = {"announced_at": datetime(2024, 5, 1), "opens_at": datetime(2024, 5, 17),
          "closes_at": datetime(2024, 5, 24)}


def test_put_on_agenda(w, providers):
    handoff.put_on_agenda(w.secretary, w.space, [w.a.id, w.b.id], "7")
    [call] = providers["agenda"]
    assert call["meeting_id"] == 7 and "1号楼北侧腾退空地" in call["title"]
    assert call["refs"] == [("proposal", w.a.id), ("proposal", w.b.id)]
    assert (w.a.status, w.b.status) == (P.on_agenda, P.on_agenda)
    assert w.a.meeting_id == 7


def test_agenda_needs_an_upcoming_meeting_and_open_proposals(w, providers):
    with pytest.raises(InvalidInput) as error:
        handoff.put_on_agenda(w.secretary, w.space, [w.a.id], 99)
    assert error.value.field == "meeting_id"
    draft = make_proposal(w, w.space, status="submitted")
    with pytest.raises(InvalidInput) as error:
        handoff.put_on_agenda(w.secretary, w.space, [draft.id], 7)
    assert error.value.field == "proposal_ids"
    with pytest.raises(InvalidInput):
        handoff.put_on_agenda(w.secretary, w.space, [], 7)
    assert providers["agenda"] == [] and w.a.status is P.open


def test_create_ballot_is_an_art_278_matter_8_owners_ballot(w, providers):
    ballot = handoff.create_ballot(w.secretary, w.space, [w.a.id, w.b.id], BALLOT)
    call = providers["ballot"][0]
    assert call["basis"] == "owners" and call["matter"] == "common_parts_use"
    assert call["options"][:2] == [{"label": "充电桩", "ref": ("proposal", w.a.id)},
                                   {"label": "车棚", "ref": ("proposal", w.b.id)}]
    assert [o["ref"] for o in call["options"][2:]] == [None]
    assert (w.a.status, w.b.status) == (P.voting, P.voting) and w.a.ballot_id == ballot.id


def test_single_proposal_ballot_gets_against_and_abstain(w, providers):
    handoff.create_ballot(w.secretary, w.space, [w.a.id], BALLOT)
    assert [o["ref"] for o in providers["ballot"][0]["options"]] == [
        ("proposal", w.a.id), None, None]


def test_provider_errors_change_nothing(w, providers):
    with pytest.raises(InvalidInput) as error:
        handoff.create_ballot(w.secretary, w.space, [w.a.id], dict(BALLOT, opens_at=None))
    assert error.value.field == "opens_at"
    assert w.a.status is P.open and w.a.ballot_id is None


def _result(passed, options):
    return SimpleNamespace(passed=passed, options=[SimpleNamespace(ref=r, passed=p)
                                                   for r, p in options])


def test_ballot_closed_accepts_the_winner_and_decides_the_space(w, providers):
    third = make_proposal(w, w.space, title="花箱", kind="flower_boxes")  # not in the ballot
    ballot = handoff.create_ballot(w.secretary, w.space, [w.a.id, w.b.id], BALLOT)
    signals.ballot_closed.send(ballot, ballot=ballot, result=_result(True, [
        (("proposal", w.a.id), False), (("proposal", w.b.id), True), (None, False)]))
    assert w.b.status is P.accepted and w.a.status is P.rejected
    assert third.status is P.rejected and third.history[-1].action == "set_aside"
    assert w.space.status is S.decided
    assert w.space.history[-1].actor_id is None and str(ballot.id) in w.space.history[-1].reason


def test_ballot_closed_without_a_winner_rejects_and_keeps_deliberating(w, providers):
    ballot = handoff.create_ballot(w.secretary, w.space, [w.a.id, w.b.id], BALLOT)
    signals.ballot_closed.send(ballot, ballot=ballot, result=_result(False, [
        (("proposal", w.a.id), False), (("proposal", w.b.id), False)]))
    assert (w.a.status, w.b.status) == (P.rejected, P.rejected)
    assert w.space.status is S.deliberating


def test_ballot_closed_for_another_ballot_changes_nothing(w, providers):
    handoff.create_ballot(w.secretary, w.space, [w.a.id], BALLOT)
    other = SimpleNamespace(id=999, title="x")
    signals.ballot_closed.send(other, ballot=other,
                               result=_result(True, [(("proposal", w.a.id), True)]))
    assert w.a.status is P.voting


def test_link_resolvers_respect_visibility(w):
    draft = make_proposal(w, w.space, status="draft")
    refs = [("space", w.space.id), ("proposal", w.a.id), ("proposal", draft.id)]
    mine = signals.look_up_links(refs, w.resident)
    assert set(mine) == set(refs)
    assert mine[("proposal", w.a.id)].extra["status"] == "open"
    assert set(signals.look_up_links(refs, w.secretary)) == set(refs[:2])
    assert signals.look_up_links(refs, w.other_resident) == {}

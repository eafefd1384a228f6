"""Rules found broken in the review of DESIGN §4 — each test fails when the rule breaks."""
import io

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage

from residentvoice.errors_domain import Conflict, NotEligible
from residentvoice.voting import services
from residentvoice.voting.casting import NotOpen, cast_phone_vote
from residentvoice.voting.proxy_entry import enter_proxy_vote
from residentvoice.voting.counting import HALF, THREE_QUARTERS, TWO_THIRDS, _test, tally
from residentvoice.voting.models import (Ballot, BallotStatus, OptionKind, ProxyPrincipal,
                                         Vote)
from residentvoice.voting.paper_entry import enter_paper_vote

from .helpers import make_ballot, option, paper_serial

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(factory):
    return factory.world()


def scan():
    return FileStorage(io.BytesIO(PDF), filename="form.pdf", content_type="application/pdf")


@pytest.mark.parametrize("label", ["不同意", "Disagree", "不赞成"])
def test_a_disagree_option_is_against_and_never_passes(db, world, factory, label):
    """不同意 is 反对 in other words: a ballot where most disagree must not pass."""
    ballot = make_ballot(world.secretary, world.compound_a, basis="residents",
                         matter="consultative", options=["同意", label, "弃权"])
    disagree = option(ballot, label)
    assert disagree.kind is OptionKind.against
    for household in (world.household_a, world.household_a2):
        enter_paper_vote(world.secretary, ballot,
                         serial=paper_serial(world.secretary, ballot, household),
                         option_id=disagree.id, witness="w")
    services.close_ballot(world.secretary, ballot)
    assert not tally(ballot).passed


@pytest.mark.parametrize("part, whole, required, inclusive, shown", [
    (74999, 100000, THREE_QUARTERS, True, "74.99%"),     # not met: never "75.00%"
    (666666, 1000000, TWO_THIRDS, True, "66.66%"),       # not met: never "66.67%"
    (50001, 100000, HALF, False, "50.01%"),              # met: never "50.00%"
    (2, 3, TWO_THIRDS, True, "66.67%"),                  # met exactly
    (1, 2, HALF, False, "50.00%"),                       # not met exactly
])
def test_the_figure_shown_never_contradicts_the_verdict(part, whole, required, inclusive,
                                                         shown):
    """The one-line explanation rounds towards the verdict, computed in integers."""
    threshold = _test("agreed_area", "area", part, whole, required, inclusive)
    with force_locale("en"):
        assert f"Reached {shown}," in threshold.text


def test_proxy_phone_is_normalised_so_the_cap_holds(db, world):
    """物业管理条例 art. 12 cap: the same proxy typed with spaces is the same proxy."""
    ballot = make_ballot(world.secretary, world.compound_a, proxy_cap=1)
    agree = option(ballot, "同意")
    enter_proxy_vote(world.secretary, ballot, proxy_name="张代理", proxy_phone="13912345678",
                     households=[world.household_a2.code], option_id=agree.id,
                     authorisation=scan())
    with pytest.raises(Conflict):
        enter_proxy_vote(world.secretary, ballot, proxy_name="张代理",
                         proxy_phone="139 1234 5678", households=[world.household_a.code],
                         option_id=agree.id, authorisation=scan())
    with pytest.raises(Conflict):       # the same person entered once without the number
        enter_proxy_vote(world.secretary, ballot, proxy_name="张代理", proxy_phone="",
                         proxy_id_tail="1234", households=[world.household_a.code],
                         option_id=agree.id, authorisation=scan())
    assert db.session.scalar(db.select(db.func.count(Vote.id)).where(
        Vote.ballot_id == ballot.id)) == 1


def test_proxy_listing_the_same_household_twice_records_it_once(db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    code = world.household_a2.code
    _proxy, casts = enter_proxy_vote(
        world.secretary, ballot, proxy_name="张代理", proxy_phone="13912345678",
        households=[code, code.lower()], option_id=agree.id, authorisation=scan())
    assert len(casts) == 1
    assert db.session.scalar(db.select(db.func.count(ProxyPrincipal.id)).where(
        ProxyPrincipal.ballot_id == ballot.id)) == 1


def test_a_vote_arriving_after_another_session_closed_the_ballot_is_refused(db, world):
    """The status is re-checked under the chain lock: a vote waiting for a closing
    transaction must not be appended after the published head."""
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    table = Ballot.__table__
    db.session.execute(table.update().where(table.c.id == ballot.id)
                       .values(status=BallotStatus.closed.name))
    assert ballot.status is BallotStatus.open      # this session still read it open
    with pytest.raises(NotOpen):
        cast_phone_vote(world.resident, ballot, world.household_a.id, agree.id)
    assert db.session.scalar(db.select(db.func.count(Vote.id)).where(
        Vote.ballot_id == ballot.id)) == 0


def test_closing_publishes_the_latest_committed_chain_tip(db, world):
    """A vote committed between loading the ballot and closing it is in the head:
    the seal is made over the tip read under the close's lock."""
    from residentvoice.voting.chain import seal_hash
    from residentvoice.voting.models import Checkpoint
    ballot = make_ballot(world.secretary, world.compound_a)
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
    assert ballot.chain_tip                       # loaded into this session
    table = Ballot.__table__
    db.session.execute(table.update().where(table.c.id == ballot.id)
                       .values(chain_tip="f" * 64))
    services.close_ballot(world.secretary, ballot)
    seal = db.session.scalar(db.select(Checkpoint).where(Checkpoint.ballot_id == ballot.id,
                                                         Checkpoint.kind == "close"))
    assert ballot.chain_head == seal.head == seal_hash(ballot.id, 1, "f" * 64, seal.totals)


def test_a_new_owner_after_opening_cannot_vote_for_the_frozen_owners_units(db, world, factory):
    """The electorate's owner identities are frozen at opening: whoever the
    register names later does not vote for the previous owner's other units."""
    first = factory.user()
    old_owner = factory.owner(world.community_a, user=first)
    world.household_a.owner_id = world.household_a2.owner_id = old_owner.id
    db.session.flush()
    ballot = make_ballot(world.secretary, world.compound_a)
    buyer = factory.user()
    world.household_a.owner_id = factory.owner(world.community_a, user=buyer).id
    db.session.flush()
    with pytest.raises(NotEligible):
        cast_phone_vote(buyer, ballot, world.household_a.id, option(ballot, "同意").id)
    cast_phone_vote(first, ballot, world.household_a.id, option(ballot, "同意").id)
    assert db.session.scalar(db.select(db.func.count(Vote.id)).where(
        Vote.ballot_id == ballot.id)) == 2


def test_a_linked_proposal_is_always_an_alternative_whatever_its_title(db, world):
    """Proposals put to the vote are judged alternatives even if titled like 反对."""
    ballot = make_ballot(world.secretary, world.compound_a, state="draft", options=[
        {"label": "反对", "ref": ("proposal", 1)}, {"label": "车棚", "ref": ("proposal", 2)}])
    assert [o.kind for o in ballot.options] == [OptionKind.choice, OptionKind.choice]


def test_the_result_page_says_not_passed_when_most_disagree(client, auth, db, world):
    ballot = make_ballot(world.secretary, world.compound_a, options=["同意", "不同意", "弃权"])
    disagree = option(ballot, "不同意")
    for household in (world.household_a, world.household_a2):
        enter_paper_vote(world.secretary, ballot,
                         serial=paper_serial(world.secretary, ballot, household),
                         option_id=disagree.id, witness="w")
    services.close_ballot(world.secretary, ballot)
    auth.login(world.resident)
    page = client.get(f"/ballots/{ballot.id}/result").get_data(as_text=True)
    assert "<strong>未通过</strong>" in page and "<strong>通过</strong>" not in page


def test_the_proxy_page_takes_a_household_listed_twice(client, auth, db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    auth.login(world.secretary)
    code = world.household_a2.code
    response = client.post(f"/ballots/{ballot.id}/proxy", data={
        "proxy_name": "张代理", "proxy_phone": "139 1234 5678",
        "households": f"{code}\n{code.lower()}", "option": option(ballot, "同意").id,
        "authorisation": (io.BytesIO(PDF), "form.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Vote.id)).where(
        Vote.ballot_id == ballot.id)) == 1
    from residentvoice.voting.models import Proxy
    assert db.session.scalar(db.select(Proxy.proxy_phone)) == "13912345678"


def test_the_chart_shows_the_same_figures_as_the_thresholds(db, world):
    """80.50 of 135.75 m² is 59.3002 %: more than half, so shown as 59.31 % everywhere."""
    from residentvoice.voting.presenters import chart
    ballot = make_ballot(world.secretary, world.compound_a, matter="use_fund")
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
    enter_paper_vote(world.secretary, ballot,
                     serial=paper_serial(world.secretary, ballot, world.household_a2),
                     option_id=option(ballot, "反对").id, witness="w")
    services.close_ballot(world.secretary, ballot)
    result = tally(ballot)
    bars = chart(ballot, result)["bars"]
    agree = result.options[0]
    with force_locale("en"):
        for bar_text, threshold in ((bars[0].area_text, agree.thresholds[0]),
                                    (bars[0].head_text, agree.thresholds[1])):
            assert f"Reached {bar_text}," in threshold.text
    assert bars[0].area_text == "59.31%"

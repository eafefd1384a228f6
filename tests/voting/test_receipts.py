"""Vote receipts are findable later (issue 17 §4): the ballot page and the
account's receipts page show each vote's receipt code with a link that checks
it — after a reload, not only in the banner shown once after voting."""
from residentvoice.voting import services
from residentvoice.voting.casting import cast_phone_vote
from residentvoice.voting.models import Cast

from .helpers import make_ballot, option


def _vote(db, world, ballot, label="同意"):
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, label).id)
    return db.session.scalar(db.select(Cast.receipt).where(Cast.ballot_id == ballot.id))


def test_the_ballot_page_shows_the_households_receipt_after_a_reload(client, auth, factory, db):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a)
    receipt = _vote(db, world, ballot)
    auth.login(world.resident)
    page = client.get(f"/ballots/{ballot.id}").get_data(as_text=True)
    assert receipt in page
    assert f"/ballots/verify?receipt={receipt}" in page


def test_the_receipts_page_lists_every_vote_and_checks_it(client, auth, factory, db):
    world = factory.world()
    first = make_ballot(world.secretary, world.compound_a, title="充电桩建设")
    second = make_ballot(world.secretary, world.compound_a, title="车棚选址",
                         basis="residents", matter="consultative")
    receipts = [_vote(db, world, first)]
    cast_phone_vote(world.resident, second, world.household_a.id, option(second, "反对").id)
    receipts.append(db.session.scalar(db.select(Cast.receipt).where(Cast.ballot_id == second.id)))
    auth.login(world.resident)
    account = client.get("/account").get_data(as_text=True)
    assert "/ballots/receipts" in account
    page = client.get("/ballots/receipts").get_data(as_text=True)
    assert "充电桩建设" in page and "车棚选址" in page
    for receipt in receipts:
        assert receipt in page and f"/ballots/verify?receipt={receipt}" in page
    checked = client.get(f"/ballots/verify?receipt={receipts[0]}").get_data(as_text=True)
    assert "已计入" in checked or "计入" in checked


def test_someone_elses_receipts_are_not_listed(client, auth, factory, db):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a)
    receipt = _vote(db, world, ballot)
    auth.login(world.other_resident)
    page = client.get("/ballots/receipts").get_data(as_text=True)
    assert receipt not in page
    assert "还没有投票回执" in page


def test_a_secret_ballot_forgets_the_receipt_at_closing(client, auth, factory, db):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a, secret=True)
    receipt = _vote(db, world, ballot)
    auth.login(world.resident)
    assert receipt in client.get("/ballots/receipts").get_data(as_text=True)
    services.close_ballot(world.secretary, ballot)
    assert receipt not in client.get("/ballots/receipts").get_data(as_text=True)
    assert receipt not in client.get(f"/ballots/{ballot.id}").get_data(as_text=True)

"""Proxies (物业管理条例 art. 12) without a phone are told apart by name and
the last 4 characters of their ID card, not lumped together under the same
empty number (issue 14.13); the cap counts each distinct person."""
import io

import pytest
from werkzeug.datastructures import FileStorage

from residentvoice.errors_domain import Conflict, InvalidInput
from residentvoice.voting.proxy_entry import enter_proxy_vote
from residentvoice.voting.models import ProxyPrincipal, Vote

from .helpers import make_ballot, option

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(factory):
    return factory.world()


def text(response):
    return response.get_data(as_text=True)


def votes(db, ballot):
    return db.session.scalars(db.select(Vote).where(Vote.ballot_id == ballot.id)).all()


def scan():
    return FileStorage(io.BytesIO(PDF), filename="form.pdf", content_type="application/pdf")


def test_two_phoneless_proxies_with_the_same_name_but_different_ids_are_two_people(db, world,
                                                                                    factory):
    third = factory.household(world.building_a, owner=factory.owner(world.community_a))
    ballot = make_ballot(world.secretary, world.compound_a, proxy_cap=1)
    agree = option(ballot, "同意")
    enter_proxy_vote(world.secretary, ballot, proxy_name="王五", proxy_phone="",
                     proxy_id_tail="1111", households=[world.household_a2.code],
                     option_id=agree.id, authorisation=scan())
    # another 王五 (ID ending 2222) is another person: his own cap
    enter_proxy_vote(world.secretary, ballot, proxy_name="王五", proxy_phone="",
                     proxy_id_tail="2222", households=[world.household_a.code],
                     option_id=agree.id, authorisation=scan())
    # the first 王五 again: over his cap of 1
    with pytest.raises(Conflict):
        enter_proxy_vote(world.secretary, ballot, proxy_name="王五", proxy_phone="",
                         proxy_id_tail="1111", households=[third.code],
                         option_id=agree.id, authorisation=scan())
    # without a phone the ID is needed
    with pytest.raises(InvalidInput) as error:
        enter_proxy_vote(world.secretary, ballot, proxy_name="王五", proxy_phone="",
                         households=[third.code], option_id=agree.id,
                         authorisation=scan())
    assert error.value.field == "proxy_id_tail"
    with pytest.raises(InvalidInput):
        enter_proxy_vote(world.secretary, ballot, proxy_name="王五", proxy_phone="",
                         proxy_id_tail="12a4", households=[third.code],
                         option_id=agree.id, authorisation=scan())
    assert db.session.scalar(db.select(db.func.count(ProxyPrincipal.id)).where(
        ProxyPrincipal.ballot_id == ballot.id)) == 2
    assert len(votes(db, ballot)) == 2


def test_the_proxy_page_takes_the_id_tail(client, auth, db, world):
    ballot = make_ballot(world.secretary, world.compound_a)
    auth.login(world.secretary)
    form = text(client.get(f"/ballots/{ballot.id}/proxy"))
    assert 'name="proxy_id_tail"' in form
    response = client.post(f"/ballots/{ballot.id}/proxy", data={
        "proxy_name": "王五", "proxy_phone": "", "proxy_id_tail": "１２３ｘ",   # as an IME types it
        "households": world.household_a2.code, "option": option(ballot, "同意").id,
        "authorisation": (io.BytesIO(PDF), "form.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    from residentvoice.voting.models import Proxy
    proxy = db.session.scalar(db.select(Proxy).where(Proxy.ballot_id == ballot.id))
    assert (proxy.proxy_name, proxy.proxy_phone, proxy.proxy_id_tail) == ("王五", "", "123X")
    assert "123X" in text(client.get(f"/ballots/{ballot.id}/proxy"))


def test_principals_are_written_as_the_signed_form_has_them(client, auth, db, world, factory):
    """Issue 17 §2: a flat as people say it (401, 1号楼301) or the code, one a line
    or separated by 、; a flat two buildings share is refused with both, not guessed."""
    other = factory.household(factory.building(world.compound_a, number="2"), floor=4,
                              unit="0401")
    ballot = make_ballot(world.secretary, world.compound_a)
    auth.login(world.secretary)
    url = f"/ballots/{ballot.id}/proxy"

    def send(households, phone="13912345678"):
        return client.post(url, data={
            "proxy_name": "王五", "proxy_phone": phone, "households": households,
            "option": option(ballot, "同意").id, "authorisation": (io.BytesIO(PDF), "form.pdf")},
            content_type="multipart/form-data")

    unsure = send("401")
    assert unsure.status_code == 422
    page = text(unsure)
    assert "“401”" in page and world.household_a2.label in page and other.label in page
    missing = send("1号楼999")
    assert missing.status_code == 422 and "不是本次表决的户" in text(missing)
    assert votes(db, ballot) == []
    assert send("1号楼301、1-401").status_code == 302
    principals = set(db.session.scalars(db.select(ProxyPrincipal.household_id).where(
        ProxyPrincipal.ballot_id == ballot.id)))
    assert principals == {world.household_a.id, world.household_a2.id}
    assert send(f"{other.code.lower()}\n", phone="13912340000").status_code == 302

"""Secretaries' review queue of proposals, and the street office's dashboard
by street with ballots and participation across its compounds (issue 17 §9)."""
from sqlalchemy import event

from residentvoice.auth.models import RoleAssignment, RoleKind
from residentvoice.directory.models import Community, Compound, StreetOffice
from residentvoice.spaces import proposals, services as spaces
from residentvoice.voting.casting import cast_phone_vote
from residentvoice.voting.closing import not_voted

from tests.voting.helpers import make_ballot, option


def _submitted(world, title):
    space = spaces.create_space(world.secretary, world.compound_a, {
        "name": f"空地{title}", "location": "1号楼北侧", "area_m2": "20.00",
        "origin": "illegal_structure", "description": ""})
    return proposals.create_proposal(world.resident, space, {
        "kind": "bike_shed", "title": title, "description": "车棚", "quantity": 10,
        "estimated_cost": "1000", "payer": "renovation_fund"}, submit=True)


def test_the_review_queue_lists_proposals_waiting_for_the_secretary(client, auth, factory):
    world = factory.world()
    waiting = _submitted(world, "建车棚")
    auth.login(world.secretary)
    home = client.get("/").get_data(as_text=True)
    assert "1 个提案等待您审查" in home and "/spaces/review" in home
    page = client.get("/spaces/review").get_data(as_text=True)
    assert "建车棚" in page and f"/spaces/proposals/{waiting.id}/review" in page
    client.post("/logout")
    auth.login(world.other_secretary)
    assert "建车棚" not in client.get("/spaces/review").get_data(as_text=True)


def test_an_empty_review_queue_says_so(client, auth, factory):
    world = factory.world()
    auth.login(world.secretary)
    assert "没有等待您审查的提案" in client.get("/spaces/review").get_data(as_text=True)


def _second_street(factory, world, db):
    office = StreetOffice(name="北新桥街道", district_id=world.compound_a.community.street_office
                          .district_id)
    db.session.add(office)
    db.session.flush()
    community = Community(name="北官厅社区", street_office_id=office.id)
    db.session.add(community)
    db.session.flush()
    compound = Compound(community_id=community.id, code="BGT9", name="北官厅胡同9号院",
                        address="北官厅胡同9号")
    db.session.add(compound)
    db.session.add(RoleAssignment(user=world.street_admin, kind=RoleKind.street_admin,
                                  street_office=office))
    db.session.flush()
    return office, compound


def test_the_street_office_sees_ballots_and_participation_by_street(client, auth, factory, db):
    world = factory.world()
    ballot = make_ballot(world.secretary, world.compound_a, title="垃圾桶站选址")
    cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "同意").id)
    office, _compound = _second_street(factory, world, db)
    auth.login(world.street_admin)
    page = client.get("/ballots/overview").get_data(as_text=True)
    assert "垃圾桶站选址" in page and "北新桥街道" in page
    _missing, total = not_voted(ballot)
    assert f"1 / {total}" in page
    elsewhere = client.get(f"/ballots/overview?street={office.id}").get_data(as_text=True)
    assert "垃圾桶站选址" not in elsewhere
    dashboard = client.get(f"/tickets/dashboard?street={office.id}").get_data(as_text=True)
    assert 'name="street"' in dashboard and "/ballots/overview" in dashboard


def test_the_overview_is_one_statement_however_many_ballots(client, auth, factory, db):
    world = factory.world()
    make_ballot(world.secretary, world.compound_a, title="一")
    auth.login(world.street_admin)

    def count():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            client.get("/ballots/overview")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    client.get("/ballots/overview")
    few = count()
    for n in range(4):
        make_ballot(world.secretary, world.compound_a, title=f"第{n}次")
    client.get("/ballots/overview")   # the test's session flushes what it made
    assert count() == few

"""Owners' ballots count the owners of the owner register (issue 14.5, 14.6):
a resident who ticked "owner" when registering votes only once the community
office has linked them to the registered owner; an institution votes through
its recorded representative, once for all its units; its tenants do not vote."""
import pytest
from flask_babel import force_locale

from residentvoice.audit.models import AuditEntry
from residentvoice.auth.models import Relation
from residentvoice.directory.models import LinkCapacity, OwnerKind, OwnerLink
from residentvoice.errors_domain import Conflict, InvalidInput, NotEligible
from residentvoice.notifications.models import Notification
from residentvoice.voting.casting import AlreadyVoted, cast_phone_vote, may_vote_for
from residentvoice.voting.counting import tally
from residentvoice.voting.models import Cast, Vote

from .helpers import make_ballot, option


@pytest.fixture
def world(factory):
    return factory.world()


def text(response):
    return response.get_data(as_text=True)


def votes(db, ballot):
    return db.session.scalars(db.select(Vote).where(Vote.ballot_id == ballot.id)).all()


# ---- item 5: a declared owner is unconfirmed until the office links them ----

def test_a_stranger_declaring_owner_of_someone_elses_flat_cannot_vote(db, world, factory):
    """The audit's case: registering with household A's letter as "owner" while
    the register names 王秀兰 gives no vote; 王秀兰 still votes."""
    claimant = factory.resident(world.household_a, relation=Relation.owner, name="冒名者")
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    with pytest.raises(NotEligible) as error:
        cast_phone_vote(claimant, ballot, world.household_a.id, agree.id)
    with force_locale("en"):
        message = str(error.value.message)
    assert "not confirmed" in message and "property certificate" in message
    assert "community office" in message
    with force_locale("zh_Hans"):
        assert "尚未确认" in str(error.value.message)
    assert votes(db, ballot) == []
    cast_phone_vote(world.resident, ballot, world.household_a.id, agree.id)
    assert len(votes(db, ballot)) == 1


def test_a_declared_owner_votes_once_the_secretary_links_them(client, auth, db, world,
                                                              factory):
    """Refused with a message saying why and what to do (on the ballot page as
    well); the secretary checks the certificate and links them on the
    household page (audit-logged, the resident told); then they vote."""
    owner = factory.owner(world.community_a, name="赵春生")
    world.household_a2.owner_id = owner.id
    db.session.flush()
    declared = factory.resident(world.household_a2, relation=Relation.owner, name="赵春生",
                                owner_of=False)
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    assert not may_vote_for(declared, ballot, world.household_a2)
    with pytest.raises(NotEligible):
        cast_phone_vote(declared, ballot, world.household_a2.id, agree.id)

    auth.login(declared)
    page = text(client.get(f"/ballots/{ballot.id}"))
    assert "not-confirmed" in page and "尚未确认" in page
    assert 'name="option"' not in page              # no vote buttons
    home = text(client.get("/"))
    assert "not-confirmed" in home and world.household_a2.label in home
    refused = client.post(f"/ballots/{ballot.id}/vote", data={
        "household": world.household_a2.id, "option": agree.id}, follow_redirects=True)
    assert "尚未确认" in text(refused) and votes(db, ballot) == []
    auth.logout()

    auth.login(world.secretary)
    household_page = text(client.get(f"/directory/households/{world.household_a2.id}"))
    assert "赵春生" in household_page and "owner-links/new?role=" in household_page
    role_id = next(r.id for r in declared.resident_roles())
    linked = client.post(f"/directory/households/{world.household_a2.id}/owner-links/new"
                         f"?role={role_id}", data={"capacity": "owner",
                                                   "authorisation": "不动产权证书 京(2019)0012号"})
    assert linked.status_code == 302
    link = db.session.scalar(db.select(OwnerLink).where(OwnerLink.user_id == declared.id))
    assert (link.owner_id, link.capacity, link.linked_by_id) == (
        owner.id, LinkCapacity.owner, world.secretary.id)
    assert link.authorisation == "不动产权证书 京(2019)0012号" and link.created_at
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "owner.linked"))
    assert entry.actor_id == world.secretary.id and entry.object_id == owner.id
    assert db.session.scalar(db.select(Notification).where(
        Notification.user_id == declared.id, Notification.kind == "owner_link")) is not None
    auth.logout()

    auth.login(declared)
    page = text(client.get(f"/ballots/{ballot.id}"))
    assert "not-confirmed" not in page and f'name="option" value="{agree.id}"' in page
    done = client.post(f"/ballots/{ballot.id}/vote", data={
        "household": world.household_a2.id, "option": agree.id}, follow_redirects=True)
    assert done.status_code == 200
    assert [v.household_id for v in votes(db, ballot)] == [world.household_a2.id]


def test_an_authorised_agent_votes_for_the_owner_and_the_owner_then_cannot(db, world, factory):
    """A family member with a written authorisation acts for the owner: one
    vote between them (the owner's units share one voice)."""
    daughter = factory.resident(world.household_a, relation=Relation.family, name="王小红")
    factory.link(world.household_a.owner, daughter, LinkCapacity.agent, "授权委托书 2024-07")
    ballot = make_ballot(world.secretary, world.compound_a)
    cast = cast_phone_vote(daughter, ballot, world.household_a.id, option(ballot, "同意").id)
    assert cast.voter_id == daughter.id
    with pytest.raises(AlreadyVoted):
        cast_phone_vote(world.resident, ballot, world.household_a.id, option(ballot, "反对").id)


def test_residents_ballots_still_count_residents(db, world, factory):
    declared = factory.resident(world.household_a2, relation=Relation.owner, owner_of=False)
    tenant = factory.resident(world.household_a, relation=Relation.tenant)
    ballot = make_ballot(world.secretary, world.compound_a, basis="residents",
                         matter="consultative")
    cast_phone_vote(declared, ballot, world.household_a2.id, ballot.options[0].id)
    cast_phone_vote(tenant, ballot, world.household_a.id, ballot.options[0].id)
    assert len(votes(db, ballot)) == 2


def test_removing_a_link_ends_the_vote_right(db, world, factory):
    from residentvoice.directory import owner_links
    ballot = make_ballot(world.secretary, world.compound_a)
    link = db.session.scalar(db.select(OwnerLink).where(OwnerLink.user_id == world.resident.id))
    owner_links.unlink(world.secretary, link)
    with pytest.raises(NotEligible):
        cast_phone_vote(world.resident, ballot, world.household_a.id, ballot.options[0].id)


# ---- item 6: an institution votes through its representative ----------------

def _institution(factory, world, units=5):
    owner = factory.owner(world.community_a, name="北京市建筑材料科学研究所",
                          kind=OwnerKind.institution)
    return owner, [factory.household(world.building_a, area="100.00", owner=owner,
                                     unit=f"07{i:02d}") for i in range(units)]


def test_the_representative_votes_once_for_all_the_institutions_units(client, auth, db,
                                                                      world, factory):
    institution, held = _institution(factory, world)
    representative = factory.user(name="郑国平")       # lives elsewhere: no household here
    factory.link(institution, representative, LinkCapacity.representative, "单位授权书")
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")

    auth.login(representative)
    listing = text(client.get("/ballots/"))
    assert ballot.title in listing
    page = text(client.get(f"/ballots/{ballot.id}"))
    assert "北京市建筑材料科学研究所" in page
    card = page[page.index('class="acting"'):]
    assert "5" in card[:400] and "500" in card[:400]           # 5 units, 500 m²
    assert f'name="household" value="{held[0].id}"' in page
    confirm = text(client.get(f"/ballots/{ballot.id}/vote?household={held[0].id}"
                              f"&option={agree.id}"))
    assert "北京市建筑材料科学研究所" in confirm
    done = client.post(f"/ballots/{ballot.id}/vote", data={
        "household": held[0].id, "option": agree.id}, follow_redirects=True)
    assert done.status_code == 200
    recorded = votes(db, ballot)
    assert sorted(v.household_id for v in recorded) == sorted(h.id for h in held)
    assert len({v.cast_id for v in recorded}) == 1
    cast = db.session.get(Cast, recorded[0].cast_id)
    assert cast.voter_id == representative.id
    with pytest.raises(AlreadyVoted):      # another unit of the same institution
        cast_phone_vote(representative, ballot, held[3].id, agree.id)
    result = tally(ballot)
    assert (result.participation.units, result.participation.headcount) == (5, 1)
    assert result.participation.area_centi == 50000


def test_tenants_and_self_declared_owners_of_an_institutions_flat_cannot_vote(db, world,
                                                                              factory):
    _institution_owner, held = _institution(factory, world, units=2)
    tenant = factory.resident(held[0], relation=Relation.tenant)
    claimant = factory.resident(held[1], relation=Relation.owner, owner_of=False)
    ballot = make_ballot(world.secretary, world.compound_a)
    agree = option(ballot, "同意")
    for user, household in ((tenant, held[0]), (claimant, held[1])):
        with pytest.raises(NotEligible) as error:
            cast_phone_vote(user, ballot, household.id, agree.id)
        with force_locale("en"):
            message = str(error.value.message)
        assert "北京市建筑材料科学研究所" in message and "representative" in message
    assert votes(db, ballot) == []
    residents = make_ballot(world.secretary, world.compound_a, basis="residents",
                            matter="consultative")
    cast_phone_vote(tenant, residents, held[0].id, residents.options[0].id)   # residents: yes


def test_an_institution_may_only_be_linked_through_a_representative(db, world, factory):
    from residentvoice.directory import owner_links
    _institution_owner, held = _institution(factory, world, units=1)
    someone = factory.user()
    with pytest.raises(InvalidInput) as error:
        owner_links.link(world.secretary, held[0], someone, "owner", "")
    assert error.value.field == "capacity"
    with pytest.raises(InvalidInput) as error:     # a representative needs the authorisation
        owner_links.link(world.secretary, held[0], someone, "representative", "  ")
    assert error.value.field == "authorisation"
    owner_links.link(world.secretary, held[0], someone, "representative", "单位授权书")
    with pytest.raises(Conflict):
        owner_links.link(world.secretary, held[0], someone, "representative", "单位授权书")

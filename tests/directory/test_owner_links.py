"""The secretary's side of the owner register (issue 14.5, 14.6): on the
household page a secretary sees who votes for the registered owner and the
residents who declared ownership without confirmation, links one (or an agent
or representative found by mobile number) after checking the documents, and
can remove a link — each audit-logged and told to the person."""
import pytest

from residentvoice.audit.models import AuditEntry
from residentvoice.auth.models import Relation
from residentvoice.directory import owner_links
from residentvoice.directory.models import LinkCapacity, OwnerKind, OwnerLink
from residentvoice.errors_domain import InvalidInput, NotAllowed
from residentvoice.notifications.models import Notification


@pytest.fixture
def world(factory):
    return factory.world()


def text(response):
    return response.get_data(as_text=True)


def owner_section(page):
    """The household page's section on who votes for the owner."""
    start = page.index('id="owner-links"')
    return page[start:page.index("</section>", start)]


def link_url(household, role=None):
    url = f"/directory/households/{household.id}/owner-links/new"
    return f"{url}?role={role.id}" if role else url


def test_the_household_page_lists_links_and_declared_owners_awaiting_confirmation(
        client, auth, world, factory):
    declared = factory.resident(world.household_a, relation=Relation.co_owner, name="王大明")
    auth.login(world.secretary)
    page = text(client.get(f"/directory/households/{world.household_a.id}"))
    section = owner_section(page)
    assert "王秀兰" in section                       # linked: the owner themself
    awaiting = section[section.index("<h3>"):]
    assert "<strong>王大明</strong>" in awaiting and "<strong>王秀兰</strong>" not in awaiting
    role = declared.resident_roles()[0]
    assert link_url(world.household_a, role) in awaiting


def test_the_link_form_confirms_a_co_owner(client, auth, db, world, factory):
    declared = factory.resident(world.household_a, relation=Relation.co_owner, name="王大明")
    role = declared.resident_roles()[0]
    auth.login(world.secretary)
    form = text(client.get(link_url(world.household_a, role)))
    assert "王大明" in form and "王秀兰" in form
    assert '<input checked id="capacity-1" name="capacity" required type="radio" ' \
        'value="co_owner">' in form               # as they declared
    assert 'name="phone"' not in form            # the person is the resident
    assert 'value="representative"' not in form  # a person owner has no representative
    response = client.post(link_url(world.household_a, role),
                           data={"capacity": "co_owner", "authorisation": ""})
    assert response.status_code == 302
    link = db.session.scalar(db.select(OwnerLink).where(OwnerLink.user_id == declared.id))
    assert link.capacity is LinkCapacity.co_owner and link.linked_by_id == world.secretary.id
    page = text(client.get(f"/directory/households/{world.household_a.id}"))
    assert "<h3>" not in owner_section(page)     # nobody awaits confirmation any more


def test_an_agent_needs_the_authorisation_and_is_found_by_mobile_number(client, auth, db,
                                                                        world, factory):
    agent = factory.user(name="王小红", phone="13966667777")
    auth.login(world.secretary)
    refused = client.post(link_url(world.household_a),
                          data={"phone": "13966667777", "capacity": "agent"})
    assert refused.status_code == 422 and 'id="authorisation-error"' in text(refused)
    unknown = client.post(link_url(world.household_a), data={
        "phone": "13900009999", "capacity": "agent", "authorisation": "授权书 7 号"})
    assert 'id="phone-error"' in text(unknown)
    done = client.post(link_url(world.household_a), data={
        "phone": "139 6666 7777", "capacity": "agent", "authorisation": "授权书 7 号，原件存档"})
    assert done.status_code == 302
    link = db.session.scalar(db.select(OwnerLink).where(OwnerLink.user_id == agent.id))
    assert (link.capacity, link.authorisation) == (LinkCapacity.agent, "授权书 7 号，原件存档")
    assert db.session.scalar(db.select(db.func.count(OwnerLink.id)).where(
        OwnerLink.owner_id == world.household_a.owner_id)) == 2


def test_removing_a_link_is_logged_and_told(client, auth, db, world, factory):
    agent = factory.user(name="王小红")
    link = factory.link(world.household_a.owner, agent, LinkCapacity.agent, "授权书")
    auth.login(world.secretary)
    response = client.post(f"/directory/households/{world.household_a.id}/owner-links/"
                           f"{link.id}/remove")
    assert response.status_code == 302
    assert db.session.get(OwnerLink, link.id) is None
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "owner.unlinked"))
    assert entry.actor_id == world.secretary.id and "王小红" in entry.summary
    assert db.session.scalar(db.select(Notification).where(
        Notification.user_id == agent.id, Notification.kind == "owner_link")) is not None


def test_links_only_to_a_registered_owner_of_ones_own_community(db, world, factory):
    someone = factory.user()
    with pytest.raises(InvalidInput):                # household A2 has no registered owner
        owner_links.link(world.secretary, world.household_a2, someone, "owner")
    with pytest.raises(NotAllowed):
        owner_links.link(world.other_secretary, world.household_a, someone, "owner")
    assert db.session.scalar(db.select(OwnerLink.id).where(
        OwnerLink.user_id == someone.id)) is None


def test_an_institutions_representative_is_linked_with_its_letter(client, auth, db, world,
                                                                  factory):
    institution = factory.owner(world.community_a, name="中国工商银行北京体育馆路支行",
                                kind=OwnerKind.institution)
    flat = factory.household(world.building_a, owner=institution)
    tenant = factory.resident(flat, relation=Relation.tenant)
    representative = factory.user(name="林晓梅", phone="13955556666")
    auth.login(world.secretary)
    page = text(client.get(f"/directory/households/{flat.id}"))
    assert link_url(flat) in page and tenant.name not in owner_section(page)
    form = text(client.get(link_url(flat)))
    assert 'value="representative"' in form and 'value="owner"' not in form
    response = client.post(link_url(flat), data={
        "phone": "13955556666", "capacity": "representative",
        "authorisation": "支行授权委托书（加盖公章）"})
    assert response.status_code == 302
    link = db.session.scalar(db.select(OwnerLink).where(OwnerLink.user_id == representative.id))
    assert link.owner_id == institution.id and link.capacity is LinkCapacity.representative
    message = db.session.scalar(db.select(Notification.message).where(
        Notification.user_id == representative.id))
    assert "representative" in message


def test_the_home_page_tells_an_unconfirmed_owner_what_to_do(client, auth, world, factory):
    declared = factory.resident(world.household_a, relation=Relation.owner, name="冒名者")
    auth.login(declared)
    home = text(client.get("/"))
    assert "not-confirmed" in home and world.household_a.label in home
    assert "不动产权证书" in home
    auth.logout()
    auth.login(world.resident)                     # linked: no warning
    home = text(client.get("/"))
    assert "not-confirmed" not in home and "王秀兰" in home


def test_a_secretary_cannot_confirm_themself_for_an_owner(db, world, factory):
    """A link gives an owner's votes: the worst secretary would make themself the
    agent of every owner in the compound."""
    with pytest.raises(NotAllowed):
        owner_links.link(world.secretary, world.household_a, world.secretary,
                         LinkCapacity.agent, "委托书 2024-01")
    assert db.session.scalar(db.select(db.func.count(OwnerLink.id)).where(
        OwnerLink.user_id == world.secretary.id)) == 0

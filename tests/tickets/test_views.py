"""Pages: filing from a phone, bad input keeps values, who sees what, the
queue's query count, "me too" and the whole journey of DESIGN §5."""
import html
import io
import re
from datetime import timedelta


from residentvoice.extensions import db as _db
from residentvoice.models import utcnow
from residentvoice.tickets import actions, services
from residentvoice.tickets.models import Closure, EventKind, Status, Ticket, TicketEvent
from tests.querycount import page_statements

from .conftest import png_bytes


def _form(world, **extra):
    data = {"category": "facade_ac", "where": f"h:{world.household_a.id}",
            "description": "空调外机震动得厉害", "public": "y"}
    data.update(extra)
    return data


def test_step_one_preselects_my_household(world, auth, client):
    auth.login(world.resident)
    page = client.get("/tickets/new").get_data(True)
    import re
    assert re.search(rf'<option selected value="h:{world.household_a.id}"', page)


def test_resident_files_with_a_photo_and_it_is_routed(world, auth, client, db):
    auth.login(world.resident)
    data = _form(world, photos=[(io.BytesIO(png_bytes()), "ac.png")])
    response = client.post("/tickets/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    ticket = db.session.scalar(db.select(Ticket).order_by(Ticket.id.desc()))
    assert ticket.organisation_id == world.organisation.id and ticket.status is Status.routed
    page = client.get(response.headers["Location"]).get_data(True)
    assert "/uploads/" in page and world.organisation.name in page


def test_bad_input_keeps_values_and_changes_nothing(world, auth, client, db):
    auth.login(world.resident)
    before = db.session.scalar(db.select(db.func.count(Ticket.id)))
    response = client.post("/tickets/new", data=_form(world, description="",
                                                      location_text="东侧墙"))
    assert response.status_code == 422
    page = response.get_data(True)
    assert 'value="东侧墙"' in page and 'class="error"' in page
    response = client.post("/tickets/new", data=_form(
        world, photos=[(io.BytesIO(b"not an image"), "x.jpg")]),
        content_type="multipart/form-data")
    assert response.status_code == 422 and "空调外机震动得厉害" in response.get_data(True)
    assert db.session.scalar(db.select(db.func.count(Ticket.id))) == before


def test_cannot_file_for_another_households_home(world, auth, client, db):
    auth.login(world.resident)
    response = client.post("/tickets/new", data=_form(world, where=f"h:{world.household_a2.id}"))
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(Ticket.id))) == 0


def test_secretary_files_on_behalf_and_it_is_recorded(world, auth, client, db):
    auth.login(world.secretary)
    response = client.post("/tickets/new", data=_form(
        world, where=f"c:{world.compound_a.id}", household_code=world.household_a.code,
        reporter_phone=world.resident.phone))
    assert response.status_code == 302
    ticket = db.session.scalar(db.select(Ticket))
    assert ticket.reporter_id == world.resident.id and ticket.filed_by_id == world.secretary.id
    assert ticket.source.name == "reception" and ticket.household_id == world.household_a.id
    bad = client.post("/tickets/new", data=_form(
        world, where=f"c:{world.compound_a.id}", household_code="NOPE-1"))
    assert bad.status_code == 422 and 'value="NOPE-1"' in bad.get_data(True)


def test_at_the_reception_room_the_flat_is_written_as_the_resident_says_it(world, auth, client,
                                                                         db, factory):
    """Issue 17 §2: 1-4-401 or 401 with the building chosen, not the register's code; a
    flat two buildings share is refused with both, one of another community not found."""
    second = factory.household(factory.building(world.compound_a, number="2"), floor=3,
                               unit="0301")
    auth.login(world.secretary)
    common = f"c:{world.compound_a.id}"

    def filed(where, flat):
        return client.post("/tickets/new", data=_form(world, where=where, household_code=flat))

    unsure = filed(common, "301")
    page = html.unescape(unsure.get_data(True))
    assert unsure.status_code == 422
    assert world.household_a.label in page and second.label in page and "“301”" in page
    elsewhere = filed(common, "1-201")             # household B: another community's
    assert elsewhere.status_code == 422 and "不是您所管小区的户" in elsewhere.get_data(True)
    assert db.session.scalar(db.select(db.func.count(Ticket.id))) == 0
    assert filed(f"b:{world.building_a.id}", "301").status_code == 302
    assert filed(common, "1号楼401").status_code == 302
    assert [t.household_id for t in db.session.scalars(db.select(Ticket).order_by(Ticket.id))] \
        == [world.household_a.id, world.household_a2.id]


def test_private_ticket_hidden_from_other_household_and_other_org(world, file_ticket, auth,
                                                                   client, factory):
    ticket = file_ticket()
    neighbour = factory.resident(world.household_a2)
    for user in (world.other_resident, neighbour, world.other_staff):
        client.post("/logout")
        auth.login(user)
        assert client.get(f"/tickets/{ticket.id}").status_code == 404
    client.post("/logout")
    auth.login(world.staff)
    assert client.get(f"/tickets/{ticket.id}").status_code == 200


def test_anonymous_reporter_named_only_to_staff(world, file_ticket, auth, client, factory):
    ticket = file_ticket(public=True, anonymous=True)
    neighbour = factory.resident(world.household_a2)
    auth.login(neighbour)
    page = client.get(f"/tickets/{ticket.id}").get_data(True)
    assert world.resident.name not in page
    client.post("/logout")
    auth.login(world.staff)
    assert world.resident.name in client.get(f"/tickets/{ticket.id}").get_data(True)


def test_similar_tickets_offered_and_me_too_counts_households(world, file_ticket, auth,
                                                              client, factory):
    ticket = file_ticket(public=True)
    neighbour = factory.resident(world.household_a2)
    auth.login(neighbour)
    page = client.get("/tickets/new", query_string={
        "category": "facade_ac", "where": f"b:{world.building_a.id}"}).get_data(True)
    assert ticket.number in page
    response = client.post(f"/tickets/{ticket.id}/me-too",
                           data={"household_id": world.household_a2.id})
    assert response.status_code == 302 and ticket.affected_count == 2
    again = client.post(f"/tickets/{ticket.id}/me-too",
                        data={"household_id": world.household_a2.id})
    assert again.status_code == 409 and ticket.affected_count == 2


def test_illegal_transition_through_the_page(world, file_ticket, auth, client):
    ticket = file_ticket()
    auth.login(world.resident)
    response = client.post(f"/tickets/{ticket.id}/act/confirm", data={"confirm-rating": "5"})
    assert response.status_code == 409 and ticket.status is Status.routed


def _statements(client, url):
    return page_statements(client, url)


QUEUE_URLS = ["/tickets/queue", "/tickets/queue?status=&overdue=y",
              "/tickets/queue?status=closed&category=facade_ac",
              "/tickets/queue?compound={compound}&status=open"]


def test_queue_query_count_does_not_grow(world, factory, file_ticket, auth, client, app):
    """Staff, secretaries and the street office: the same number of queries
    with 1 ticket and with many, in several states and compounds (the compound
    choices too), whatever the filters."""
    file_ticket(now=utcnow() - timedelta(days=30))  # overdue
    closed = file_ticket()
    actions.acknowledge(world.staff, closed)
    actions.refuse(world.secretary, closed, "不处理")
    users = (world.staff, world.secretary, world.street_admin)

    def counts():
        found = {}
        for user in users:
            client.post("/logout")
            auth.login(user)
            for url in QUEUE_URLS:
                found[user.name, url] = _statements(
                    client, url.format(compound=world.compound_a.id))
        return found

    few = counts()
    for n in range(4):
        compound = factory.compound(world.community_a)
        world.organisation.compounds.append(compound)
        household = factory.household(factory.building(compound))
        services.set_rule(world.secretary, compound, "facade_ac", world.organisation.id)
        reporter = factory.resident(household)
        for m in range(4):
            ticket = file_ticket(category="facade_ac" if m % 2 else "insulation",
                                 reporter=reporter, household=household,
                                 now=utcnow() - timedelta(days=30 * (m % 3)))
            handler = world.staff if ticket.organisation_id else world.secretary
            if m % 3:
                actions.acknowledge(handler, ticket)
            if m == 2:
                actions.refuse(world.secretary, ticket, "不处理")
    assert counts() == few


def test_queue_pages_keep_the_filters(world, file_ticket, auth, client):
    """A page shows 50 tickets, never all; the page links keep the filters."""
    for _ in range(51):
        file_ticket()
    auth.login(world.staff)
    page = client.get("/tickets/queue?category=facade_ac&status=open").get_data(True)
    assert page.count('<li class="ticket">') == 50
    links = re.findall(r'href="(/tickets/queue\?[^"]*)"', page)
    assert links and all("category=facade_ac" in link and "status=open" in link
                         for link in links)
    assert any("page=2" in link for link in links)
    second = client.get(html.unescape(links[-1])).get_data(True)
    assert second.count('<li class="ticket">') == 1


def test_queue_offers_the_compounds_it_has_tickets_in(world, factory, file_ticket, auth,
                                                       client):
    quiet = factory.compound(world.community_a, name="没有工单的小区")
    world.organisation.compounds.append(quiet)
    file_ticket()
    auth.login(world.staff)
    page = client.get("/tickets/queue").get_data(True)
    assert world.compound_a.name in page and quiet.name not in page
    chosen = client.get(f"/tickets/queue?compound={world.compound_a.id}&status=closed")
    assert re.search(rf'<option selected value="{world.compound_a.id}"',
                     chosen.get_data(True))


def test_the_air_conditioner_journey(world, file_ticket, auth, client, db):
    """File → acknowledge → resolve → not fixed → reopen → resolve → confirm 5;
    the dashboard counts it once, resolved and satisfied, with one reopening."""
    auth.login(world.resident)
    client.post("/tickets/new", data=_form(world))
    ticket = db.session.scalar(db.select(Ticket))
    steps = [
        (world.staff, "acknowledge", {}),
        (world.staff, "resolve", {"resolve-note": "加了减震垫"}),
        (world.resident, "reopen", {"reopen-comment": "还是震"}),
        (world.staff, "acknowledge", {}),
        (world.staff, "resolve", {"resolve-note": "换了支架"}),
        (world.resident, "confirm", {"confirm-rating": "5"}),
    ]
    for user, action, data in steps:
        client.post("/logout")
        auth.login(user)
        response = client.post(f"/tickets/{ticket.id}/act/{action}", data=data)
        assert response.status_code == 302, (action, response.get_data(True)[:2000])
    assert ticket.status is Status.closed and ticket.closure is Closure.fixed
    assert ticket.reopen_count == 1 and ticket.rating == 5
    client.post("/logout")
    auth.login(world.secretary)
    page = client.get("/tickets/dashboard").get_data(True)
    assert page.count("1/1") >= 3


def test_reopen_without_comment_on_the_page(world, file_ticket, auth, client):
    from residentvoice.tickets import actions
    ticket = file_ticket()
    actions.acknowledge(world.staff, ticket)
    actions.resolve(world.staff, ticket, "好了")
    auth.login(world.resident)
    response = client.post(f"/tickets/{ticket.id}/act/reopen", data={"reopen-comment": ""})
    assert response.status_code == 422 and ticket.status is Status.resolved


def test_staff_redacts_with_original_kept_for_moderators(world, file_ticket, auth, client):
    ticket = file_ticket()
    auth.login(world.staff)
    response = client.post(f"/tickets/{ticket.id}/redact", data={"redact-text": "[电话已隐去]"})
    assert response.status_code == 302
    assert ticket.description == "[电话已隐去]" and ticket.description_original == "空调外机震动"
    client.post("/logout")
    auth.login(world.secretary)
    assert "空调外机震动" in client.get(f"/tickets/{ticket.id}").get_data(True)
    client.post("/logout")
    auth.login(world.resident)
    assert "空调外机震动" not in client.get(f"/tickets/{ticket.id}").get_data(True)


def test_rules_page_sets_a_rule_and_refuses_bad_input(world, auth, client):
    auth.login(world.secretary)
    url = f"/tickets/compounds/{world.compound_a.id}/rules"
    assert client.post(url, data={"category": "", "organisation_id": "0"}).status_code == 422
    response = client.post(url, data={"category": "roads",
                                      "organisation_id": str(world.other_org.id)})
    assert response.status_code == 302
    assert world.other_org.name in client.get(url).get_data(True)


def test_street_office_edits_sla_page(world, auth, client):
    auth.login(world.street_admin)
    client.set_cookie("rv_lang", "en")
    page = client.get("/tickets/sla").get_data(True)
    assert "resolve within 15 days" in page and "resolve within 2 hours" in page
    bad = client.post("/tickets/sla", data={"key": "roads", "ack_hours": "50",
                                            "resolve_hours": "10"})
    assert bad.status_code == 422 and 'value="50"' in bad.get_data(True)
    assert client.post("/tickets/sla", data={"key": "roads", "ack_hours": "2",
                                             "resolve_hours": "48"}).status_code == 302


def test_public_summary_has_no_personal_data(world, file_ticket, client):
    file_ticket(public=True)
    page = client.get(f"/tickets/compounds/{world.compound_a.id}/summary").get_data(True)
    assert world.resident.name not in page and "空调外机震动" not in page


def test_home_section(world, file_ticket, auth, client):
    ticket = file_ticket()
    auth.login(world.resident)
    assert ticket.number in client.get("/").get_data(True)


def test_resolve_with_photo_and_merge_by_number_through_the_page(world, file_ticket, auth,
                                                                 client):
    from residentvoice.uploads.services import uploads_for
    ticket = file_ticket()
    auth.login(world.staff)
    client.post(f"/tickets/{ticket.id}/act/acknowledge")
    bad = client.post(f"/tickets/{ticket.id}/act/resolve", content_type="multipart/form-data",
                      data={"resolve-note": "换了支架",
                            "resolve-photos": [(io.BytesIO(b"nope"), "x.png")]})
    assert bad.status_code == 422 and "换了支架" in bad.get_data(True)
    assert ticket.status is Status.acknowledged
    ok = client.post(f"/tickets/{ticket.id}/act/resolve", content_type="multipart/form-data",
                     data={"resolve-note": "换了支架",
                           "resolve-photos": [(io.BytesIO(png_bytes()), "after.png")]})
    assert ok.status_code == 302 and ticket.status is Status.resolved
    assert len(uploads_for("ticket", ticket.id)) == 1
    other = file_ticket(category="roads")
    client.post("/logout")
    auth.login(world.secretary)
    response = client.post(f"/tickets/{other.id}/act/mark_duplicate",
                           data={"mark_duplicate-duplicate_of": ticket.number})
    assert response.status_code == 302 and other.duplicate_of_id == ticket.id


def test_a_closed_ticket_takes_no_more_updates(world, file_ticket, auth, client, db):
    """Issue 17 §6: a closed ticket no longer offers the update form, and a post
    that comes anyway (an old page) is refused with the way on."""
    ticket = file_ticket(category="greenery")      # no rule: the secretaries handle it
    auth.login(world.resident)
    page = html.unescape(client.get(f"/tickets/{ticket.id}").get_data(as_text=True))
    assert f"/tickets/{ticket.id}/updates" in page
    actions.acknowledge(world.secretary, ticket)
    actions.refuse(world.secretary, ticket, "不属于维修范围")
    assert ticket.status is Status.closed
    page = html.unescape(client.get(f"/tickets/{ticket.id}").get_data(as_text=True))
    assert f"/tickets/{ticket.id}/updates" not in page
    updates = _db.select(_db.func.count(TicketEvent.id)).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind == EventKind.update)
    before = db.session.scalar(updates)
    response = client.post(f"/tickets/{ticket.id}/updates", data={"update-body": "还是漏水"})
    assert response.status_code in (200, 409, 422)
    assert "file a new complaint" in html.unescape(response.get_data(as_text=True)) or \
        "重新报事" in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(updates) == before

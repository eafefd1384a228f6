"""The compound's public board (issue 19 §2): every resident of the compound
sees its public reports — not the private ones, not who filed them or from
which flat — with status and how long each has been open, and adds "me too"
from there."""
from datetime import timedelta

from residentvoice.models import utcnow
from residentvoice.tickets import board
from residentvoice.tickets.models import Status

from ..factories import sign_in


def test_the_board_lists_public_reports_of_the_compound_only(world, file_ticket, factory):
    neighbour = factory.resident(world.household_a2, name="张桂芳")
    public = file_ticket(public=True, location_text="3单元602室门口")
    private = file_ticket(household=world.household_a2, reporter=neighbour)
    elsewhere = file_ticket(household=world.household_b, reporter=world.other_resident,
                            public=True, category="roads")
    open_, closed = board.board_tickets(neighbour, world.compound_a.id)
    assert [t.id for t in open_] == [public.id]
    assert closed == []
    assert private.id not in [t.id for t in board.board_tickets(world.resident,
                                                                world.compound_a.id)[0]]
    assert elsewhere.id not in [t.id for t in open_]


def test_the_page_shows_status_and_age_without_personal_details(client, world, file_ticket,
                                                                factory):
    neighbour = factory.resident(world.household_a2, name="张桂芳")
    ticket = file_ticket(public=True, now=utcnow() - timedelta(days=3, hours=2),
                         location_text="602室")
    sign_in(client, neighbour)
    page = client.get("/tickets/board").get_data(as_text=True)
    assert f'href="/tickets/{ticket.id}"' in page
    assert "已等待 3天" in page or "已等待 3 天" in page, page[page.find("board-item"):][:600]
    assert world.resident.name not in page              # who filed it
    assert world.household_a.label not in page and "602室" not in page   # from where
    assert "小区公告板" in client.get("/").get_data(as_text=True)      # in the menu


def test_a_neighbour_says_me_too_from_the_board(client, world, file_ticket, factory):
    neighbour = factory.resident(world.household_a2, name="张桂芳")
    ticket = file_ticket(public=True)
    sign_in(client, neighbour)
    page = client.get("/tickets/board").get_data(as_text=True)
    assert f'action="/tickets/{ticket.id}/me-too"' in page
    response = client.post(f"/tickets/{ticket.id}/me-too",
                           data={"household_id": world.household_a2.id})
    assert response.status_code == 302
    assert ticket.affected_count == 2
    page = client.get("/tickets/board").get_data(as_text=True)
    assert f'action="/tickets/{ticket.id}/me-too"' not in page      # counted once
    assert "2 户受影响" in page


def test_the_reporter_cannot_say_me_too_to_their_own_report(client, world, file_ticket):
    ticket = file_ticket(public=True)
    sign_in(client, world.resident)
    page = client.get("/tickets/board").get_data(as_text=True)
    assert f'href="/tickets/{ticket.id}"' in page
    assert f'action="/tickets/{ticket.id}/me-too"' not in page


def test_settled_reports_stay_on_the_board_for_30_days(world, file_ticket, factory):
    ticket = file_ticket(public=True)
    ticket.status = Status.closed          # the board's query, not the flow, is under test
    ticket.closed_at = utcnow() - timedelta(days=2)
    open_, closed = board.board_tickets(world.resident, world.compound_a.id)
    assert ticket not in open_ and ticket in closed
    ticket.closed_at = utcnow() - timedelta(days=31)
    assert ticket not in board.board_tickets(world.resident, world.compound_a.id)[1]


def test_someone_without_a_home_compound_is_told_how_to_get_one(client, world):
    sign_in(client, world.staff)
    page = client.get("/tickets/board").get_data(as_text=True)
    assert "添加住户" in page
    sign_in(client, world.resident)
    assert client.get(f"/tickets/board?compound_id={world.compound_b.id}").status_code == 404

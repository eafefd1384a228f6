"""The resident's home page lists their tickets (resolved ones to confirm, the
open ones) and names their households: a fixed number of statements however
many tickets and households they have (DESIGN §8)."""
from residentvoice.auth.models import Relation
from residentvoice.tickets import actions
from tests.querycount import page_statements


def test_home_page_statements_do_not_grow_with_tickets_and_households(
        world, factory, file_ticket, auth, client, db):
    file_ticket()
    auth.login(world.resident)
    few = page_statements(client, "/", commit=True)
    for _ in range(3):      # homes in other buildings and compounds, with tickets
        household = factory.household(factory.building(factory.compound(world.community_a)))
        factory.role(world.resident, "resident", relation=Relation.tenant,
                     household_id=household.id)
        file_ticket(household=household, category="roads")
    for _ in range(3):      # resolved, awaiting the reporter's confirmation
        ticket = file_ticket()
        handler = world.staff if ticket.organisation_id else world.secretary
        actions.acknowledge(handler, ticket)
        actions.resolve(handler, ticket, "修好了")
    page = client.get("/").get_data(as_text=True)
    assert page.count('href="/tickets/') >= 7
    assert page_statements(client, "/", commit=True) <= few

"""An overdue ticket tells the resident what happens next and lets them
chase it; each side sees how to reach the other; the repair photos are
labelled beside the ones filed (issue 17 §7)."""
import io
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage

from residentvoice.errors_domain import Conflict, NotAllowed
from residentvoice.extensions import db
from residentvoice.models import utcnow
from residentvoice.notifications.models import Notification
from residentvoice.tickets import actions, chase
from residentvoice.tickets.sweep import sweep

from .conftest import png_bytes


def _page(client, ticket):
    return client.get(f"/tickets/{ticket.id}").get_data(as_text=True)


def test_an_overdue_ticket_says_who_it_goes_to_and_when(world, file_ticket, client, auth):
    ticket = file_ticket(category="water_drainage", now=utcnow() - timedelta(days=3))
    auth.login(world.resident)
    assert "已超时：接下来会怎样" in _page(client, ticket)
    assert "下一次检查时会把工单上报给社区书记" in _page(client, ticket)
    sweep(utcnow())
    page = _page(client, ticket)
    assert "上报社区书记督办" in page and "仍未处理的，将上报街道办事处" in page
    sweep(utcnow() + timedelta(hours=25))
    assert "上报街道办事处，街道会跟进到问题解决" in _page(client, ticket)


def test_a_ticket_on_time_shows_no_outlook_and_cannot_be_chased(world, file_ticket, client,
                                                                auth):
    ticket = file_ticket()
    auth.login(world.resident)
    assert "接下来会怎样" not in _page(client, ticket)
    with pytest.raises(Conflict):
        chase.chase(world.resident, ticket)


def test_the_resident_chases_an_overdue_ticket_once_in_a_while(world, file_ticket, client,
                                                               auth):
    ticket = file_ticket(now=utcnow() - timedelta(days=30))
    auth.login(world.resident)
    assert f"/tickets/{ticket.id}/chase" in _page(client, ticket)
    done = client.post(f"/tickets/{ticket.id}/chase", follow_redirects=True)
    assert "已催办" in done.get_data(as_text=True)
    assert "居民催办了这张超时工单" in _page(client, ticket)
    told = set(db.session.scalars(db.select(Notification.user_id).where(
        Notification.kind == "ticket.chased")))
    assert world.staff.id in told and world.secretary.id in told
    again = client.post(f"/tickets/{ticket.id}/chase")
    assert again.status_code == 409
    assert "您已经催办过了" in again.get_data(as_text=True)
    with pytest.raises(NotAllowed):
        chase.chase(world.staff, ticket)


def test_staff_see_the_residents_phone_only_when_allowed(world, file_ticket, client, auth):
    private = file_ticket()
    shared = file_ticket(share_phone=True)
    auth.login(world.staff)
    assert world.resident.phone not in _page(client, private)
    assert "居民未同意公开手机号" in _page(client, private)
    assert f'href="tel:{world.resident.phone}"' in _page(client, shared)
    client.post("/logout")
    auth.login(world.other_resident)
    assert world.resident.phone not in client.get(f"/tickets/{shared.id}").get_data(
        as_text=True)


def test_the_filing_form_asks_for_the_consent(world, client, auth):
    auth.login(world.resident)
    page = client.get(f"/tickets/new?category=facade_ac&where=h:{world.household_a.id}"
                      ).get_data(as_text=True)
    assert 'name="share_phone"' in page and "允许负责处理的单位打我的手机联系我" in page


def test_the_resident_sees_the_organisations_service_number(world, file_ticket, client, auth):
    world.organisation.phone = "010-64000001"
    ticket = file_ticket()
    auth.login(world.resident)
    page = _page(client, ticket)
    assert "服务电话" in page and 'href="tel:010-64000001"' in page


def test_repair_photos_are_labelled_beside_the_reported_ones(world, file_ticket, client, auth):
    filed = FileStorage(io.BytesIO(png_bytes()), filename="before.png",
                        content_type="image/png")
    ticket = file_ticket(photos=[filed])
    actions.acknowledge(world.staff, ticket)
    fixed = FileStorage(io.BytesIO(png_bytes()), filename="after.png", content_type="image/png")
    actions.resolve(world.staff, ticket, "已加固", photos=[fixed])
    auth.login(world.resident)
    page = _page(client, ticket)
    assert page.index("报修时") < page.index("修复后")
    assert 'alt="报修时 1"' in page and 'alt="修复后 1"' in page


def test_the_api_takes_the_consent_too(world, api, db):
    api.login(world.resident)
    filed = api.post("/api/v1/tickets", json={
        "compound_id": world.compound_a.id, "category": "facade_ac",
        "household_id": world.household_a.id, "description": "空调外机震动",
        "share_phone": True})
    assert filed.status_code == 201
    from residentvoice.tickets.models import Ticket
    assert db.session.get(Ticket, filed.json["id"]).share_phone is True

"""Ticket notifications say who did what, to which ticket — number and
subject — in one line (issue 17 §6), in the reader's language."""
from flask_babel import force_locale

from residentvoice.extensions import db
from residentvoice.notifications.models import Notification
from residentvoice.notifications.services import render
from residentvoice.tickets import actions, services


def _latest(user, kind):
    return db.session.scalars(db.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind)
        .order_by(Notification.id.desc())).first()


def test_an_update_names_who_posted_it_and_the_tickets_subject(world, file_ticket, app):
    ticket = file_ticket()
    ticket.description = "空调外机改造后移到了新支架上，开机时整面墙都在震动"
    services.add_update(world.staff, ticket, "明天上午去看", public=True)
    note = _latest(world.resident, "ticket.update")
    org = world.organisation.name
    with force_locale("zh_Hans"):
        text = render(note)
    assert text == f"{org} 孙工 在 {ticket.number}“空调外机改造后移到了新支架上，开机时…”发布了新进展。"
    assert "\n" not in text
    with force_locale("en"):
        assert render(note) == (f"{org} 孙工 posted an update on {ticket.number} "
                                "“空调外机改造后移到了新支架上，开机时…”.")


def test_the_handler_reads_who_reopened_which_ticket(world, file_ticket, app):
    ticket = file_ticket()
    actions.acknowledge(world.staff, ticket)
    assert "孙工" in render(_latest(world.resident, "ticket.status"))
    actions.resolve(world.staff, ticket, "已加固支架")
    resolved = render(_latest(world.resident, "ticket.resolved"))
    assert "孙工" in resolved and "空调外机震动" in resolved and ticket.number in resolved
    actions.reopen(world.resident, ticket, "还在震")
    reopened = render(_latest(world.staff, "ticket.reopened"))
    assert world.resident.name in reopened and "空调外机震动" in reopened


def test_a_new_ticket_reaches_its_handler_with_its_subject(world, file_ticket, app):
    ticket = file_ticket()
    text = render(_latest(world.staff, "ticket.routed"))
    assert ticket.number in text and "空调外机震动" in text

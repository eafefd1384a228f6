"""Notifications (DESIGN §8): in-app first — one INSERT per event, an inbox,
mark read — and email only where the user has an address and MAIL_SERVER is
set, immediately or as one daily digest per user, never twice."""
import smtplib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from residentvoice.auth.models import NotifyMode
from residentvoice.i18n import N_
from residentvoice.models import utcnow
from residentvoice.notifications import email, services
from residentvoice.notifications.models import Notification

from ..translated import page, shows, zh

MESSAGE = N_("Household %(code)s added.")


class FakeSMTP:
    """Stands in for smtplib.SMTP: records connections and messages."""
    instances = []
    refuse = set()
    drop_after = None

    def __init__(self, host, port, timeout=None):
        self.host, self.port, self.sent, self.closed = host, port, [], False
        FakeSMTP.instances.append(self)

    def send_message(self, message):
        if message["To"] in FakeSMTP.refuse:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        if FakeSMTP.drop_after is not None and len(all_sent()) >= FakeSMTP.drop_after:
            raise smtplib.SMTPServerDisconnected("connection lost")
        self.sent.append(message)

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def quit(self):
        self.closed = True


def all_sent():
    return [m for smtp in FakeSMTP.instances for m in smtp.sent]


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.instances, FakeSMTP.refuse, FakeSMTP.drop_after = [], set(), None
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.test:2525")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://rv.example")
    return FakeSMTP


def person(factory, mode=NotifyMode.immediate, email_address="auto", **kwargs):
    user = factory.user(**kwargs)
    user.notify_mode = mode
    user.email = f"u{user.id}@example.org" if email_address == "auto" else email_address
    factory.db.session.flush()
    return user


def note(user, code="X-1", created_at=None, url="/"):
    services.notify([user.id], "test", MESSAGE, {"code": code}, url)
    if created_at is not None:
        row = services.db.session.scalars(services.db.select(Notification)
                                          .where(Notification.user_id == user.id)
                                          .order_by(Notification.id.desc())).first()
        row.created_at = created_at
        services.db.session.flush()


def send(runner):
    return runner.invoke(args=["notifications", "send"])


def pending(db, user):
    return db.session.scalar(db.select(db.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.emailed_at.is_(None)))


# ---- in-app -------------------------------------------------------------------------

def count_statements(db):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", before)
    return statements, lambda: event.remove(db.engine, "before_cursor_execute", before)


def test_notify_is_one_insert_for_all_recipients(factory, db):
    users = [factory.user() for _ in range(25)]
    statements, stop = count_statements(db)
    try:
        count = services.notify([u.id for u in users] + [users[0].id, None], "t", MESSAGE,
                                {"code": "A"})
    finally:
        stop()
    assert count == 25
    assert len([s for s in statements if s.lstrip().upper().startswith("INSERT")]) == 1


def test_notify_nobody_inserts_nothing(db):
    assert services.notify([], "t", MESSAGE) == 0


def test_inbox_lists_notifications_in_the_readers_language(client, auth, factory):
    w = factory.world()
    note(w.resident, code="DSST34-1-0601", url="/account")
    auth.login(w.resident)
    inbox = client.get("/notifications/")
    assert shows(inbox, zh(MESSAGE, code="DSST34-1-0601"))
    assert shows(inbox, zh("New"))
    client.post("/language", data={"lang": "en"})
    assert shows(client.get("/notifications/"), "Household DSST34-1-0601 added.")


def test_inbox_shows_only_ones_own_notifications(client, auth, factory):
    w = factory.world()
    note(w.other_resident, code="SECRET-1")
    auth.login(w.resident)
    inbox = client.get("/notifications/")
    assert "SECRET-1" not in page(inbox) and shows(inbox, zh("No notifications."))


def test_the_unread_count_shows_in_the_header_until_marked_read(client, auth, factory, db):
    w = factory.world()
    note(w.resident)
    note(w.resident, code="X-2")
    auth.login(w.resident)
    assert '<span class="count">2</span>' in page(client.get("/"))
    response = client.post("/notifications/read")
    assert response.status_code == 302
    assert services.unread_count(w.resident) == 0
    assert '<span class="count">' not in page(client.get("/"))
    assert shows(client.get("/notifications/"), zh("No notifications.")) is False


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, auth, factory, db):
    w = factory.world()
    note(w.resident, url="/account")
    note(w.resident, code="X-2", url="https://evil.example/")
    first, second = db.session.scalars(db.select(Notification).order_by(Notification.id))
    auth.login(w.resident)
    response = client.get(f"/notifications/{first.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/account")
    db.session.refresh(first)
    assert first.read_at is not None and services.unread_count(w.resident) == 1
    response = client.get(f"/notifications/{second.id}")
    assert response.headers["Location"].endswith("/notifications/")


def test_nobody_opens_someone_elses_notification(client, auth, factory, db):
    w = factory.world()
    note(w.other_resident)
    [other] = db.session.scalars(db.select(Notification))
    auth.login(w.resident)
    assert client.get(f"/notifications/{other.id}").status_code == 404
    db.session.refresh(other)
    assert other.read_at is None


def test_email_preferences_are_saved_and_checked(client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    bad = client.post("/account", data={"locale": "zh_Hans", "email": "not an address",
                                        "notify_mode": "digest"})
    assert bad.status_code == 200
    assert shows(bad, zh("Enter a valid email address."))
    assert 'value="not an address"' in page(bad)
    assert shows(bad, zh("Notifications always appear on this site. With an address, we "
                         "also email them to you."))
    db.session.expire_all()
    assert w.resident.email is None and w.resident.notify_mode is NotifyMode.immediate
    ok = client.post("/account", data={"locale": "zh_Hans", "email": "wang@example.org",
                                       "notify_mode": "digest"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert w.resident.email == "wang@example.org"
    assert w.resident.notify_mode is NotifyMode.digest


# ---- email ------------------------------------------------------------------------------

def test_nothing_is_sent_without_a_mail_server(app, runner, factory, db, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    user = person(factory)
    note(user)
    result = send(runner)
    assert result.exit_code == 0 and "MAIL_SERVER" in result.output
    assert smtp.instances == [] and pending(db, user) == 1


def test_no_connection_when_there_is_nothing_to_send(runner, factory, smtp):
    person(factory)
    result = send(runner)
    assert result.exit_code == 0, result.output
    assert smtp.instances == []


def test_immediate_email_one_per_user_and_never_twice(runner, factory, db, smtp):
    a, b = person(factory), person(factory)
    no_address = person(factory, email_address=None)
    note(a, "A-1")
    note(a, "A-2")
    note(b, "B-1")
    note(no_address, "N-1")
    result = send(runner)
    assert result.exit_code == 0, result.output
    sent = all_sent()
    assert sorted(m["To"] for m in sent) == sorted([a.email, b.email])
    body_a = next(m for m in sent if m["To"] == a.email).get_content()
    assert zh(MESSAGE, code="A-1") in body_a and zh(MESSAGE, code="A-2") in body_a
    assert "https://rv.example/notifications/" in body_a
    assert smtp.instances[0].host == "smtp.test" and smtp.instances[0].port == 2525
    assert smtp.instances[0].closed
    assert pending(db, a) == pending(db, b) == 0 and pending(db, no_address) == 1

    assert send(runner).exit_code == 0
    assert len(all_sent()) == 2, "a rerun sends nothing twice"
    note(a, "A-3")
    send(runner)
    assert len(all_sent()) == 3 and "A-3" in all_sent()[-1].get_content()


def test_read_notifications_and_inactive_users_get_no_email(runner, factory, db, smtp):
    reader, gone = person(factory), person(factory)
    note(reader)
    services.mark_all_read(reader)
    note(gone)
    gone.active = False
    db.session.flush()
    send(runner)
    assert all_sent() == []


def test_the_email_is_in_the_users_language(runner, factory, smtp):
    chinese, english = person(factory), person(factory, locale="en")
    note(chinese, "Z-1")
    note(english, "E-1")
    send(runner)
    by_to = {m["To"]: m for m in all_sent()}
    assert by_to[english.email]["Subject"] == "ResidentVoice: 1 new notification"
    assert "Household E-1 added." in by_to[english.email].get_content()
    assert by_to[chinese.email]["Subject"] == zh(
        "ResidentVoice: %(num)d new notification", num=1)


def yesterday_and_today(now=None):
    cutoff = email.digest_cutoff(now or utcnow(), {"BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai"})
    return cutoff - timedelta(hours=3), cutoff + timedelta(seconds=1)


def test_one_digest_per_user_per_day(runner, factory, db, smtp):
    before, after = yesterday_and_today()
    reader = person(factory, mode=NotifyMode.digest)
    for n in range(3):
        note(reader, f"D-{n}", created_at=before)
    note(reader, "LATE", created_at=after)
    result = send(runner)
    assert result.exit_code == 0, result.output
    [digest] = all_sent()
    body = digest.get_content()
    assert all(f"D-{n}" in body for n in range(3)) and "LATE" not in body
    assert digest["Subject"] == zh("ResidentVoice: your daily digest (%(n)d new)", n=3)
    send(runner)
    assert len(all_sent()) == 1, "the digest is sent once"
    assert pending(db, reader) == 1, "what came after the digest hour waits for tomorrow"


def test_digest_users_get_nothing_between_digests(runner, factory, smtp):
    _before, after = yesterday_and_today()
    reader = person(factory, mode=NotifyMode.digest)
    note(reader, created_at=after)
    send(runner)
    assert all_sent() == []


def test_batches_never_split_a_users_email(app, factory, db, smtp):
    before, _after = yesterday_and_today()
    readers = [person(factory, mode=NotifyMode.digest) for _ in range(4)]
    for reader in readers:
        note(reader, "D-1", created_at=before)
        note(reader, "D-2", created_at=before)
    settings = email.mail_settings(app.config)
    report = email.send_pending(email.SmtpMailer(settings), settings, batch_size=1)
    assert report.digest == 4 and len(all_sent()) == 4
    assert sorted(m["To"] for m in all_sent()) == sorted(r.email for r in readers)


def test_queries_do_not_grow_with_the_number_of_users(app, factory, db, smtp):
    settings = email.mail_settings(app.config)

    def statements_for(n_users):
        for _ in range(n_users):
            note(person(factory), "Q")
        statements, stop = count_statements(db)
        try:
            email.send_pending(email.SmtpMailer(settings), settings)
        finally:
            stop()
        return len(statements)

    assert statements_for(2) == statements_for(12)


def test_a_refused_address_does_not_stop_the_others(runner, factory, db, smtp):
    good, bad = person(factory), person(factory)
    note(good)
    note(bad)
    smtp.refuse = {bad.email}
    result = send(runner)
    assert result.exit_code == 0 and "1 refused" in result.output
    assert [m["To"] for m in all_sent()] == [good.email]
    assert pending(db, good) == 0 and pending(db, bad) == 1


def test_a_lost_connection_keeps_what_was_sent_marked(runner, factory, db, smtp):
    first, second = person(factory), person(factory)
    note(first)
    note(second)
    smtp.drop_after = 1
    result = send(runner)
    assert result.exit_code != 0 and "rerun" in result.output
    assert pending(db, first) == 0 and pending(db, second) == 1
    smtp.drop_after = None
    send(runner)
    assert [m["To"] for m in all_sent()] == [first.email, second.email]


def test_digest_hour_is_local_time():
    config = {"BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai", "DIGEST_HOUR": 7}
    # 08:30 in Beijing: today's 07:00 (23:00 UTC the day before).
    assert email.digest_cutoff(datetime(2026, 1, 10, 0, 30), config) == datetime(2026, 1, 9, 23)
    # 06:00 in Beijing: yesterday's 07:00.
    assert email.digest_cutoff(datetime(2026, 1, 9, 22, 0), config) == datetime(2026, 1, 8, 23)


def test_mail_server_may_name_its_port():
    assert email.mail_settings({"MAIL_SERVER": "mail.example:587"})["port"] == 587
    assert email.mail_settings({"MAIL_SERVER": "mail.example", "MAIL_PORT": "2525"})[
        "port"] == 2525

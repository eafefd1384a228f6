"""Notification email (DESIGN §8): in-app first; email only for users with an
address, and only where ``MAIL_SERVER`` is configured.

Each user chooses *immediate* (every run of ``flask notifications send``, from
cron every few minutes, mails what arrived since the last run) or a *daily
digest* (everything that arrived before today's digest hour, once a day).
One email per user per run — never one per event — built from two queries per
batch of users and one UPDATE marking ``emailed_at``, committed per batch, so
the run always finishes and a rerun sends nothing twice.  On PostgreSQL the
rows of a batch are locked (SKIP LOCKED), so overlapping runs do not share
them.  Read notifications are not mailed: the user has already seen them."""
import logging
import os
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, gettext, ngettext

from ..auth.models import NotifyMode, User
from ..extensions import db
from ..models import utcnow
from .models import Notification
from .services import render

log = logging.getLogger(__name__)

BATCH_USERS = 200
DEFAULT_DIGEST_HOUR = 7


@dataclass
class RunReport:
    immediate: int = 0
    digest: int = 0
    failed: list = field(default_factory=list)

    @property
    def sent(self):
        return self.immediate + self.digest


def _setting(config, key, default=None):
    """From the app config, else the environment (``MAIL_*``, ``PUBLIC_URL``)."""
    value = config.get(key)
    return value if value not in (None, "") else os.environ.get(key, default)


def mail_settings(config):
    """SMTP settings, or None when ``MAIL_SERVER`` is not set (no email at all).
    ``MAIL_SERVER`` may carry the port (``smtp.example.org:587``)."""
    server = _setting(config, "MAIL_SERVER")
    if not server:
        return None
    host, _, port = server.partition(":")
    return {"host": host, "port": int(port or _setting(config, "MAIL_PORT") or 25),
            "username": _setting(config, "MAIL_USERNAME"),
            "password": _setting(config, "MAIL_PASSWORD"),
            "starttls": str(_setting(config, "MAIL_USE_TLS", "")).lower() in ("1", "true", "yes"),
            "sender": _setting(config, "MAIL_FROM") or "noreply@residentvoice.local"}


class SmtpMailer:
    """One SMTP connection per run, opened on the first message."""

    def __init__(self, settings):
        self.settings = settings
        self.connection = None

    def send(self, message):
        if self.connection is None:
            s = self.settings
            self.connection = smtplib.SMTP(s["host"], s["port"], timeout=30)
            if s["starttls"]:
                self.connection.starttls()
            if s["username"]:
                self.connection.login(s["username"], s["password"] or "")
        self.connection.send_message(message)

    def close(self):
        if self.connection is not None:
            try:
                self.connection.quit()
            except smtplib.SMTPException:
                pass
            self.connection = None


def digest_cutoff(now, config):
    """The most recent digest hour (local time, default 07:00) at or before
    ``now``, as naive UTC: a digest holds what arrived before it."""
    zone = ZoneInfo(config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
    hour = int(_setting(config, "DIGEST_HOUR") or DEFAULT_DIGEST_HOUR)
    local = now.replace(tzinfo=timezone.utc).astimezone(zone)
    cutoff = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if cutoff > local:
        cutoff -= timedelta(days=1)
    return cutoff.astimezone(timezone.utc).replace(tzinfo=None)


def _pending(mode, cutoff):
    conditions = [Notification.emailed_at.is_(None), Notification.read_at.is_(None),
                  User.notify_mode == mode, User.active.is_(True), User.email.is_not(None),
                  User.email != ""]
    if cutoff is not None:
        conditions.append(Notification.created_at < cutoff)
    return conditions


def _batches(mode, cutoff, batch_size):
    """Yield ``[(user, [notifications])]`` for up to ``batch_size`` users at a time."""
    last_user_id = 0
    while True:
        user_ids = db.session.scalars(
            db.select(Notification.user_id).join(User, User.id == Notification.user_id)
            .where(*_pending(mode, cutoff), Notification.user_id > last_user_id)
            .group_by(Notification.user_id).order_by(Notification.user_id)
            .limit(batch_size)).all()
        if not user_ids:
            return
        last_user_id = user_ids[-1]
        rows = db.session.execute(
            db.select(Notification, User).join(User, User.id == Notification.user_id)
            .where(*_pending(mode, cutoff), Notification.user_id.in_(user_ids))
            .order_by(Notification.user_id, Notification.id)
            .with_for_update(of=Notification, skip_locked=True)).all()
        grouped = {}
        for notification, user in rows:
            grouped.setdefault(user.id, (user, []))[1].append(notification)
        yield list(grouped.values())


def _absolute(base, url):
    if url.startswith("/") and base:
        return base.rstrip("/") + url
    return url


def compose(user, notifications, *, digest, settings, base_url):
    """The email for ``user``: every pending notification, in the user's language."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        if digest:
            subject = gettext("ResidentVoice: your daily digest (%(n)d new)",
                              n=len(notifications))
        else:
            subject = ngettext("ResidentVoice: %(num)d new notification",
                               "ResidentVoice: %(num)d new notifications", len(notifications))
        lines = [gettext("Hello %(name)s,", name=user.name), ""]
        for n in notifications:
            lines.append("• " + render(n))
            if n.url:
                lines.append("  " + _absolute(base_url, n.url))
        lines += ["", gettext("Read them all: %(url)s",
                              url=_absolute(base_url, "/notifications/")),
                  gettext("To get email immediately or once a day, or to stop it by "
                          "removing your address, change your settings: %(url)s",
                          url=_absolute(base_url, "/account"))]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings["sender"]
    message["To"] = user.email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings["sender"].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(lines))
    return message


def send_pending(mailer, settings, *, now=None, batch_size=BATCH_USERS, commit=None):
    """Send every pending immediate email and, past today's digest hour, every
    digest not yet sent.  ``commit`` is called after each batch (the CLI passes
    ``db.session.commit``); ``emailed_at`` is set only for what was sent."""
    now = now or utcnow()
    config = current_app.config
    base_url = _setting(config, "PUBLIC_URL") or ""
    report = RunReport()
    for mode, cutoff in ((NotifyMode.immediate, None),
                         (NotifyMode.digest, digest_cutoff(now, config))):
        for batch in _batches(mode, cutoff, batch_size):
            sent_ids = []
            try:
                for user, notifications in batch:
                    if _send_one(mailer, user, notifications, mode, settings, base_url, report):
                        sent_ids += [n.id for n in notifications]
            finally:
                # Mark what went out even when the connection drops mid-batch,
                # so a rerun does not send it again.
                if sent_ids:
                    db.session.execute(db.update(Notification)
                                       .where(Notification.id.in_(sent_ids))
                                       .values(emailed_at=now))
                if commit is not None:
                    commit()
    return report


def _send_one(mailer, user, notifications, mode, settings, base_url, report):
    """Send one user's email; a refused address is logged and left pending."""
    digest = mode is NotifyMode.digest
    message = compose(user, notifications, digest=digest, settings=settings,
                      base_url=base_url)
    try:
        mailer.send(message)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
            smtplib.SMTPSenderRefused) as error:
        log.warning("email to user %s refused: %s", user.id, error)
        report.failed.append(user.id)
        return False
    if digest:
        report.digest += 1
    else:
        report.immediate += 1
    return True

"""``flask notifications send``: the email run, from cron (e.g. every 10 minutes);
``flask notifications remind``: the reminders features make (a ballot closing in
2 days), from cron; ``flask notifications sms``: the SMS due, from cron every few
minutes; ``flask notifications sms-reply PHONE TEXT``: a reply read elsewhere."""
import smtplib

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..models import utcnow
from ..signals import reminders_due
from . import email, sms, sms_send
from .sms_backends import sms_settings


@click.group("notifications")
def notifications():
    """Notification email."""


@notifications.command("send")
@with_appcontext
def send():
    """Send pending immediate emails and, once a day, the digests."""
    settings = email.mail_settings(current_app.config)
    if settings is None:
        click.echo("MAIL_SERVER is not set: no email sent (notifications stay in the app).")
        return
    mailer = email.SmtpMailer(settings)
    try:
        report = email.send_pending(mailer, settings, commit=db.session.commit)
    except (OSError, smtplib.SMTPException) as error:
        raise click.ClickException(
            f"mail server {settings['host']}:{settings['port']} failed: {error}; what was "
            "sent before the failure is marked, a rerun sends the rest") from error
    finally:
        mailer.close()
    click.echo(f"{report.immediate} immediate and {report.digest} digest emails sent"
               + (f"; {len(report.failed)} refused by the server" if report.failed else "")
               + ".")


@notifications.command("remind")
@with_appcontext
def remind():
    """Send the reminders that are due (each only once)."""
    now = utcnow()
    answers = reminders_due.send(current_app._get_current_object(), now=now)
    db.session.commit()
    total = sum(count or 0 for _receiver, count in answers)
    click.echo(f"{total} reminders sent.")


@notifications.command("sms")
@with_appcontext
def send_sms():
    """Send the SMS that are due (quiet hours, daily cap, retries)."""
    settings = sms_settings(current_app.config)
    if settings is None:
        click.echo("SMS_PROVIDER is not set (or lacks its keys): no SMS sent.")
        return
    report = sms_send.send_due(settings, commit=db.session.commit)
    db.session.commit()
    click.echo(", ".join(f"{count} {outcome}" for outcome, count in sorted(report.items()))
               or "No SMS due.")


@notifications.command("sms-reply")
@click.argument("phone")
@click.argument("text")
@with_appcontext
def sms_reply(phone, text):
    """Record a reply to our SMS (TD or 退订 opts the number out)."""
    opted_out = sms.handle_reply(phone, text)
    db.session.commit()
    click.echo(f"{phone} opted out of SMS." if opted_out else "Not a stop request: ignored.")


def register(app):
    app.cli.add_command(notifications)

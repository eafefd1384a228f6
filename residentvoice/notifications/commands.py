"""``flask notifications send``: the email run, from cron (e.g. every 10 minutes)."""
import smtplib

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from . import email


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


def register(app):
    app.cli.add_command(notifications)

"""``flask tickets sweep`` (cron) and ``flask tickets sla-defaults``."""
import click
from flask.cli import with_appcontext

from ..extensions import db


@click.group("tickets")
def tickets_group():
    """Complaint tickets."""


@tickets_group.command("sweep")
@with_appcontext
def sweep_command():
    """Escalate overdue tickets and close week-old unconfirmed resolutions
    (idempotent; safe to run every few minutes)."""
    from .sweep import sweep
    done = sweep()
    db.session.commit()
    click.echo("Escalated to secretaries: {secretaries}; to the street office: "
               "{street_office}; closed without confirmation: {auto_closed}.".format(**done))


@tickets_group.command("sla-defaults")
@with_appcontext
def sla_defaults_command():
    """Store the default service levels (idempotent)."""
    from .sla import ensure_defaults
    ensure_defaults()
    db.session.commit()
    click.echo("Default service levels stored.")


def register(app):
    app.cli.add_command(tickets_group)

"""``flask tickets sweep`` and ``flask tickets refresh-stats`` (cron) and
``flask tickets sla-defaults``."""
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


@tickets_group.command("refresh-stats")
@with_appcontext
def refresh_stats_command():
    """Count the settled tickets for the dashboard again (idempotent; run
    nightly — the dashboard's figures are exact either way, a late refresh
    only makes it count more tickets live)."""
    from .stats import refresh
    before = refresh()
    db.session.commit()
    click.echo(f"Tickets closed before {before:%Y-%m-%d %H:%M} UTC counted.")


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

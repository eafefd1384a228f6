"""``flask uploads sweep`` (cron, daily)."""
import click
from flask.cli import with_appcontext


@click.group("uploads")
def uploads_group():
    """Uploaded photos and scans."""


@uploads_group.command("sweep")
@with_appcontext
def sweep_command():
    """Remove the photos kept from forms sent back that no form used within a
    day, with their files (idempotent)."""
    from .services import KEPT_HOURS, sweep_kept
    click.echo(f"Photos kept from forms sent back, unused after {KEPT_HOURS} hours, "
               f"removed: {sweep_kept()}.")


def register(app):
    app.cli.add_command(uploads_group)

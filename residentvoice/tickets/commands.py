"""``flask tickets sweep`` (cron) and ``flask api-keys create|revoke|list``."""
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


@click.group("api-keys")
def api_keys_group():
    """Open311 API keys (stored hashed)."""


@api_keys_group.command("create")
@click.option("--name", required=True, help="Who the key is for, e.g. 12345 dispatch.")
@with_appcontext
def create_key(name):
    from ..open311.services import create_key as create
    raw, key = create(name.strip()[:120])
    db.session.commit()
    click.echo(f"Key {key.id} ({key.prefix}) for {key.name}: {raw}")
    click.echo("Store it now: only its hash is kept.")


@api_keys_group.command("revoke")
@click.argument("ident")
@with_appcontext
def revoke_key(ident):
    """Revoke a key by id or prefix."""
    from ..open311.services import revoke_key as revoke
    key = revoke(ident)
    if key is None:
        raise click.ClickException(f"No key {ident}.")
    db.session.commit()
    click.echo(f"Key {key.id} ({key.prefix}) revoked.")


@api_keys_group.command("list")
@with_appcontext
def list_keys():
    from ..open311.models import ApiKey
    for key in db.session.scalars(db.select(ApiKey).order_by(ApiKey.id)):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        click.echo(f"{key.id}\t{key.prefix}\t{state}\t{key.name}")


def register(app):
    app.cli.add_command(tickets_group)
    app.cli.add_command(api_keys_group)

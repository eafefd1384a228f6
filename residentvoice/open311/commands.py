"""``flask api-keys create|revoke|list``: the keys Open311 clients file with."""
import click
from flask.cli import with_appcontext

from ..extensions import db


@click.group("api-keys")
def api_keys_group():
    """Open311 API keys (stored hashed)."""


@api_keys_group.command("create")
@click.option("--name", required=True, help="Who the key is for, e.g. 12345 dispatch.")
@with_appcontext
def create_key(name):
    from .services import create_key as create
    raw, key = create(name.strip()[:120])
    db.session.commit()
    click.echo(f"Key {key.id} ({key.prefix}) for {key.name}: {raw}")
    click.echo("Store it now: only its hash is kept.")


@api_keys_group.command("revoke")
@click.argument("ident")
@with_appcontext
def revoke_key(ident):
    """Revoke a key by id or prefix."""
    from .services import revoke_key as revoke
    key = revoke(ident)
    if key is None:
        raise click.ClickException(f"No key {ident}.")
    db.session.commit()
    click.echo(f"Key {key.id} ({key.prefix}) revoked.")


@api_keys_group.command("list")
@with_appcontext
def list_keys():
    from .models import ApiKey
    for key in db.session.scalars(db.select(ApiKey).order_by(ApiKey.id)):
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        click.echo(f"{key.id}\t{key.prefix}\t{state}\t{key.name}")


def register(app):
    app.cli.add_command(api_keys_group)

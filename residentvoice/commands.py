"""CLI commands (DESIGN §6): ``flask demo``, ``flask users create``,
``flask translate …``; each feature adds its own in its ``register(app)``."""
import click
from flask.cli import with_appcontext

from .extensions import db

def register(app):
    from .i18n import register_commands as register_translate
    register_translate(app)
    app.cli.add_command(demo)
    app.cli.add_command(users)
    app.cli.add_command(access_table)


@click.command("access")
@with_appcontext
def access_table():
    """Who may use each route, and what it does to which object (one line a route)."""
    from flask import current_app
    from .access import declared
    for rule, methods, who, objects in declared(current_app):
        click.echo(f"{rule}  [{methods}]  {who}" + (f"  {objects}" if objects else ""))


@click.command("demo")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 1000),
              help="Multiply compounds, households, tickets and votes (for benchmarks).")
@click.option("--tickets", default=0, show_default=True, type=click.IntRange(0, 10_000_000),
              help="Fill up to this many tickets in all with generated history, bulk-"
                   "inserted over every compound (a district for the benchmark).")
@with_appcontext
def demo(scale, tickets):
    """Load the demo compounds and accounts (idempotent)."""
    from .demo import DEMO_LOADERS
    from . import demo_registry  # noqa: F401  (imports every feature's loader)
    from .demo.directory import DemoContext, demo_password_hash
    ctx = DemoContext(scale, demo_password_hash(), tickets=tickets)
    for _order, loader in DEMO_LOADERS:
        loader(ctx)
        db.session.commit()
    click.echo(f"Demo data loaded (scale {scale}).")


@click.group("users")
def users():
    """Manage user accounts."""


@users.command("create")
@click.option("--phone", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(["resident", "secretary", "staff", "street_admin",
                                           "none"]), default="none", show_default=True)
@click.option("--place", default=None,
              help="Household code, community name, organisation name or street office name.")
@with_appcontext
def create_user(phone, name, password, role, place):
    """Create a user, optionally with one role."""
    from .auth import services
    from .demo.directory import _place
    from .errors_domain import DomainError
    from .forms import PHONE_RE, normalise_phone
    phone = normalise_phone(phone)
    if not PHONE_RE.match(phone or ""):
        raise click.BadParameter("expected an 11-digit mainland mobile number", param_hint="--phone")
    try:
        user = services.create_user(phone, name, password)
        if role != "none":
            if not place:
                raise click.BadParameter("a role needs --place", param_hint="--place")
            where = _place(role, place)
            if not all(where.values()):
                raise click.BadParameter(f"no {role} place named {place!r}", param_hint="--place")
            if role == "resident":
                services.bind_resident(user, where["household"], "owner", actor=None)
            else:
                services.grant_role(None, user, role, **where)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message))
    db.session.commit()
    click.echo(f"Created user {user.id} ({phone}).")

"""``flask ballots verify ID`` and ``flask ballots close-due`` (for cron)."""
import click
from flask.cli import with_appcontext

from ..extensions import db


@click.group("ballots")
def ballots():
    """Ballot maintenance."""


@ballots.command("verify")
@click.argument("ballot_id", type=int)
@with_appcontext
def verify_cmd(ballot_id):
    """Recompute the hash chain and the tally from the raw rows; exit 1 on any mismatch."""
    from .chain import verify
    from .counting import tally
    from .models import Ballot
    ballot = db.session.get(Ballot, ballot_id)
    if ballot is None:
        raise click.ClickException(f"no ballot {ballot_id}")
    problems, head = verify(ballot)
    result = tally(ballot)
    click.echo(f"ballot {ballot.id}: {ballot.title} [{ballot.status.name}]")
    click.echo(f"chain: {ballot.chain_length} records, head {head}")
    click.echo(f"electorate: {result.electorate.units} units, {result.electorate.headcount} "
               f"owners/voters, {result.electorate.area_m2} m²")
    click.echo(f"took part: {result.participation.units} units, "
               f"{result.participation.headcount}, {result.participation.area_m2} m²")
    for option in result.options:
        t = option.totals
        click.echo(f"  {option.label}: {t.units} units, {t.headcount}, {t.area_m2} m²"
                   f"{' — passed' if option.passed else ''}")
    if problems:
        for problem in problems:
            click.echo(f"MISMATCH {problem}", err=True)
        raise SystemExit(1)
    click.echo("OK: chain and tally agree with the raw rows.")


@ballots.command("close-due")
@with_appcontext
def close_due_cmd():
    """Close every open ballot whose closing time has passed."""
    from .services import close_due
    closed = close_due()
    db.session.commit()
    click.echo(f"closed {len(closed)} ballot(s)")


def register(app):
    app.cli.add_command(ballots)

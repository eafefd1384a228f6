"""``flask ballots verify ID``, ``flask ballots checkpoint`` and ``flask ballots
close-due`` (both for cron)."""
import click
from flask.cli import with_appcontext

from ..extensions import db


@click.group("ballots")
def ballots():
    """Ballot maintenance."""


def _figures(t):
    return f"{t.units} units, {t.headcount}, {t.area_m2} m²"


@ballots.command("verify")
@click.argument("ballot_id", type=int)
@click.option("--head", "heads", multiple=True, metavar="HASH",
              help="A chain head published earlier (on the ballot page or the results "
                   "notice): the chain must still contain it.")
@with_appcontext
def verify_cmd(ballot_id, heads):
    """Recompute the hash chain and the count from the chain alone and compare them
    with the stored votes, the sealed result and every recorded checkpoint; exit 1
    on any mismatch."""
    from .verification import check
    from .counting import Totals, tally
    from .models import Ballot, Cast
    ballot = db.session.get(Ballot, ballot_id)
    if ballot is None:
        raise click.ClickException(f"no ballot {ballot_id}")
    report = check(ballot)
    problems = list(report.problems)
    known = set(db.session.scalars(db.select(Cast.hash).where(Cast.ballot_id == ballot.id)))
    known |= {report.head, ballot.chain_tip}
    for head in heads:
        if head.strip().lower() not in known:
            problems.append(f"the chain does not contain the published head {head}")
    labels = {o.id: o.label for o in ballot.options}
    click.echo(f"ballot {ballot.id}: {ballot.title} [{ballot.status.name}]")
    click.echo(f"chain: {report.length} records, head {report.head}")
    if report.counted is not None:
        participation, by_option = report.counted
        click.echo(f"counted from the chain: took part {_figures(participation)}")
        for option_id, label in labels.items():
            click.echo(f"  {label}: {_figures(by_option.get(option_id, Totals()))}")
    else:
        click.echo("counted from the chain (a closed secret ballot: its links no longer "
                   "name their units): records per option")
        for option_id, label in labels.items():
            click.echo(f"  {label}: {report.voices.get(option_id, 0)} records")
    result = tally(ballot)
    click.echo("result" + (" (sealed at closing)" if report.sealed else "") +
               f": electorate {_figures(result.electorate)}; took part "
               f"{_figures(result.participation)}")
    for option in result.options:
        click.echo(f"  {option.label}: {_figures(option.totals)}"
                   f"{' — passed' if option.passed else ''}")
    if problems:
        for problem in problems:
            click.echo(f"MISMATCH {problem}", err=True)
        raise SystemExit(1)
    click.echo("OK: the chain, the count and the stored rows agree.")


@ballots.command("checkpoint")
@with_appcontext
def checkpoint_cmd():
    """Record the chain head of every open ballot that had votes since its last
    checkpoint (run from cron at the end of each day)."""
    from .chain import record_checkpoints
    recorded = record_checkpoints()
    db.session.commit()
    click.echo(f"recorded the head of {len(recorded)} ballot(s)")


@ballots.command("close-due")
@with_appcontext
def close_due_cmd():
    """Close every open ballot whose closing time has passed; record the head of
    every other open ballot not yet recorded today."""
    from .chain import record_checkpoints
    from .services import close_due
    closed = close_due()
    recorded = record_checkpoints(new_day_only=True)
    db.session.commit()
    click.echo(f"closed {len(closed)} ballot(s); recorded the head of {len(recorded)}")


def register(app):
    app.cli.add_command(ballots)

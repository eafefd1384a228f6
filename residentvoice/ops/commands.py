"""``flask backup PATH`` and ``flask restore PATH`` (registered by
``residentvoice.ops.register``)."""
import click
from flask.cli import with_appcontext

from ..extensions import db
from . import backup as backups


def register(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _describe(counts):
    return f"{len(counts)} tables, {sum(counts.values())} rows"


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=True, file_okay=True))
@with_appcontext
def backup_command(path):
    """Back up the database to PATH (a new file, or a folder for a dated file).

    SQLite: an online copy, safe while the app is serving. PostgreSQL: runs
    pg_dump (custom format) when it is installed."""
    url = db.engine.url
    try:
        source = backups.sqlite_path(url)
        if source is None:
            target = backups.backup_target(path, suffix=".dump")
            backups.backup_postgresql(url, target)
            click.echo(f"PostgreSQL database {url.database} dumped to {target} (pg_dump).")
            return
        target = backups.backup_target(path)
        counts = backups.backup_sqlite(source, target)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up {source} to {target} ({_describe(counts)}).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path, yes):
    """Replace the configured database with the backup at PATH.

    Stop the app servers first: everything in the current database is lost."""
    url = db.engine.url
    try:
        target = backups.sqlite_path(url)
        if target is None:
            where = f"PostgreSQL database {url.database} on {url.host or 'localhost'}"
        else:
            counts = backups.check_sqlite(path, require_app_tables=True)
            click.echo(f"Backup {path}: {_describe(counts)}.")
            current = backups.check_sqlite(target) if target.is_file() else {}
            where = f"{target} ({_describe(current)})"
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    if not yes:
        click.confirm(f"Replace everything in {where} with this backup?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may keep the old pages
    try:
        if target is None:
            backups.restore_postgresql(url, path)
            click.echo(f"Restored {path} into {where} (pg_restore).")
            return
        counts = backups.restore_sqlite(path, target)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {path} into {target} ({_describe(counts)}).")

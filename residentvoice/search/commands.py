"""``flask search reindex``: rebuild the search index from the records."""
import click
from flask.cli import with_appcontext

from ..extensions import db
from . import indexing


@click.group("search")
def search():
    """The search index."""


@search.command("reindex")
@with_appcontext
def reindex():
    """Rebuild every search document (after the migration that adds the
    index, or after bulk SQL that bypassed the ORM)."""
    count = indexing.reindex()
    db.session.commit()
    click.echo(f"{count} search documents written.")


def register(app):
    app.cli.add_command(search)

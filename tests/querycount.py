"""Counting the SQL statements a request sends (DESIGN §8: a page's queries
do not grow with the data).  One counter for every query-count test."""
from contextlib import contextmanager

from sqlalchemy import event

from residentvoice.extensions import db


@contextmanager
def recorded(engine=None):
    """The statements sent to ``engine`` (the app's) inside the block, in order."""
    engine = engine or db.engine
    statements = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def page_statements(client, url, commit=False):
    """How many statements a GET of ``url`` sends; the page must answer 200.
    ``commit``: the test's own writes go first, so they are not counted."""
    if commit:
        db.session.commit()
    with recorded() as statements:
        assert client.get(url).status_code == 200
    return len(statements)

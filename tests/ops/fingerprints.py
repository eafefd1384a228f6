"""Row counts and a checksum of every row of every table, to compare two
databases (a source and its restored backup)."""
import hashlib

from sqlalchemy import select

from residentvoice.extensions import db


def fingerprints(app):
    """``{table: (rows, sha256 of all rows ordered by primary key)}``."""
    result = {}
    with app.app_context():
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                digest = hashlib.sha256()
                rows = 0
                for row in conn.execute(select(table).order_by(*order)):
                    digest.update(repr(tuple(_plain(v) for v in row)).encode())
                    rows += 1
                result[table.name] = (rows, digest.hexdigest())
    return result


def _plain(value):
    """Values compare the same whatever the driver returned (naive/aware, str)."""
    if hasattr(value, "isoformat"):
        return value.replace(tzinfo=None).isoformat() if hasattr(value, "tzinfo") \
            else value.isoformat()
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def tables_named(prints, *words):
    return sorted(name for name in prints if any(word in name for word in words))

"""Operations: database health and availability, backup and restore.

``health`` decides whether an error means "the database is unavailable" (the
app answers 503 and recovers by itself) and runs the /healthz check;
``backup`` copies and restores SQLite databases; ``commands`` adds
``flask backup`` and ``flask restore``."""


def register(app):
    """Attach ``flask backup`` and ``flask restore`` to ``app``."""
    from . import commands
    commands.register(app)

"""Each feature with CLI commands appends its ``register(app)`` here."""
from .commands import FEATURE_COMMANDS  # noqa: F401

"""Each feature with CLI commands appends its ``register(app)`` here."""
from .commands import FEATURE_COMMANDS  # noqa: F401
from .notifications.commands import register as register_notifications  # noqa: E402
FEATURE_COMMANDS.append(register_notifications)

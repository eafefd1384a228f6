"""Each feature with CLI commands appends its ``register(app)`` here."""
from .commands import FEATURE_COMMANDS  # noqa: F401
from .ops.commands import register as register_ops  # noqa: E402
FEATURE_COMMANDS.append(register_ops)
from .notifications.commands import register as register_notifications  # noqa: E402
FEATURE_COMMANDS.append(register_notifications)
from .voting.commands import register as _voting_commands  # noqa: E402
FEATURE_COMMANDS.append(_voting_commands)
from .tickets.commands import register as _ticket_commands  # noqa: E402
FEATURE_COMMANDS.append(_ticket_commands)

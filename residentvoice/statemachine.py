"""The one helper behind the features' state machines (STYLE §8).

Each feature keeps its table ``{(state, action): entry}`` in its own module;
the entry is the new state, or a tuple whose first item is the new state and
whose other items are what the feature keeps beside it (who may take the
step, a ticket's closure).  The helper answers which steps the table allows
from an object's state and refuses, with the feature's own message, a step it
does not have; the feature keeps its row locks, permission checks, guards,
audit entries and notifications around the call."""
from flask_babel import LazyString

from .errors_domain import TransitionNotAllowed


class StateMachine:
    """``table`` as above; ``refuse``: the message of TransitionNotAllowed, a
    lazy string that may name the current state as ``%(status)s`` (its
    label); ``refuse_for``: other messages for some actions; ``field``: the
    attribute holding the state; ``error_field``: the form field the error
    belongs to."""

    def __init__(self, table, refuse, *, field="status", refuse_for=None, error_field=None):
        self.table = table
        self.refuse = refuse
        self.refuse_for = dict(refuse_for or {})
        self.field = field
        self.error_field = error_field

    @property
    def actions(self):
        """Every action of the table, each once, in the table's order."""
        return list(dict.fromkeys(action for _state, action in self.table))

    def allowed(self, obj, may=None):
        """The actions the table allows from ``obj``'s state, in the table's
        order, keeping those for which ``may(action, entry)`` holds."""
        state = getattr(obj, self.field)
        return [action for (from_state, action), entry in self.table.items()
                if from_state == state and (may is None or may(action, entry))]

    def entry(self, obj, action):
        """The table's entry for ``action`` from ``obj``'s state.  Raises
        TransitionNotAllowed when the table has none (an action it does not
        know at all included)."""
        state = getattr(obj, self.field)
        entry = self.table.get((state, action))
        if entry is None:
            raise TransitionNotAllowed(self._refusal(state, action), self.error_field)
        return entry

    def target(self, obj, action):
        """The state ``action`` moves ``obj`` to; raises as ``entry`` does."""
        entry = self.entry(obj, action)
        return entry[0] if isinstance(entry, tuple) else entry

    def apply(self, obj, action):
        """Move ``obj`` to the state ``action`` leads to; returns ``(old,
        new)``.  Raises as ``entry`` does, leaving ``obj`` unchanged."""
        new = self.target(obj, action)
        old = getattr(obj, self.field)
        setattr(obj, self.field, new)
        return old, new

    def _refusal(self, state, action):
        message = self.refuse_for.get(action, self.refuse)
        label = getattr(state, "value", state)
        return LazyString(lambda: str(message) % {"status": label})

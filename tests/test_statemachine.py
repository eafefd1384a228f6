"""The state-machine helper every feature's transition table goes through
(residentvoice.statemachine, STYLE §8)."""
import enum
from types import SimpleNamespace

import pytest
from flask_babel import lazy_gettext as _l

from residentvoice.errors_domain import TransitionNotAllowed
from residentvoice.statemachine import StateMachine


class Door(enum.Enum):
    shut = _l("Shut")
    open = _l("Open")
    locked = _l("Locked")


TABLE = {
    (Door.shut, "open"): Door.open,
    (Door.shut, "lock"): Door.locked,
    (Door.open, "shut"): Door.shut,
    (Door.locked, "unlock"): Door.shut,
}
REFUSE = _l("A door that is “%(status)s” cannot do that.")


def door(state=Door.shut):
    return SimpleNamespace(status=state)


def test_allowed_lists_the_actions_from_the_state_in_table_order():
    machine = StateMachine(TABLE, REFUSE)
    assert machine.allowed(door()) == ["open", "lock"]
    assert machine.allowed(door(Door.locked)) == ["unlock"]
    assert machine.allowed(door(Door.locked), lambda action, entry: False) == []
    assert machine.allowed(door(), lambda action, entry: entry is Door.locked) == ["lock"]
    assert machine.actions == ["open", "lock", "shut", "unlock"]


def test_apply_moves_the_object_and_returns_old_and_new():
    machine = StateMachine(TABLE, REFUSE)
    thing = door()
    assert machine.target(thing, "lock") is Door.locked
    assert thing.status is Door.shut
    assert machine.apply(thing, "lock") == (Door.shut, Door.locked)
    assert thing.status is Door.locked


def test_a_refused_step_names_the_state_and_changes_nothing(app):
    machine = StateMachine(TABLE, REFUSE, error_field="action")
    thing = door(Door.open)
    with app.test_request_context(), pytest.raises(TransitionNotAllowed) as raised:
        machine.apply(thing, "lock")
    assert str(raised.value.message) == "A door that is “Open” cannot do that."
    assert raised.value.field == "action" and raised.value.status == 409
    assert thing.status is Door.open


def test_an_unknown_action_is_refused_like_a_step_the_state_lacks(app):
    machine = StateMachine(TABLE, REFUSE)
    with app.test_request_context(), pytest.raises(TransitionNotAllowed) as raised:
        machine.target(door(), "fly")
    assert str(raised.value.message) == "A door that is “Shut” cannot do that."
    assert raised.value.field is None


def test_the_message_is_translated_when_shown(app):
    machine = StateMachine(TABLE, _l("Shut the door first."),
                           refuse_for={"unlock": _l("This cannot be done while the ballot is "
                                                    "%(status)s.")})
    with app.test_request_context():  # zh_Hans, the default locale
        with pytest.raises(TransitionNotAllowed) as other:
            machine.entry(door(Door.open), "open")
        with pytest.raises(TransitionNotAllowed) as unlock:
            machine.entry(door(Door.open), "unlock")
        assert str(other.value.message) == "Shut the door first."  # no catalogue entry
        assert str(unlock.value.message) == f"表决处于“{Door.open.value}”状态，不能进行此操作。"


def test_entries_may_carry_more_than_the_new_state():
    machine = StateMachine({(Door.shut, "open"): (Door.open, {"tenant"})}, REFUSE)
    assert machine.target(door(), "open") is Door.open
    assert machine.entry(door(), "open") == (Door.open, {"tenant"})
    assert machine.allowed(door(), lambda action, entry: "guest" in entry[1]) == []

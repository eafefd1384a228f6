"""A letter's invitation code and a printed reset code work once, also when
several people type them at the same instant (issue 14.4: every check-then-
write under the lock that guards its write) — on PostgreSQL, through the app."""
import pytest

from residentvoice.auth import services
from residentvoice.auth.models import RoleAssignment, User
from residentvoice.extensions import db

from ..factories import Factory
from ..races import count, racing_app, requests_at_once

pytestmark = pytest.mark.postgres_only
PEOPLE = 6


@pytest.fixture
def race_app():
    with racing_app() as app:
        yield app


def test_one_invitation_code_registers_one_person(race_app):
    with race_app.app_context():
        w = Factory(db).world()
        code = services.issue_invitations(w.secretary, [w.household_a2])[0].code
        household_id = w.household_a2.id
        db.session.commit()
    statuses = requests_at_once(race_app, [
        ("POST", "/register", {"data": {"code": code, "name": f"住户{n}",
                                        "phone": f"1351234560{n}", "relation": "tenant",
                                        "password": "long-enough-1"}})
        for n in range(PEOPLE)])
    assert sorted(statuses) == [302] + [422] * (PEOPLE - 1), statuses   # one in, the rest refused
    with race_app.app_context():
        assert count(RoleAssignment, household_id=household_id) == 1
        assert db.session.scalar(db.select(db.func.count(User.id))
                                 .where(User.phone.like("1351234560%"))) == 1


def test_one_reset_code_sets_one_password(race_app):
    with race_app.app_context():
        w = Factory(db).world()
        code = services.issue_reset_code(w.secretary, w.resident)
        phone, user_id = w.resident.phone, w.resident.id
        db.session.commit()
    statuses = requests_at_once(race_app, [
        ("POST", "/reset", {"data": {"phone": phone, "code": code,
                                     "password": f"new-password-{n}"}})
        for n in range(PEOPLE)])
    assert sorted(statuses) == [302] + [422] * (PEOPLE - 1), statuses   # one in, the rest refused
    with race_app.app_context():
        user = db.session.get(User, user_id)
        assert sum(user.check_password(f"new-password-{n}") for n in range(PEOPLE)) == 1

"""Issue 14, accounts: staff create new accounts only, reset codes only for
plain residents of one's own communities, sessions and tokens that really end,
and login/invitation answers that give nothing away."""
import pytest
from werkzeug import security as wz_security

from residentvoice.audit.models import AuditEntry
from residentvoice.auth import services, sessions
from residentvoice.auth.models import ApiToken, RoleKind, UserSession, hash_token
from residentvoice.notifications.models import Notification

from .translated import shows, zh

UNUSABLE_CODE = ("This invitation code cannot be used: it may be mistyped, already used or "
                 "expired. Check the letter, or ask your community secretary for a new one.")


def register_in_person(client, household, phone, name="冒名者"):
    return client.post(f"/directory/households/{household.id}/register", data={
        "phone": phone, "name": name, "relation": "owner", "password": "long-enough-1"})


# ---- 1. staff create new accounts only ---------------------------------------

@pytest.mark.parametrize("victim", ["street_admin", "other_secretary", "staff",
                                    "other_resident", "resident"])
def test_register_in_person_refuses_a_number_that_has_an_account(client, auth, factory, db,
                                                                 victim):
    w = factory.world()
    target = getattr(w, victim)
    roles_before = {(r.kind, r.household_id) for r in target.roles}
    auth.login(w.secretary)
    response = register_in_person(client, w.household_a2, target.phone)
    assert response.status_code == 422
    assert shows(response, zh(
        "This mobile number already has an account. Its holder adds the household by "
        "logging in and entering the code of the household's letter (My account → Add a "
        "household): print a letter for them."))
    db.session.expire_all()
    assert {(r.kind, r.household_id) for r in target.roles} == roles_before


def test_the_audited_takeover_no_longer_works(client, auth, factory, db):
    """The audit's chain: attach the street admin's number to a flat, print a
    reset code for it, reset the password. Each step now fails."""
    w = factory.world()
    auth.login(w.secretary)
    register_in_person(client, w.household_a2, w.street_admin.phone)
    response = client.post(f"/directory/residents/{w.street_admin.id}/reset-code")
    assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(
        services.PasswordResetCode)) == 0


def test_register_in_person_still_creates_a_new_account(client, auth, factory, db):
    w = factory.world()
    auth.login(w.secretary)
    response = register_in_person(client, w.household_a2, "13512340000", name="赵大爷")
    assert response.status_code == 200 and shows(response, "赵大爷")
    user = services.find_user_by_phone("13512340000")
    assert [r.household_id for r in user.roles] == [w.household_a2.id]


def _resident_elsewhere_too(factory, w):
    """A resident of A who also lives in community B."""
    from residentvoice.auth.models import Relation, RoleAssignment
    factory.db.session.add(RoleAssignment(user=w.resident, kind=RoleKind.resident,
                                          household=w.household_b, relation=Relation.tenant))
    factory.db.session.flush()
    factory.db.session.expire(w.resident, ["roles"])


@pytest.mark.parametrize("case", ["staff", "secretary_too", "elsewhere_too", "self"])
def test_reset_codes_are_refused_beyond_plain_residents_of_ones_communities(factory, db, case):
    w = factory.world()
    from residentvoice.auth.models import RoleAssignment
    target = w.resident
    if case == "staff":
        db.session.add(RoleAssignment(user=w.resident, kind=RoleKind.staff,
                                      organisation_id=w.organisation.id))
        db.session.flush()
        db.session.expire(w.resident, ["roles"])
    elif case == "secretary_too":
        db.session.add(RoleAssignment(user=w.resident, kind=RoleKind.secretary,
                                      community_id=w.community_b.id))
        db.session.flush()
        db.session.expire(w.resident, ["roles"])
    elif case == "elsewhere_too":
        _resident_elsewhere_too(factory, w)
    else:
        target = w.secretary
    with pytest.raises(services.NotAllowed):
        services.issue_reset_code(w.secretary, target)
    assert services.reset_code_refusal(w.secretary, target) is not None


def test_reset_code_for_someone_who_also_lives_elsewhere_explains_on_the_page(
        client, auth, factory, db):
    w = factory.world()
    _resident_elsewhere_too(factory, w)
    auth.login(w.secretary)
    listing = client.get(f"/directory/residents?q={w.resident.phone}")
    assert shows(listing, zh("Only the account's holder can change this password: the "
                             "account also works outside the households of your community."))
    response = client.post(f"/directory/residents/{w.resident.id}/reset-code",
                           headers={"Referer": "http://localhost/directory/residents"})
    assert response.status_code == 302
    followed = client.get(response.headers["Location"])
    assert shows(followed, zh("This resident also lives in a household outside your "
                              "community; only its holder can change the password."))


def test_a_printed_reset_code_is_audited_and_the_holder_is_told(client, auth, factory, db):
    w = factory.world()
    auth.login(w.secretary)
    response = client.post(f"/directory/residents/{w.resident.id}/reset-code")
    assert response.status_code == 200
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "user.reset_code_issued"))
    assert entry is not None and entry.actor_id == w.secretary.id
    note = db.session.scalar(db.select(Notification).where(
        Notification.user_id == w.resident.id, Notification.kind == "account"))
    assert note is not None and note.params["name"] == w.secretary.name


# ---- 2. access is revoked --------------------------------------------------------

def _session_cookie(client):
    return client.get_cookie("session").value


def test_a_session_cookie_replayed_after_logout_is_refused(client, auth, factory):
    w = factory.world()
    auth.login(w.resident)
    stolen = _session_cookie(client)
    assert client.get("/account").status_code == 200
    client.post("/logout")
    client.set_cookie("session", stolen)
    assert client.get("/account").status_code == 302


def _second_browser(app, user, password, remember=False):
    other = app.test_client()
    response = other.post("/login", data={"phone": user.phone, "password": password,
                                          **({"remember": "y"} if remember else {})})
    assert response.status_code == 302
    return other


def test_a_password_change_ends_every_session_token_and_remember_cookie(
        app, client, auth, factory, db):
    w = factory.world()
    other = _second_browser(app, w.resident, w.password, remember=True)
    remembered = other.get_cookie("rv_remember").value
    raw, _ = ApiToken.issue(w.resident, 1)
    auth.login(w.resident)
    response = client.post("/account/password", data={"current": w.password,
                                                      "password": "a-new-password-9"})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200, "the browser that changed it stays in"
    assert other.get("/account").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("rv_remember", remembered)
    assert fresh.get("/account").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code \
        == 401


def test_a_reset_ends_every_session_and_token(app, client, factory, db):
    w = factory.world()
    other = _second_browser(app, w.resident, w.password)
    raw, _ = ApiToken.issue(w.resident, 1)
    code = services.issue_reset_code(w.secretary, w.resident)
    response = client.post("/reset", data={"phone": w.resident.phone, "code": code,
                                           "password": "a-new-password-9"})
    assert response.status_code == 302
    assert other.get("/account").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code \
        == 401


def test_the_remember_cookie_is_random_hashed_and_rotated(app, factory, db):
    w = factory.world()
    browser = _second_browser(app, w.resident, w.password, remember=True)
    first = browser.get_cookie("rv_remember").value
    row_id, secret = first.split(".")
    row = db.session.get(UserSession, int(row_id))
    assert row.remember_hash == hash_token(secret), "only the hash is stored"
    assert len(secret) >= 40, "random, not the user's id and its HMAC"
    # The browser is closed (session cookie gone) and opened again.
    restored = app.test_client()
    restored.set_cookie("rv_remember", first)
    assert restored.get("/account").status_code == 200
    second = restored.get_cookie("rv_remember").value
    assert second != first, "rotated on use"
    # Showing the old value again, later than the grace period, ends that session.
    db.session.refresh(row)
    row.rotated_at = row.rotated_at - sessions.ROTATION_GRACE * 2
    db.session.flush()
    thief = app.test_client()
    thief.set_cookie("rv_remember", first)
    assert thief.get("/account").status_code == 302
    again = app.test_client()
    again.set_cookie("rv_remember", second)
    assert again.get("/account").status_code == 302, "a copied cookie ends the session"


@pytest.mark.parametrize("cookie", ["².x", "99999999999999999999.x", "1", ".x", "1.", "x" * 500,
                                    "１２.x"])
def test_a_malformed_remember_cookie_is_ignored(app, db, cookie):
    browser = app.test_client()
    browser.set_cookie("rv_remember", cookie)
    assert browser.get("/account").status_code == 302


def test_the_account_page_lists_sessions_and_ends_one(app, client, auth, factory, db):
    w = factory.world()
    other = _second_browser(app, w.resident, w.password, remember=True)
    auth.login(w.resident)
    page = client.get("/account")
    assert shows(page, zh("Where you are logged in")) and shows(page, zh("Log out there"))
    assert shows(page, zh("Unknown browser")) and "Werkzeug" not in page.get_data(as_text=True)
    rows = sessions.live_sessions(w.resident)
    assert len(rows) == 2
    theirs = next(r for r in rows if r.remember_hash is not None)
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 302
    assert other.get("/account").status_code == 302
    assert client.get("/account").status_code == 200


def test_nobody_ends_someone_elses_session(app, client, auth, factory, db):
    w = factory.world()
    _second_browser(app, w.other_resident, w.password)
    [theirs] = sessions.live_sessions(w.other_resident)
    auth.login(w.resident)
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 404
    db.session.refresh(theirs)
    assert theirs.ended_at is None


def test_log_out_everywhere_else_keeps_this_browser(app, client, auth, factory, db):
    w = factory.world()
    other = _second_browser(app, w.resident, w.password)
    auth.login(w.resident)
    assert client.post("/account/sessions/end-others").status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_delete_auth_token_revokes_the_token_in_use(api, factory, db):
    w = factory.world()
    raw, _ = ApiToken.issue(w.resident, 1)
    other_raw, _ = ApiToken.issue(w.resident, 1)
    headers = {"Authorization": f"Bearer {raw}"}
    client = api.client
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me",
                      headers={"Authorization": f"Bearer {other_raw}"}).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 401


def test_delete_auth_token_is_in_the_openapi_document(client, db):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/auth/token"]["delete"]
    assert {"204", "401"} <= set(operation["responses"])


# ---- 3. nothing to probe ------------------------------------------------------------

def test_an_unknown_phone_costs_one_password_hash_like_a_known_one(factory, db, monkeypatch):
    w = factory.world()
    w.resident.set_password("the-real-one-1")   # the way every real account's hash is made
    calls = []
    real = wz_security.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    monkeypatch.setattr("residentvoice.auth.models.check_password_hash", counting)
    assert services.authenticate("13899998888", "whatever-1") is None
    assert services.authenticate(w.resident.phone, "whatever-1") is None
    assert len(calls) == 2 and calls[0] == calls[1], "the same kind of hash, checked once each"
    w.resident.active = False
    assert services.authenticate(w.resident.phone, "the-real-one-1") is None
    assert len(calls) == 3


def test_web_login_and_token_endpoint_share_one_counter_per_phone(client, factory, limits):
    w = factory.world()
    limits(LOGIN_LIMIT_PHONE="3 per minute")
    wrong = {"phone": w.resident.phone, "password": "wrong-password"}
    assert client.post("/login", data=wrong).status_code == 200
    assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
    assert client.post("/login", data=wrong).status_code == 200
    assert client.post("/api/v1/auth/token", json=wrong).status_code == 429
    assert client.post("/login", data=wrong).status_code == 429


def test_invitation_codes_are_limited_across_register_and_claim(client, auth, factory, limits):
    w = factory.world()
    auth.login(w.resident)
    limits(REGISTER_LIMIT_IP="3 per minute")
    for _ in range(2):
        response = client.post("/account/households", data={"code": "ZZZZ9999",
                                                              "relation": "owner"})
        assert response.status_code == 422 and shows(response, zh(UNUSABLE_CODE))
    client.post("/logout")
    data = {"code": "ZZZZ9998", "name": "某人", "phone": "13512345670", "relation": "tenant",
            "password": "long-enough-1"}
    assert client.post("/register", data=data).status_code == 422
    assert client.post("/register", data=data).status_code == 429


def test_used_expired_and_other_compound_codes_get_one_answer(client, auth, factory, db):
    from datetime import timedelta

    from residentvoice.models import utcnow
    w = factory.world()
    used, expired, elsewhere = (services.issue_invitations(w.secretary, [h])[0]
                                for h in (w.household_a, w.household_a2, w.household_a))
    # issue_invitations revoked the first letter of household_a: it is "used" up too
    expired.expires_at = utcnow() - timedelta(days=1)
    db.session.flush()
    answers = set()
    for code, compound in ((used.code, None), (expired.code, None),
                           (elsewhere.code, w.compound_b.id), ("ZZZZ9999", None)):
        suffix = f"?compound={compound}" if compound else ""
        response = client.post(f"/register{suffix}", data={
            "code": code, "name": "某人", "phone": "13512345671", "relation": "tenant",
            "password": "long-enough-1"})
        assert response.status_code == 422
        answers.add(shows(response, zh(UNUSABLE_CODE)))
    assert answers == {True}


def test_users_compare_by_their_row_not_by_a_session(factory, db):
    """Flask-Login's UserMixin compares get_id(), a session's id here: None for
    anyone not signed in, which made every two such users equal."""
    w = factory.world()
    assert w.resident != w.other_resident and w.resident not in [w.other_resident]
    assert w.resident == db.session.get(type(w.resident), w.resident.id)
    assert len({w.resident, w.other_resident, w.secretary}) == 3

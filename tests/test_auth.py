"""Accounts (issue 2): login, logout, registration with a household invitation
code, claiming another household, changing and resetting passwords.

Messages are checked in Chinese (the default locale) through the compiled
catalogue, so a message that is shown but not translated fails too."""
from datetime import timedelta

import pytest

from residentvoice.auth import services
from residentvoice.auth.models import InvitationCode, Relation, RoleKind, User
from residentvoice.errors_domain import Conflict, InvalidInput, NotAllowed
from residentvoice.models import utcnow

from .translated import html, page, shows, zh

BAD_LOGIN = "The mobile number or the password is not correct."
BAD_PHONE = "Enter an 11-digit mainland mobile number, e.g. 13800138000."
NEW_PHONE = "13512345678"
UNUSABLE_CODE = ("This invitation code cannot be used: it may be mistyped, already used or "
                 "expired. Check the letter, or ask your community secretary for a new one.")


def user_count(db):
    return db.session.scalar(db.select(db.func.count(User.id)))


def logged_in(client):
    """The id (as text) of the user whose live session the client's cookie names."""
    from residentvoice.auth import sessions
    with client.session_transaction() as session:
        sid = session.get("_user_id")
    user = sessions.load(sid) if sid else None
    return str(user.id) if user is not None else None


# ---- login -----------------------------------------------------------------

def test_login_with_phone_and_password_lands_on_home(client, factory):
    w = factory.world()
    response = client.post("/login", data={"phone": w.resident.phone, "password": w.password})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")
    assert logged_in(client) == str(w.resident.id)
    home = client.get("/")
    assert shows(home, w.resident.name)
    assert shows(home, zh("My household"))


@pytest.mark.parametrize("phone_of, password", [("resident", "wrong-password"),
                                                ("nobody", "password-123")])
def test_wrong_password_and_unknown_phone_get_the_same_message(client, factory, phone_of,
                                                               password):
    w = factory.world()
    phone = w.resident.phone if phone_of == "resident" else "13311112222"
    response = client.post("/login", data={"phone": phone, "password": password})
    assert response.status_code == 200
    assert shows(response, zh(BAD_LOGIN))
    assert f'value="{phone}"' in page(response), "the phone typed is kept"
    assert password not in page(response), "a password is never echoed back"
    assert logged_in(client) is None


def test_phone_with_spaces_or_country_code_is_accepted(client, factory):
    w = factory.world()
    spaced = f"+86 {w.resident.phone[:3]} {w.resident.phone[3:7]} {w.resident.phone[7:]}"
    response = client.post("/login", data={"phone": spaced, "password": w.password})
    assert response.status_code == 302


def test_a_phone_typed_with_full_width_digits_is_the_same_account(client, factory):
    """A Chinese input method types １３８…: the same number, the same account."""
    w = factory.world()
    wide = w.resident.phone.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post("/login", data={"phone": wide, "password": w.password})
    assert response.status_code == 302


@pytest.mark.parametrize("phone", ["12345", "23800138000", "1380013800a", "138001380001",
                                   "1380013800٣"])     # an Arabic-Indic digit is no digit here
def test_malformed_phone_is_refused_beside_the_field(client, factory, phone):
    factory.world()
    response = client.post("/login", data={"phone": phone, "password": "password-123"})
    assert response.status_code == 200
    assert shows(response, zh(BAD_PHONE))
    assert 'aria-invalid="true"' in page(response)


def test_empty_login_form_names_each_missing_field(client, db):
    response = client.post("/login", data={})
    assert shows(response, zh("Enter your mobile number."))
    assert shows(response, zh("Enter your password."))


def test_ten_thousand_characters_get_a_translated_message_not_a_500(client, factory):
    factory.world()
    long_text = "8" * 10_000
    response = client.post("/login", data={"phone": long_text, "password": long_text})
    assert response.status_code == 200
    assert shows(response, zh(BAD_PHONE))
    assert shows(response, zh("At most %(max)d characters.", max=200))
    assert logged_in(client) is None


def test_html_typed_into_login_is_shown_as_text(client, db):
    attack = '<script>alert("x")</script>'
    response = client.post("/login", data={"phone": attack, "password": attack})
    assert response.status_code == 200
    assert "<script>alert" not in page(response)
    assert html(attack) in page(response)


def test_login_follows_a_local_next_but_not_another_site(client, factory):
    w = factory.world()
    data = {"phone": w.resident.phone, "password": w.password}
    response = client.post("/login?next=/account", data=data)
    assert response.headers["Location"].endswith("/account")
    client.post("/logout")
    for target in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)",
                   "/\\evil.example/x", "/%5Cevil.example", "/\t/evil.example"):
        response = client.post(f"/login?next={target}", data=data)
        assert "evil" not in response.headers["Location"]
        assert response.headers["Location"].endswith("/")
        client.post("/logout")


def test_stay_logged_in_sets_a_remember_cookie(client, factory):
    w = factory.world()
    response = client.post("/login", data={"phone": w.resident.phone, "password": w.password,
                                           "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("rv_remember=")]
    assert remember and "HttpOnly" in remember[0] and "SameSite=Lax" in remember[0]


def test_deactivated_account_cannot_log_in(client, factory, db):
    w = factory.world()
    w.resident.active = False
    db.session.flush()
    response = client.post("/login", data={"phone": w.resident.phone, "password": w.password})
    assert shows(response, zh(BAD_LOGIN))
    assert services.authenticate(w.resident.phone, w.password) is None


def test_signed_in_user_visiting_login_goes_home(client, auth, factory):
    w = factory.world()
    auth.login(w.resident)
    assert client.get("/login").status_code == 302


def test_pages_that_need_a_login_send_anonymous_users_to_it(client, db):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


# ---- logout ----------------------------------------------------------------

def test_logout_ends_the_session(client, auth, factory):
    w = factory.world()
    auth.login(w.resident)
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert logged_in(client) is None
    assert client.get("/account").status_code == 302


def test_logout_needs_a_post(client, auth, factory):
    w = factory.world()
    auth.login(w.resident)
    assert client.get("/logout").status_code == 405
    assert logged_in(client) == str(w.resident.id)


# ---- registration with an invitation code -----------------------------------

@pytest.fixture
def letter(factory, db):
    """A world plus a fresh invitation letter for household A2 (nobody lives there yet)."""
    w = factory.world()
    w.invitation = services.issue_invitations(w.secretary, [w.household_a2])[0]
    return w


def register_data(w, **changes):
    data = {"code": w.invitation.code, "name": "赵大妈", "phone": NEW_PHONE,
            "relation": "co_owner", "birth_year": "1952", "password": "long-enough-1"}
    data.update(changes)
    return data


def test_registration_url_from_the_letter_prefills_the_code(client, letter):
    w = letter
    response = client.get(f"/register?code={w.invitation.code}&compound={w.compound_a.id}")
    assert response.status_code == 200
    assert f'value="{w.invitation.code}"' in page(response)


def test_registering_binds_the_household_and_spends_the_code(client, letter, db):
    w = letter
    response = client.post(f"/register?compound={w.compound_a.id}", data=register_data(w))
    assert response.status_code == 302
    user = services.find_user_by_phone(NEW_PHONE)
    assert user is not None and logged_in(client) == str(user.id)
    [role] = user.roles
    assert role.kind is RoleKind.resident and role.household_id == w.household_a2.id
    assert role.relation is Relation.co_owner and user.birth_year == 1952
    db.session.refresh(w.invitation)
    assert w.invitation.used_at is not None and w.invitation.used_by_id == user.id
    assert user.check_password("long-enough-1") and user.password_hash != "long-enough-1"
    home = client.get("/")
    assert shows(home, w.household_a2.label)  # the flat as people say it


def test_code_is_accepted_in_lower_case_with_spaces(client, letter):
    w = letter
    typed = " ".join([w.invitation.code[:4].lower(), w.invitation.code[4:].lower()])
    response = client.post("/register", data=register_data(w, code=typed))
    assert response.status_code == 302


def test_a_spent_code_cannot_register_a_second_person(client, letter, db):
    w = letter
    client.post("/register", data=register_data(w))
    client.post("/logout")
    before = user_count(db)
    response = client.post("/register", data=register_data(w, phone="13512345679"))
    assert response.status_code == 422
    assert shows(response, zh(UNUSABLE_CODE))
    assert user_count(db) == before


@pytest.mark.parametrize("spoil", ["expire", "revoke", "unknown"])
def test_expired_revoked_or_unknown_codes_are_refused(client, letter, db, spoil):
    """One answer for every unusable code, so codes cannot be probed."""
    w = letter
    data = register_data(w)
    if spoil == "expire":
        w.invitation.expires_at = utcnow() - timedelta(minutes=1)
    elif spoil == "revoke":
        w.invitation.revoked_at = utcnow()
    else:
        data["code"] = "ZZZZ9999"
    db.session.flush()
    before = user_count(db)
    response = client.post("/register", data=data)
    assert response.status_code == 422
    assert shows(response, zh(UNUSABLE_CODE))
    assert f'value="{NEW_PHONE}"' in page(response) and shows(response, "赵大妈")
    assert user_count(db) == before


def test_a_code_for_another_compound_is_refused(client, letter, db):
    w = letter
    before = user_count(db)
    response = client.post(f"/register?compound={w.compound_b.id}", data=register_data(w))
    assert response.status_code == 422
    assert shows(response, zh(UNUSABLE_CODE))
    assert user_count(db) == before
    db.session.refresh(w.invitation)
    assert w.invitation.used_at is None


def test_an_already_registered_phone_is_told_to_log_in(client, letter, db):
    w = letter
    response = client.post("/register", data=register_data(w, phone=w.resident.phone))
    assert response.status_code == 422
    assert shows(response, zh("This mobile number is already registered. Log in, then add "
                              "this household under My account → Add a household."))
    db.session.refresh(w.invitation)
    assert w.invitation.used_at is None


@pytest.mark.parametrize("password, message", [
    ("short", "Use at least %(n)d characters."),
    ("11111111", "This password is too easy to guess."),
])
def test_weak_passwords_are_refused(client, letter, db, password, message):
    w = letter
    response = client.post("/register", data=register_data(w, password=password))
    assert response.status_code == 422
    expected = zh(message, n=8) if "%(n)d" in message else zh(message)
    assert shows(response, expected)
    assert services.find_user_by_phone(NEW_PHONE) is None


def test_registration_with_huge_and_html_input_changes_nothing(client, letter, db):
    w = letter
    before = user_count(db)
    response = client.post("/register", data=register_data(
        w, name="<b>x</b>" * 2000, code="<script>" + "A" * 10_000, birth_year="<i>"))
    assert response.status_code == 422
    assert "<b>x</b>" not in page(response) and "<script>A" not in page(response)
    assert shows(response, zh("At most %(max)d characters.", max=60))
    assert user_count(db) == before


def test_html_in_a_name_is_stored_as_typed_and_shown_as_text(client, letter):
    w = letter
    client.post("/register", data=register_data(w, name="<i>赵</i>"))
    home = client.get("/")
    assert "<i>赵</i>" not in page(home)
    assert html("<i>赵</i>") in page(home)


def test_register_service_refuses_the_same_rules():
    with pytest.raises(InvalidInput):
        services.check_password_strength("1234567")


def test_register_service_checks_the_compound(letter):
    w = letter
    with pytest.raises(InvalidInput) as error:
        services.register_with_code(w.invitation.code, NEW_PHONE, "赵", "long-enough-1",
                                    "owner", compound_id=w.compound_b.id)
    assert error.value.field == "code"
    with pytest.raises(Conflict):
        services.register_with_code(w.invitation.code, w.resident.phone, "赵",
                                    "long-enough-1", "owner")


def test_a_new_letter_revokes_the_old_code(letter, db):
    w = letter
    [newer] = services.issue_invitations(w.secretary, [w.household_a2])
    db.session.refresh(w.invitation)
    assert w.invitation.revoked_at is not None and newer.is_usable()
    with pytest.raises(InvalidInput):
        services.check_invitation(w.invitation.code)


def test_only_the_own_community_secretary_issues_letters(letter):
    w = letter
    with pytest.raises(NotAllowed):
        services.issue_invitations(w.other_secretary, [w.household_a2])


# ---- claiming another household -----------------------------------------------

def test_a_resident_adds_a_second_household_with_its_code(client, auth, letter, db):
    w = letter
    auth.login(w.resident)
    response = client.post("/account/households",
                           data={"code": w.invitation.code, "relation": "tenant"})
    assert response.status_code == 302
    db.session.expire_all()
    assert w.resident.household_ids() == {w.household_a.id, w.household_a2.id}
    assert w.resident.relation_to(w.household_a2.id) is Relation.tenant
    db.session.refresh(w.invitation)
    assert w.invitation.used_by_id == w.resident.id


def test_claiming_an_own_household_again_is_refused(client, auth, factory, db):
    w = factory.world()
    [invitation] = services.issue_invitations(w.secretary, [w.household_a])
    auth.login(w.resident)
    response = client.post("/account/households",
                           data={"code": invitation.code, "relation": "owner"})
    assert response.status_code == 422
    assert shows(response, zh("You are already registered for this household."))
    db.session.refresh(invitation)
    assert invitation.used_at is None


def test_claiming_with_a_bad_code_keeps_the_form(client, auth, factory):
    w = factory.world()
    auth.login(w.resident)
    response = client.post("/account/households", data={"code": "NOPE2345",
                                                          "relation": "owner"})
    assert response.status_code == 422
    assert 'value="NOPE2345"' in page(response)
    assert shows(response, zh(UNUSABLE_CODE))


# ---- change password -----------------------------------------------------------

def test_change_password_needs_the_current_one(client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    response = client.post("/account/password", data={"current": "not-it-at-all",
                                                       "password": "brand-new-pass"})
    assert response.status_code == 422
    assert shows(response, zh("The current password is not correct."))
    db.session.refresh(w.resident)
    assert w.resident.check_password(w.password)


def test_change_password_refuses_a_weak_one(client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    response = client.post("/account/password", data={"current": w.password,
                                                       "password": "abc"})
    assert shows(response, zh("Use at least %(n)d characters.", n=8))
    db.session.refresh(w.resident)
    assert w.resident.check_password(w.password)


def test_changed_password_replaces_the_old_one(client, auth, factory, db):
    w = factory.world()
    auth.login(w.resident)
    response = client.post("/account/password", data={"current": w.password,
                                                       "password": "brand-new-pass"})
    assert response.status_code == 302
    client.post("/logout")
    old = client.post("/login", data={"phone": w.resident.phone, "password": w.password})
    assert shows(old, zh(BAD_LOGIN))
    auth.login(w.resident, password="brand-new-pass")


# ---- password reset with a secretary's code -------------------------------------

def reset(client, phone, code, password="fresh-pass-99"):
    return client.post("/reset", data={"phone": phone, "code": code, "password": password})


def test_reset_code_from_the_secretary_sets_a_new_password(client, auth, factory):
    w = factory.world()
    code = services.issue_reset_code(w.secretary, w.resident)
    response = reset(client, w.resident.phone, code)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    auth.login(w.resident, password="fresh-pass-99")


def test_a_reset_code_typed_in_groups_or_full_width_works(client, auth, factory):
    """Read off the slip as ``2345 6789``, or typed with an input method's digits."""
    w = factory.world()
    code = services.issue_reset_code(w.secretary, w.resident)
    typed = code[:4] + " " + code[4:].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert reset(client, w.resident.phone, typed).status_code == 302
    auth.login(w.resident, password="fresh-pass-99")


def test_a_reset_code_works_once(client, factory):
    w = factory.world()
    code = services.issue_reset_code(w.secretary, w.resident)
    assert reset(client, w.resident.phone, code).status_code == 302
    again = reset(client, w.resident.phone, code, password="other-pass-77")
    assert again.status_code == 422
    assert shows(again, zh("This reset code is not valid for this number, or it has "
                           "expired."))


def test_an_expired_reset_code_is_refused(client, factory, db):
    w = factory.world()
    code = services.issue_reset_code(w.secretary, w.resident, hours=-1)
    response = reset(client, w.resident.phone, code)
    assert response.status_code == 422
    db.session.refresh(w.resident)
    assert w.resident.check_password(w.password)


def test_a_reset_code_is_only_for_its_own_phone(client, factory, db):
    w = factory.world()
    code = services.issue_reset_code(w.secretary, w.resident)
    response = reset(client, w.other_resident.phone, code)
    assert shows(response, zh("This reset code is not valid for this number, or it has "
                              "expired."))
    db.session.refresh(w.other_resident)
    assert w.other_resident.check_password(w.password)
    assert reset(client, "13311112222", code).status_code == 422


def test_only_a_secretary_of_the_residents_community_issues_reset_codes(factory):
    w = factory.world()
    with pytest.raises(NotAllowed):
        services.issue_reset_code(w.other_secretary, w.resident)
    assert services.issue_reset_code(w.street_admin, w.resident).isdigit()


def test_an_invitation_is_usable_only_until_it_expires(letter):
    invitation = letter.invitation
    assert invitation.is_usable()
    assert not invitation.is_usable(now=invitation.expires_at)
    assert isinstance(invitation, InvitationCode)


@pytest.mark.parametrize("target, safe", [
    ("/account", "/account"), ("/ballots/2?tab=result", "/ballots/2?tab=result"),
    ("//evil.example", None), ("/\\evil.example", None), ("\\\\evil.example", None),
    ("https://evil.example/", None), ("javascript:alert(1)", None), ("/\t/evil", None),
    ("account", None), ("", None), (None, None)])
def test_only_paths_on_this_site_are_followed(target, safe):
    from residentvoice.web import safe_next
    assert safe_next(target) == safe

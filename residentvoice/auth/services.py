"""Accounts: registration with household invitation codes, passwords, roles."""
import functools
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.services import record
from ..errors_domain import Conflict, InvalidInput, NotAllowed
from ..extensions import db
from ..forms import normalise_code
from ..i18n import N_
from ..models import utcnow
from . import sessions
from .models import (InvitationCode, PasswordResetCode, Relation, RoleAssignment, RoleKind,
                     User, hash_token, new_invitation_code)

MIN_PASSWORD = 8


def find_user_by_phone(phone):
    return db.session.scalar(db.select(User).where(User.phone == phone))


@functools.cache
def _stand_in_hash():
    """A hash of nothing anybody knows, made the way real ones are."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(phone, password):
    """The active user with this phone and password, or None.  The same answer
    and the same work (one password hash checked) for an unknown phone, an
    inactive account and a wrong password, so numbers cannot be probed."""
    user = find_user_by_phone(phone)
    if user is None:
        check_password_hash(_stand_in_hash(), password or "")
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def check_password_strength(password):
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput(_l("Use at least %(n)d characters.", n=MIN_PASSWORD), "password")
    if password.isdigit() and len(set(password)) <= 2:
        raise InvalidInput(_l("This password is too easy to guess."), "password")


def new_password_hash(password):
    """A new password, checked and hashed (scrypt: about 0.1 s of CPU).  The
    forms a visitor sends before signing in (registering, resetting) hash it
    before their first read: on SQLite a writing request takes the one write
    lock at its first statement, and every vote would wait out the hash."""
    check_password_strength(password)
    return generate_password_hash(password)


def create_user(phone, name, password=None, *, password_hash=None, email=None,
                birth_year=None, locale=None):
    """A new account; its password given, or already ``new_password_hash``-ed."""
    if find_user_by_phone(phone) is not None:
        raise Conflict(_l("This mobile number is already registered. Log in instead."),
                       "phone")
    user = User(phone=phone, name=name, email=email or None, birth_year=birth_year,
                locale=locale, password_hash=password_hash or new_password_hash(password))
    db.session.add(user)
    db.session.flush()
    return user


def find_invitation(code, *, for_use=False):
    """The invitation with this code.  ``for_use``: read under the row's lock
    (PostgreSQL; SQLite serialises write requests), so two people typing one
    letter's code at the same instant cannot both spend it."""
    query = db.select(InvitationCode).where(InvitationCode.code == normalise_code(code))
    if for_use:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


UNUSABLE_CODE = _l("This invitation code cannot be used: it may be mistyped, already used "
                   "or expired. Check the letter, or ask your community secretary for a "
                   "new one.")


def check_invitation(code, now=None, *, compound_id=None):
    """The usable invitation for ``code``, or InvalidInput.  Unknown, revoked,
    used, expired and other-compound codes get one answer, so codes cannot be
    probed for which of them exist."""
    invitation = find_invitation(code, for_use=True)
    now = now or utcnow()
    if (invitation is None or not invitation.is_usable(now)
            or (compound_id is not None and invitation.household.compound_id != compound_id)):
        raise InvalidInput(UNUSABLE_CODE, "code")
    return invitation


def register_with_code(code, phone, name, password, relation, *, birth_year=None,
                       locale=None, compound_id=None):
    """Register a resident with a household invitation code (DESIGN §3): the
    code binds them to its household and is then spent.  ``compound_id``, when
    given (the compound the letter was printed for), must match the code's.
    The password is hashed first, before anything is read (``new_password_hash``)."""
    password_hash = new_password_hash(password)
    invitation = check_invitation(code, compound_id=compound_id)
    existing = find_user_by_phone(phone)
    if existing is not None:
        raise Conflict(_l("This mobile number is already registered. Log in, then add "
                          "this household under My account → Add a household."), "phone")
    user = create_user(phone, name, password_hash=password_hash, birth_year=birth_year,
                       locale=locale)
    bind_resident(user, invitation.household, relation, actor=user)
    invitation.used_at = utcnow()
    invitation.used_by_id = user.id
    record(user, "invitation.used", invitation,
           summary=f"{user.name} registered for {invitation.household.code}",
           community_id=invitation.household.compound.community_id)
    return user


def claim_household(user, code, relation):
    """A signed-in user adds another household with its invitation code."""
    invitation = check_invitation(code)
    bind_resident(user, invitation.household, relation, actor=user)
    invitation.used_at = utcnow()
    invitation.used_by_id = user.id
    record(user, "invitation.used", invitation,
           summary=f"{user.name} added {invitation.household.code}",
           community_id=invitation.household.compound.community_id)
    return invitation.household


def bind_resident(user, household, relation, actor):
    if not isinstance(relation, Relation):
        relation = Relation[relation]
    if household.id in user.household_ids():
        raise Conflict(_l("You are already registered for this household."), "code")
    role = RoleAssignment(user=user, kind=RoleKind.resident, household=household,
                          relation=relation)
    db.session.add(role)
    db.session.flush()
    record(actor, "resident.bound", household, summary=f"{user.name}: {relation.name}",
           community_id=household.compound.community_id)
    return role


def register_in_person(actor, household, phone, name, password, relation, birth_year=None):
    """A secretary registers a new resident at the reception room (群众接待室).

    Staff create new accounts only: a number that already has an account is
    refused.  Its holder adds the household themself, signed in, with the
    code of the household's letter (``claim_household``) — otherwise a
    secretary could attach anybody's account to a flat of theirs and then
    print a reset code for it."""
    if not household.can_manage(actor):
        raise NotAllowed(_l("You may only register residents of your own community."))
    if find_user_by_phone(phone) is not None:
        raise Conflict(_l("This mobile number already has an account. Its holder adds the "
                          "household by logging in and entering the code of the household's "
                          "letter (My account → Add a household): print a letter for them."),
                       "phone")
    user = create_user(phone, name, password, birth_year=birth_year)
    bind_resident(user, household, relation, actor=actor)
    record(actor, "resident.registered_in_person", household,
           summary=f"{name} ({phone[:3]}****{phone[-4:]})",
           community_id=household.compound.community_id)
    return user


def change_password(user, current, new):
    """A new password; every session and API token of the account ends (the
    view starts a fresh session for the browser that made the change)."""
    if not user.check_password(current):
        raise InvalidInput(_l("The current password is not correct."), "current")
    check_password_strength(new)
    user.set_password(new)
    sessions.end_all(user)
    record(user, "user.password_changed", user)


def reset_code_refusal(actor, user):
    """Why ``actor`` may not print a reset code for ``user``, or None.

    Only for an account whose every role is a resident role in a household of
    the actor's communities: never for staff, a secretary or a street office
    admin, never for someone who also lives elsewhere, never for oneself."""
    communities = actor.managed_community_ids()
    if user.id == actor.id:
        return _l("Change your own password from My account.")
    if not user.roles:
        return _l("You may only reset passwords of residents of your community.")
    for role in user.roles:
        if role.kind is not RoleKind.resident:
            return _l("This account also works for an organisation or a community; "
                      "only its holder can change its password.")
        if role.household.compound.community_id not in communities:
            return _l("This resident also lives in a household outside your community; "
                      "only its holder can change the password.")
    return None


def issue_reset_code(actor, user, hours=48):
    """A secretary prints a one-time code for a resident of their community
    who forgot the password.  Recorded, and the account holder is told."""
    from ..notifications.services import notify
    refusal = reset_code_refusal(actor, user)
    if refusal is not None:
        raise NotAllowed(refusal)
    raw = "".join(secrets.choice("23456789") for _ in range(8))
    db.session.add(PasswordResetCode(user=user, code_hash=hash_token(raw),
                                     issued_by_id=actor.id,
                                     expires_at=utcnow() + timedelta(hours=hours)))
    community_id = user.resident_roles()[0].household.compound.community_id
    record(actor, "user.reset_code_issued", user, summary=user.name, community_id=community_id)
    notify([user.id], "account", N_(
        "%(name)s printed a password reset code for your account. If you did not ask "
        "for one, tell your community office."), {"name": actor.name})
    return raw


def reset_with_code(phone, code, new_password):
    """A new password with a printed code; every session and API token ends.
    The password is hashed first, before anything is read (``new_password_hash``)."""
    password_hash = new_password_hash(new_password)
    user = find_user_by_phone(phone)
    now = utcnow()
    reset = None
    if user is not None:
        reset = db.session.scalar(   # under its row lock: a code works once
            db.select(PasswordResetCode).where(
                PasswordResetCode.user_id == user.id,
                PasswordResetCode.code_hash == hash_token(normalise_code(code)),
                PasswordResetCode.used_at.is_(None),
                PasswordResetCode.expires_at > now)
            .with_for_update().execution_options(populate_existing=True))
    if reset is None:
        raise InvalidInput(_l("This reset code is not valid for this number, or it has "
                              "expired."), "code")
    user.password_hash = password_hash
    reset.used_at = now
    sessions.end_all(user, now=now)
    record(user, "user.password_reset", user)
    return user


def issue_invitations(actor, households, days=60):
    """One new code per household; earlier unused codes of those households are
    revoked so only the newest letter works."""
    now = utcnow()
    codes = []
    ids = [h.id for h in households]
    if ids:
        for old in db.session.scalars(db.select(InvitationCode).where(
                InvitationCode.household_id.in_(ids), InvitationCode.used_at.is_(None),
                InvitationCode.revoked_at.is_(None))):
            old.revoked_at = now
    taken = set()
    for household in households:
        if not household.can_manage(actor):
            raise NotAllowed(_l("You may only issue letters for your own community."))
        code = new_invitation_code()
        while code in taken:
            code = new_invitation_code()
        taken.add(code)
        invitation = InvitationCode(code=code, household=household, issued_by_id=actor.id,
                                    expires_at=now + timedelta(days=days))
        db.session.add(invitation)
        codes.append(invitation)
    db.session.flush()
    if households:
        record(actor, "invitation.issued", households[0].compound,
               summary=f"{len(codes)} letters", community_id=households[0].compound.community_id)
    return codes


def set_preferences(user, *, locale=None, large_text=None, notify_mode=None, email=None):
    if locale is not None:
        user.locale = locale
    if large_text is not None:
        user.large_text = large_text
        user.elder_offer_answered = True
    if notify_mode is not None:
        user.notify_mode = notify_mode
    if email is not None:
        user.email = email or None


def answer_elder_offer(user):
    """The one-time offer of elder mode (长辈版) was answered: it is not shown again."""
    user.elder_offer_answered = True


def adopt_visitor_elder_mode(user):
    """Elder mode switched on before signing in (the login page offers it) stays
    on: whoever needed it to read the login page needs it after."""
    if not user.large_text:
        set_preferences(user, large_text=True)


def grant_role(actor, user, kind, **place):
    role = RoleAssignment(user=user, kind=RoleKind[kind] if isinstance(kind, str) else kind,
                          **place)
    db.session.add(role)
    db.session.flush()
    record(actor, "role.granted", user, summary=f"{role.kind.name}")
    return role

"""Household invitation letters (DESIGN §3): codes issued for a building or a
compound, printed one A4 letter per household with a QR code that opens the
registration page with the code filled in; the list of issued codes with
their status, and revoking a code.

Delivering the letter door to door is how eligibility is verified, so a
letter is only ever printed for a code that can still be used."""
import enum
import functools
import io
from datetime import datetime

import segno
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from ..audit.services import record
from ..auth.models import InvitationCode, RoleAssignment, RoleKind
from ..auth.services import issue_invitations
from ..errors_domain import InvalidInput, NotAllowed, TransitionNotAllowed
from ..extensions import db
from ..models import utcnow
from .models import Household

BATCH_FORMAT = "%Y%m%d%H%M%S%f"


class InvitationStatus(enum.Enum):
    unused = _l("Not used yet")
    used = _l("Used")
    expired = _l("Expired")
    revoked = _l("Revoked")


def status_of(invitation, now=None):
    now = now or utcnow()
    if invitation.revoked_at is not None:
        return InvitationStatus.revoked
    if invitation.used_at is not None:
        return InvitationStatus.used
    if invitation.expires_at <= now:
        return InvitationStatus.expired
    return InvitationStatus.unused


def households_for_letters(compound, building=None, only_unregistered=False):
    """The households of a compound (or one building of it), optionally only
    those where no resident has registered yet."""
    query = db.select(Household).where(Household.compound_id == compound.id)
    if building is not None:
        query = query.where(Household.building_id == building.id)
    if only_unregistered:
        registered = db.select(RoleAssignment.household_id).where(
            RoleAssignment.kind == RoleKind.resident, RoleAssignment.household_id.isnot(None))
        query = query.where(Household.id.not_in(registered))
    return db.session.scalars(query.options(selectinload(Household.compound))
                              .order_by(Household.code)).all()


def issue_letters(actor, compound, *, building=None, only_unregistered=False, days=60):
    """Issue one new code per chosen household (earlier unused codes of those
    households stop working); returns the batch token for the letters page."""
    if not compound.can_manage(actor):
        raise NotAllowed(_l("You may only issue letters for your own community."))
    if building is not None and building.compound_id != compound.id:
        raise InvalidInput(_l("Choose a building of this compound."), "building_id")
    if not 1 <= days <= 365:
        raise InvalidInput(_l("Codes stay valid between 1 and 365 days."), "days")
    households = households_for_letters(compound, building, only_unregistered)
    if not households and only_unregistered:
        raise InvalidInput(_l("There are no households to write to: every household "
                              "chosen already has a registered resident."), "building_id")
    if not households:
        raise InvalidInput(_l("There are no households here yet. Add households first."),
                           "building_id")
    codes = issue_invitations(actor, households, days=days)
    return batch_token(codes[0].expires_at), len(codes)


def batch_token(expires_at):
    """Codes issued together share their exact expiry time: it names the batch."""
    return expires_at.strftime(BATCH_FORMAT)


def parse_batch(token):
    try:
        return datetime.strptime(token or "", BATCH_FORMAT)
    except ValueError:
        return None


def letter_invitations(compound, *, building=None, batch=None, now=None):
    """Usable codes of the compound (or building, or one batch), one per
    household, in household order."""
    now = now or utcnow()
    query = (db.select(InvitationCode).join(InvitationCode.household)
             .options(selectinload(InvitationCode.household).selectinload(Household.building))
             .where(Household.compound_id == compound.id, InvitationCode.used_at.is_(None),
                    InvitationCode.revoked_at.is_(None), InvitationCode.expires_at > now))
    if building is not None:
        query = query.where(Household.building_id == building.id)
    if batch is not None:
        query = query.where(InvitationCode.expires_at == batch)
    return db.session.scalars(query.order_by(Household.code, InvitationCode.id)).all()


def invitations_query(compound, status=None, q=None, now=None):
    """Every code issued for the compound, newest first, filtered by status
    or household code."""
    now = now or utcnow()
    query = (db.select(InvitationCode).join(InvitationCode.household)
             .options(selectinload(InvitationCode.household),
                      selectinload(InvitationCode.used_by),
                      selectinload(InvitationCode.issued_by))
             .where(Household.compound_id == compound.id))
    if status == "revoked":
        query = query.where(InvitationCode.revoked_at.isnot(None))
    elif status == "used":
        query = query.where(InvitationCode.revoked_at.is_(None), InvitationCode.used_at.isnot(None))
    elif status == "expired":
        query = query.where(InvitationCode.revoked_at.is_(None), InvitationCode.used_at.is_(None),
                            InvitationCode.expires_at <= now)
    elif status == "unused":
        query = query.where(InvitationCode.revoked_at.is_(None), InvitationCode.used_at.is_(None),
                            InvitationCode.expires_at > now)
    q = (q or "").strip().upper()
    if q:
        query = query.where(db.or_(Household.code.contains(q, autoescape=True),
                                   InvitationCode.code.contains(q, autoescape=True)))
    return query.order_by(InvitationCode.id.desc())


def revoke_invitation(actor, invitation):
    """A code that has not been used can be revoked (e.g. a letter was lost)."""
    household = invitation.household
    if not household.can_manage(actor):
        raise NotAllowed(_l("You may only revoke codes of your own community."))
    if status_of(invitation) is not InvitationStatus.unused:
        raise TransitionNotAllowed(_l("Only a code that has not been used and has not "
                                      "expired can be revoked."))
    invitation.revoked_at = utcnow()
    db.session.flush()
    record(actor, "invitation.revoked", invitation, summary=f"{household.code}",
           community_id=household.compound.community_id)


@functools.lru_cache(maxsize=2048)
def qr_svg(url, title=None):
    """An inline SVG QR code for ``url``: no style attribute (CSP), sized by CSS.
    segno picks the most readable mask (about 10 ms a code); reprinted letters
    reuse the drawing."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", xmldecl=False, svgns=True, nl=False,
                                    omitsize=True, border=2, svgclass="qr-code",
                                    lineclass=None, title=title)
    return Markup(out.getvalue().decode())


def format_code(code):
    """``ABCD2345`` → ``ABCD 2345``: easier to read aloud and type."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))

from datetime import timedelta

from residentvoice.auth.models import InvitationCode, RoleKind
from residentvoice.extensions import db
from residentvoice.models import utcnow

from ..access_matrix import FORBIDDEN, HIDDEN, expect, only
from ..factories import Factory

# Secretaries of community A and the street admin over A's office may; the
# secretary of another community may not know the record exists; everyone
# else lacks the role.
MANAGERS = only("secretary", "street_admin", other_secretary=HIDDEN)
NOBODY_FINDS = only(others=FORBIDDEN, secretary=HIDDEN, street_admin=HIDDEN,
                    other_secretary=HIDDEN)


def _resident_role_id(w):
    return next(r.id for r in w.resident.roles if r.kind is RoleKind.resident)


def _spare_role_id(w):
    """A resident binding that may be removed without disturbing the others."""
    user = Factory(db).resident(w.household_a2, owner_of=False)
    return next(r.id for r in user.roles if r.kind is RoleKind.resident)


def _spare_link_id(w):
    """A link to household A's owner that may be removed (a co-owner's)."""
    from residentvoice.directory.models import LinkCapacity
    factory = Factory(db)
    return factory.link(w.household_a.owner, factory.user(), LinkCapacity.co_owner).id


def _invitation_id(w):
    invitation = InvitationCode(code=f"T{w.household_a.id:07d}"[:8], household_id=w.household_a.id,
                                issued_by_id=w.secretary.id,
                                expires_at=utcnow() + timedelta(days=30))
    db.session.add(invitation)
    db.session.flush()
    return invitation.id


def _compound(w, suffix=""):
    return f"/directory/compounds/{w.compound_a.id}{suffix}"


EXAMPLES = {
    "directory.compound": lambda w: [("GET", _compound(w), MANAGERS)],
    "directory.compound_edit": lambda w: [("GET", _compound(w, "/edit"), MANAGERS),
                                          ("POST", _compound(w, "/edit"), MANAGERS)],
    "directory.building_new": lambda w: [("GET", _compound(w, "/buildings/new"), MANAGERS),
                                         ("POST", _compound(w, "/buildings/new"), MANAGERS)],
    "directory.compound_households": lambda w: [
        ("GET", _compound(w, "/households?q=0301"), MANAGERS)],
    "directory.building": lambda w: [("GET", f"/directory/buildings/{w.building_a.id}",
                                      MANAGERS)],
    "directory.building_edit": lambda w: [
        ("GET", f"/directory/buildings/{w.building_a.id}/edit", MANAGERS),
        ("POST", f"/directory/buildings/{w.building_a.id}/edit", MANAGERS)],
    "directory.household_new": lambda w: [
        ("GET", f"/directory/buildings/{w.building_a.id}/households/new", MANAGERS),
        ("POST", f"/directory/buildings/{w.building_a.id}/households/new", MANAGERS)],
    "directory.household": lambda w: [
        ("GET", f"/directory/households/{w.household_a.id}", MANAGERS),
        ("GET", "/directory/households/999999", NOBODY_FINDS)],
    "directory.household_edit": lambda w: [
        ("GET", f"/directory/households/{w.household_a.id}/edit", MANAGERS),
        ("POST", f"/directory/households/{w.household_a.id}/edit", MANAGERS)],
    "directory.household_owner": lambda w: [
        ("GET", f"/directory/households/{w.household_a.id}/owner?q=王", MANAGERS),
        ("POST", f"/directory/households/{w.household_a.id}/owner", MANAGERS)],
    "directory.resident_relation": lambda w: [
        ("POST", f"/directory/households/{w.household_a.id}/residents/"
                 f"{_resident_role_id(w)}/relation", MANAGERS),
        # a role of another household is not found through this one
        ("POST", f"/directory/households/{w.household_a2.id}/residents/"
                 f"{_resident_role_id(w)}/relation", NOBODY_FINDS)],
    "directory.resident_remove": lambda w: [
        ("POST", f"/directory/households/{w.household_a2.id}/residents/"
                 f"{_spare_role_id(w)}/remove", MANAGERS)],
    "directory.household_register": lambda w: [
        ("GET", f"/directory/households/{w.household_a.id}/register", MANAGERS),
        ("POST", f"/directory/households/{w.household_a.id}/register", MANAGERS)],
    "directory.owner_link_new": lambda w: [
        ("GET", f"/directory/households/{w.household_a.id}/owner-links/new", MANAGERS),
        ("GET", f"/directory/households/{w.household_a.id}/owner-links/new"
                f"?role={_resident_role_id(w)}", MANAGERS),
        ("POST", f"/directory/households/{w.household_a.id}/owner-links/new", MANAGERS),
        # a resident of another household is not found through this one
        ("GET", f"/directory/households/{w.household_a2.id}/owner-links/new"
                f"?role={_resident_role_id(w)}", NOBODY_FINDS)],
    "directory.owner_link_remove": lambda w: [
        ("POST", f"/directory/households/{w.household_a.id}/owner-links/"
                 f"{_spare_link_id(w)}/remove", MANAGERS),
        ("POST", f"/directory/households/{w.household_a2.id}/owner-links/"
                 f"{_spare_link_id(w)}/remove", NOBODY_FINDS)],
    "directory.household_letter": lambda w: [
        ("POST", f"/directory/households/{w.household_a2.id}/letter", MANAGERS)],
    "directory.owner_edit": lambda w: [
        ("GET", f"/directory/owners/{w.household_a.owner_id}", MANAGERS),
        ("POST", f"/directory/owners/{w.household_a.owner_id}", MANAGERS)],
    "directory.reset_code": lambda w: [
        ("POST", f"/directory/residents/{w.resident.id}/reset-code", MANAGERS),
        # staff are not residents of the community: nobody finds them here
        ("POST", f"/directory/residents/{w.staff.id}/reset-code", NOBODY_FINDS)],
    "directory.import_upload": lambda w: [("GET", _compound(w, "/import"), MANAGERS),
                                          ("POST", _compound(w, "/import"), MANAGERS)],
    "directory.import_confirm": lambda w: [
        ("GET", _compound(w, "/import/" + "x" * 32), NOBODY_FINDS),
        ("POST", _compound(w, "/import/" + "x" * 32), NOBODY_FINDS)],
    "directory.invitations": lambda w: [("GET", _compound(w, "/invitations?status=unused"),
                                         MANAGERS)],
    "directory.invitation_new": lambda w: [
        ("GET", _compound(w, "/invitations/new"), MANAGERS),
        ("POST", _compound(w, "/invitations/new"), MANAGERS)],
    "directory.letters": lambda w: [("GET", _compound(w, "/letters"), MANAGERS),
                                    ("GET", _compound(w, "/letters?batch=nonsense"),
                                     NOBODY_FINDS)],
    "directory.invitation_revoke": lambda w: [
        ("POST", f"/directory/invitations/{_invitation_id(w)}/revoke", MANAGERS)],
    "api.compound_households": lambda w: [
        ("GET", f"/api/v1/compounds/{w.compound_a.id}/households",
         expect(other_resident=HIDDEN, other_secretary=HIDDEN)),
    ],
}

"""Vacated spaces (腾退空间): creating, editing, photos, status and
implementation progress.  Proposals are in ``proposals``, support and comments
in ``discussion``, the links to meetings and ballots in ``handoff``."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ..audit.services import diff, record
from ..auth.models import RoleAssignment, RoleKind
from ..errors_domain import InvalidInput, NotAllowed
from ..extensions import db
from ..uploads.services import store
from . import handoff  # noqa: F401  (registers link resolvers, upload checks, event handlers)
from . import validation as v
from .models import ProposalStatus, Space, SpaceOrigin, SpaceProgress, SpaceStatus
from .workflow import lock_space, transition_proposal, transition_space

MAX_AREA = Decimal("99999999.99")
SPACE_FIELDS = ("name", "location", "area_m2", "origin", "description", "latitude", "longitude")


def clean_space(data):
    """Check and normalise a space's fields (area in m², exact to 0.01)."""
    clean = {
        "name": v.text(data.get("name"), "name", max_length=v.TITLE_MAX, required=True,
                       message=_l("Give the space a name.")),
        "location": v.text(data.get("location"), "location", max_length=300),
        "area_m2": v.decimal(data.get("area_m2"), "area_m2", positive=True, maximum=MAX_AREA,
                             required=True, message=_l("Enter the area in m².")),
        "origin": v.choice(SpaceOrigin, data.get("origin") or "illegal_structure", "origin"),
        "description": v.text(data.get("description"), "description", max_length=v.TEXT_MAX),
        "latitude": v.decimal(data.get("latitude"), "latitude", minimum=Decimal(-90),
                              maximum=Decimal(90), places=6),
        "longitude": v.decimal(data.get("longitude"), "longitude", minimum=Decimal(-180),
                               maximum=Decimal(180), places=6),
    }
    if (clean["latitude"] is None) != (clean["longitude"] is None):
        raise InvalidInput(_l("Give both latitude and longitude, or neither."), "longitude")
    return clean


def _store_photo(actor, photo, object_type, object_id, field="photo"):
    try:
        return store(photo, actor=actor, object_type=object_type, object_id=object_id)
    except InvalidInput as error:
        raise InvalidInput(error.message, field)


def create_space(actor, compound, data, photo=None):
    """Secretaries (and the street office) record a vacated space of their compound."""
    if not compound.can_manage(actor):
        raise NotAllowed(_l("Only the community's secretaries can add spaces."))
    clean = clean_space(data)
    with db.session.begin_nested():
        space = Space(compound_id=compound.id, created_by_id=actor.id, **clean)
        space.compound = compound
        db.session.add(space)
        db.session.flush()
        if photo:
            _store_photo(actor, photo, "space", space.id)
        record(actor, "space.created", space, summary=space.name,
               community_id=compound.community_id)
    return space


def update_space(actor, space, data):
    if not space.can_manage(actor):
        raise NotAllowed(_l("Only the community's secretaries can edit spaces."))
    clean = clean_space(data)
    changes = diff(space, clean, SPACE_FIELDS)
    if changes:
        record(actor, "space.updated", space, changes=changes, community_id=space.community_id)
    db.session.flush()
    return changes


def add_space_photo(actor, space, photo):
    if not space.can_manage(actor):
        raise NotAllowed(_l("Only the community's secretaries can add photos."))
    if not photo:
        raise InvalidInput(_l("Choose a photo."), "photo")
    upload = _store_photo(actor, photo, "space", space.id)
    record(actor, "space.photo_added", space, summary=upload.original_name,
           community_id=space.community_id)
    return upload


def change_space_status(actor, space, action, reason="", now=None):
    """A secretary moves a space along its transition table with a reason.
    Marking it in use also marks its accepted proposal implemented."""
    reason = v.text(reason, "reason", max_length=v.REASON_MAX)
    lock_space(space)
    if action == "decide" and not any(p.status is ProposalStatus.accepted
                                      for p in space.proposals):
        raise InvalidInput(_l("Accept a proposal first: the decision is the accepted "
                              "proposal."), "action")
    transition_space(actor, space, action, reason=reason, now=now)
    if action == "complete":
        for proposal in space.proposals:
            if proposal.status is ProposalStatus.accepted:
                transition_proposal(actor, proposal, "implement", reason=reason, now=now)
    return space


def record_progress(actor, space, data, photo=None, now=None):
    """Implementation progress (percent, dates, note, photo) while under construction."""
    if not space.can_manage(actor):
        raise NotAllowed(_l("Only the community's secretaries can record progress."))
    lock_space(space)
    if space.status not in (SpaceStatus.decided, SpaceStatus.under_construction):
        raise InvalidInput(_l("Progress is recorded once the use is decided and until it "
                              "is in use."), "percent")
    percent = v.integer(data.get("percent"), "percent", minimum=0, maximum=100)
    if percent is None:
        raise InvalidInput(_l("Enter the percent done, from 0 to 100."), "percent")
    started, expected = data.get("started_on"), data.get("expected_on")
    if started and expected and expected < started:
        raise InvalidInput(_l("The expected completion cannot be before the start."),
                           "expected_on")
    note = v.text(data.get("note"), "note", max_length=v.TEXT_MAX)
    with db.session.begin_nested():
        entry = SpaceProgress(space=space, percent=percent, started_on=started or None,
                              expected_on=expected or None, note=note,
                              recorded_by_id=actor.id)
        if now:
            entry.created_at = now
        db.session.add(entry)
        db.session.flush()
        if photo:
            _store_photo(actor, photo, "space_progress", entry.id)
        record(actor, "space.progress", space, summary=f"{percent}% {note}"[:2000],
               community_id=space.community_id)
    return entry


def secretary_ids(community_id):
    """Users who are secretaries of a community (for notifications)."""
    return set(db.session.scalars(db.select(RoleAssignment.user_id).where(
        RoleAssignment.kind == RoleKind.secretary,
        RoleAssignment.community_id == community_id)))

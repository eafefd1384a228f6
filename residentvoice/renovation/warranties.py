"""Warranty agreements (保修协议): who answers for which part, until when.

``active_warranty_for`` is offered to the tickets feature as the
"active_warranty" provider: a ticket about a part under warranty goes to the
party that signed it (DESIGN §5)."""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from sqlalchemy.orm import joinedload, selectinload

from ..audit.services import record
from ..dates import beijing_today
from ..directory.models import Building, Household, Organisation
from ..errors_domain import InvalidInput, NotAllowed
from ..extensions import db
from ..uploads import services as uploads
from .models import SCOPE_KINDS, WarrantyAgreement, WarrantyPart

EXPIRY_NOTICE_DAYS = 30


def add_months(day, months):
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(starts_on, months):
    """The last day covered: a 24-month warranty from 2024-03-01 covers
    up to and including 2026-02-28."""
    return add_months(starts_on, months) - timedelta(days=1)


def sign_warranty(actor, project, *, organisation_id=None, household_id=None, building_id=None,
                  title="", signed_on=None, parts=(), signed_copy=None):
    """Record a signed warranty for one household, or for one building's common
    parts.  ``parts`` is a list of ``(kind, starts_on, period_months)``; each
    period must be at least one month.  Managers and the construction party's
    staff sign for their projects."""
    if not project.can_record_progress(actor):
        raise NotAllowed(_l("You may not do this."))
    organisation_id = organisation_id or project.construction_party_id
    if organisation_id is None or db.session.get(Organisation, organisation_id) is None:
        raise InvalidInput(_l("Choose the construction party."), "organisation_id")
    if project.is_contractor(actor) and not project.can_manage(actor) \
            and organisation_id != project.construction_party_id:
        raise NotAllowed(_l("You may sign only for your own organisation."))
    if (household_id is None) == (building_id is None):
        raise InvalidInput(_l("Choose either a household or a building."), "household_id")
    if household_id is not None:
        place = db.session.get(Household, household_id)
        field = "household_id"
    else:
        place = db.session.get(Building, building_id)
        field = "building_id"
    if place is None or place.compound_id != project.compound_id:
        raise InvalidInput(_l("Choose a place in this project's compound."), field)
    if signed_on is None:
        raise InvalidInput(_l("Enter a date."), "signed_on")
    checked = _check_parts(parts)
    warranty = WarrantyAgreement(
        project_id=project.id, compound_id=project.compound_id, organisation_id=organisation_id,
        household_id=household_id, building_id=building_id, signed_on=signed_on,
        title=(title or "").strip() or str(_l("Warranty agreement")), recorded_by_id=actor.id)
    for kind, starts_on, months in checked:
        warranty.parts.append(WarrantyPart(kind=kind, starts_on=starts_on, period_months=months,
                                           ends_on=period_end(starts_on, months)))
    db.session.add(warranty)
    db.session.flush()
    if signed_copy is not None and signed_copy.filename:
        uploads.store(signed_copy, actor=actor, object_type="renovation_warranty",
                      object_id=warranty.id, allow_pdf=True)
    record(actor, "renovation.warranty_signed", warranty,
           summary=f"{warranty.title}: " + ", ".join(k for k, _s, _m in checked),
           community_id=project.compound.community_id)
    return warranty


def _check_parts(parts):
    checked = []
    for kind, starts_on, months in parts:
        if not kind:
            continue
        if kind not in SCOPE_KINDS:
            raise InvalidInput(_l("Choose a part from the list."), "parts")
        if starts_on is None:
            raise InvalidInput(_l("Enter the start date of each part."), "parts")
        if months is None or months <= 0:
            raise InvalidInput(_l("A warranty period must be at least one month."), "parts")
        checked.append((kind, starts_on, months))
    if not checked:
        raise InvalidInput(_l("Name at least one covered part."), "parts")
    return checked


@dataclass
class ActiveWarranty:
    """What the tickets feature needs to route under warranty."""
    id: int
    organisation_id: int
    organisation: Organisation
    ends_on: date
    title: str
    kind: str
    household_id: int | None
    building_id: int | None


def active_warranty_for(compound_id, category_code, *, building_id=None, household_id=None,
                        at=None):
    """The warranty covering ``category_code`` for that household (its own
    agreement first, else its building's common parts) or that building on
    day ``at`` (default today), inclusive of the last day; None otherwise."""
    if household_id is None and building_id is None:
        return None
    day = at.date() if hasattr(at, "date") else (at or beijing_today())
    if building_id is None:     # a household's common parts are its building's
        building_id = db.select(Household.building_id).where(
            Household.id == household_id).scalar_subquery()
    place = WarrantyAgreement.building_id == building_id
    if household_id is not None:
        place = db.or_(WarrantyAgreement.household_id == household_id, place)
    rows = db.session.execute(
        db.select(WarrantyAgreement, WarrantyPart)
        .join(WarrantyPart, WarrantyPart.warranty_id == WarrantyAgreement.id)
        .where(WarrantyAgreement.compound_id == compound_id,
               WarrantyPart.kind == category_code,
               WarrantyPart.starts_on <= day, WarrantyPart.ends_on >= day, place)
        .order_by(WarrantyAgreement.household_id.is_(None), WarrantyPart.ends_on.desc(),
                  WarrantyAgreement.id)
        .limit(1)
        .options(joinedload(WarrantyAgreement.organisation))).first()
    if rows is None:
        return None
    warranty, part = rows
    return ActiveWarranty(id=warranty.id, organisation_id=warranty.organisation_id,
                          organisation=warranty.organisation, ends_on=part.ends_on,
                          title=warranty.title, kind=part.kind,
                          household_id=warranty.household_id, building_id=warranty.building_id)


def household_has_warranty(project_id, household_id):
    """Whether a warranty agreement was signed for this household in this project."""
    return db.session.scalar(
        db.select(db.func.count(WarrantyAgreement.id))
        .where(WarrantyAgreement.project_id == project_id,
               WarrantyAgreement.household_id == household_id)) > 0


def expiring_parts(compound_ids, today=None, days=EXPIRY_NOTICE_DAYS):
    """Warranty parts ending within ``days`` days (today included), soonest first."""
    today = today or beijing_today()
    if not compound_ids:
        return []
    return db.session.scalars(
        db.select(WarrantyPart).join(WarrantyAgreement)
        .where(WarrantyAgreement.compound_id.in_(compound_ids),
               WarrantyPart.ends_on >= today,
               WarrantyPart.ends_on <= today + timedelta(days=days))
        .order_by(WarrantyPart.ends_on, WarrantyPart.id)).all()


def warranties_of_project(project):
    return db.session.scalars(db.select(WarrantyAgreement).where(
        WarrantyAgreement.project_id == project.id).order_by(WarrantyAgreement.id)).all()


def warranties_of_household(household_id):
    return db.session.scalars(db.select(WarrantyAgreement).where(
        WarrantyAgreement.household_id == household_id).order_by(WarrantyAgreement.id)).all()


def warranties_visible_query(user):
    """Warranties the user may list: managed compounds, own organisation's,
    own households'."""
    conds = []
    managed = user.managed_compound_ids()
    if managed:
        conds.append(WarrantyAgreement.compound_id.in_(managed))
    if user.organisation_ids():
        conds.append(WarrantyAgreement.organisation_id.in_(user.organisation_ids()))
    if user.household_ids():
        conds.append(WarrantyAgreement.household_id.in_(user.household_ids()))
    if not conds:
        conds.append(db.false())
    return (db.select(WarrantyAgreement).where(db.or_(*conds)).order_by(WarrantyAgreement.id)
            .options(selectinload(WarrantyAgreement.parts),
                     joinedload(WarrantyAgreement.organisation),
                     joinedload(WarrantyAgreement.household),
                     joinedload(WarrantyAgreement.building)))

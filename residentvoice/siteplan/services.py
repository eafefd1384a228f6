"""The site plan's rules: who uploads it and marks it, what each resident
sees on it, and which marked building a tap on it is nearest to."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.orm import joinedload, selectinload

from ..audit.services import record as audit_record
from ..directory.models import Building, Compound
from ..errors_domain import InvalidInput, NotAllowed
from ..extensions import db
from ..models import utcnow
from ..spaces.models import Proposal, ProposalStatus, Space
from ..tickets.board import board_tickets
from ..uploads.services import register_view_check, store
from .models import PlanMark, SitePlan

# Proposals still being decided or carried out: what a neighbour can act on.
ACTIVE_PROPOSALS = (ProposalStatus.open, ProposalStatus.on_agenda, ProposalStatus.voting,
                    ProposalStatus.accepted)
UPLOAD_KIND = "site_plan"


def plan_of(compound_id):
    return db.session.scalar(
        db.select(SitePlan).where(SitePlan.compound_id == compound_id)
        .options(selectinload(SitePlan.marks).joinedload(PlanMark.building),
                 selectinload(SitePlan.marks).joinedload(PlanMark.space)))


def _may_manage(actor, compound):
    if not compound.can_manage(actor):
        raise NotAllowed(_l("Only the compound's secretaries put up and mark its site plan."))


def upload_plan(actor, compound, file_storage):
    """Store the plan picture (checked and shrunk like every photo) as the
    compound's plan, replacing an earlier one; marks are kept."""
    _may_manage(actor, compound)
    if file_storage is None or not file_storage.filename:
        raise InvalidInput(_l("Choose the picture of the site plan."), "picture")
    upload = store(file_storage, actor=actor, object_type=UPLOAD_KIND, object_id=compound.id)
    plan = plan_of(compound.id) or SitePlan(compound_id=compound.id)
    plan.upload_id = upload.id
    plan.width, plan.height = upload.width, upload.height
    plan.updated_by_id = actor.id
    plan.updated_at = utcnow()
    db.session.add(plan)
    _audit(actor, "siteplan.uploaded", plan.compound_id, compound.name)
    db.session.commit()
    return plan


def targets(compound):
    """What may be marked: ``[("b:<id>", building), ("s:<id>", space)]``."""
    spaces = db.session.scalars(db.select(Space).where(Space.compound_id == compound.id)
                                .order_by(Space.name, Space.id)).all()
    return ([(f"b:{b.id}", b) for b in compound.buildings]
            + [(f"s:{s.id}", s) for s in spaces])


def _fraction(value, field):
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not 0 <= number <= 1:
        raise InvalidInput(_l("Tap the plan where it is."), field)
    return number


def mark(actor, plan, target, x, y):
    """Place a building (``b:<id>``) or space (``s:<id>``) of the plan's
    compound at ``x``, ``y`` (fractions); marking it again moves it."""
    if plan is None:
        raise InvalidInput(_l("Upload the site plan first."))
    _may_manage(actor, plan.compound)
    kind, _sep, ident = (target or "").partition(":")
    model = {"b": Building, "s": Space}.get(kind)
    record = db.session.get(model, int(ident)) if model and ident.isdigit() else None
    if record is None or record.compound_id != plan.compound_id:
        raise InvalidInput(_l("Choose a building or space of this compound."), "target")
    x, y = _fraction(x, "x"), _fraction(y, "y")
    column = PlanMark.building_id if kind == "b" else PlanMark.space_id
    existing = db.session.scalar(db.select(PlanMark).where(PlanMark.plan_id == plan.id,
                                                           column == record.id))
    entry = existing or PlanMark(plan=plan, building_id=record.id if kind == "b" else None,
                                 space_id=record.id if kind == "s" else None)
    entry.x, entry.y = x, y
    db.session.add(entry)
    _audit(actor, "siteplan.marked", plan.compound_id, _target_name(record))
    db.session.commit()
    return entry


def unmark(actor, plan, mark_id):
    entry = db.session.get(PlanMark, mark_id)
    if entry is None or plan is None or entry.plan_id != plan.id:
        raise InvalidInput(_l("That mark is not on this plan."))
    _may_manage(actor, plan.compound)
    _audit(actor, "siteplan.unmarked", plan.compound_id,
           _target_name(entry.building or entry.space))
    db.session.delete(entry)
    db.session.commit()


def _target_name(record):
    number = getattr(record, "number", None)
    return str(_l("Building %(n)s", n=number)) if number is not None else record.name


def _audit(actor, action, compound_id, summary):
    """Recorded against the compound (the plan is part of it), with what was marked."""
    compound = db.session.get(Compound, compound_id)
    audit_record(actor, action, compound, summary=summary, community_id=compound.community_id)


def nearest_building(plan, x, y):
    """The marked building nearest to a tap at ``x``, ``y`` (fractions of the
    picture, distances measured in its pixels), or None when none is marked."""
    marks = [m for m in plan.marks if m.building_id is not None]
    if not marks:
        return None
    best = min(marks, key=lambda m: ((m.x - x) * plan.width) ** 2
               + ((m.y - y) * plan.height) ** 2)
    return best.building


@dataclass
class Pin:
    kind: str          # building | space | ticket | proposal
    label: str         # the accessible name, in words
    href: str
    x: float
    y: float
    glyph: str = ""
    offset: int = 0    # pins at one place sit side by side, this many steps right
    on_plan: bool = True   # False: in the list only (its building's pin leads to it)
    anchor: str = ""       # the list item's id, where a pin leads to it


GLYPHS = {"space": "□", "reports": "!", "proposal": "★"}


def pins(user, plan):
    """What ``user`` sees on the plan: marked buildings and spaces, the open
    public reports they may see (at their building) and the active proposals
    they may see (at their space) — each with its link."""
    by_building = {m.building_id: m for m in plan.marks if m.building_id}
    by_space = {m.space_id: m for m in plan.marks if m.space_id}
    out = []
    for m in by_building.values():
        out.append(Pin("building", str(_l("Building %(n)s", n=m.building.number)),
                       f"#building-{m.building_id}", m.x, m.y, glyph=m.building.number,
                       anchor=f"building-{m.building_id}"))
    for m in by_space.values():
        out.append(Pin("space", m.space.name, m.space.path, m.x, m.y))
    open_tickets, _closed = board_tickets(user, plan.compound_id)
    at_building = {}
    for t in open_tickets:
        m = by_building.get(t.building_id)
        if m is not None:
            at_building.setdefault(m.building_id, []).append(
                Pin("ticket", str(_l("Ticket %(number)s: %(what)s (building %(n)s)",
                                     number=t.number, what=t.category.value,
                                     n=m.building.number)),
                    f"/tickets/{t.id}", m.x, m.y, on_plan=False))
    for building_id, reports in at_building.items():
        # One pin per building for its open reports, leading to them in the list.
        m = by_building[building_id]
        reports[0].anchor = f"reports-{building_id}"
        out.append(Pin("reports", ngettext("Building %(n)s: %(num)d open ticket",
                                           "Building %(n)s: %(num)d open tickets",
                                           len(reports), n=m.building.number),
                       f"#reports-{building_id}", m.x, m.y,
                       glyph=str(len(reports)) if len(reports) > 1 else "!"))
        out.extend(reports)
    proposals = db.session.scalars(
        db.select(Proposal).where(Proposal.compound_id == plan.compound_id,
                                  Proposal.status.in_(ACTIVE_PROPOSALS),
                                  Proposal.space_id.in_(list(by_space) or [0]))
        .options(joinedload(Proposal.space)).order_by(Proposal.id)).all()
    for p in proposals:
        if p.can_view(user):
            m = by_space[p.space_id]
            out.append(Pin("proposal", str(_l("Proposal: %(title)s (%(space)s)",
                                              title=p.title, space=p.space.name)),
                           p.path, m.x, m.y))
    taken = {}
    for pin in (p for p in out if p.on_plan):
        pin.glyph = pin.glyph or GLYPHS.get(pin.kind, "")
        pin.offset = taken.get((pin.x, pin.y), 0)
        taken[(pin.x, pin.y)] = pin.offset + 1
    return out


def _plan_visible(compound_id, user):
    compound = db.session.get(Compound, compound_id)
    return compound is not None and compound.is_member(user)


register_view_check(UPLOAD_KIND, _plan_visible)

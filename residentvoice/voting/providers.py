"""What voting offers other features: ``owners_participation`` (imported by
meetings), the ballot links it answers on ``signals.links_wanted``, and who may
see a signed proxy form."""
from decimal import Decimal

from flask import url_for

from .. import signals
from ..directory.models import Household
from ..extensions import db
from ..uploads.services import register_view_check
from .models import Ballot, Proxy


@signals.links_wanted.connect_via("ballot")
def resolve_ballots(_kind, *, ids, user):
    ballots = db.session.scalars(db.select(Ballot).where(Ballot.id.in_(ids))).all()
    return {b.id: signals.Link("ballot", b.id, b.title, url_for("voting.show", ballot_id=b.id),
                               str(b.status.value), {"status": b.status.name})
            for b in ballots if b.can_view(user)}


LINK_CHOICES = 200


@signals.link_choices_wanted.connect_via("ballot")
def ballot_choices(_kind, *, compound_ids, user):
    """The compounds' ballots ``user`` may see, newest first (an agenda item's list)."""
    ballots = db.session.scalars(db.select(Ballot).where(Ballot.compound_id.in_(compound_ids))
                                 .order_by(Ballot.id.desc()).limit(LINK_CHOICES)).all()
    return [signals.Link("ballot", b.id, b.title, url_for("voting.show", ballot_id=b.id),
                         str(b.status.value)) for b in ballots if b.can_view(user)]


def owners_participation(compound_id, household_ids):
    """Civil Code art. 278 participation of ``household_ids`` among the compound's
    units: ≥ 2/3 of the exclusive area AND ≥ 2/3 of the owner headcount, an owner
    of several units counting once (法释〔2020〕17号 art. 9)."""
    rows = db.session.execute(db.select(Household.id, Household.area_m2, Household.owner_id)
                              .where(Household.compound_id == compound_id)).all()
    present = set(household_ids)

    def key(row):
        return f"o{row[2]}" if row[2] else f"h{row[0]}"

    total_area = sum((Decimal(r[1]) for r in rows), Decimal(0))
    total_heads = {key(r) for r in rows}
    part = [r for r in rows if r[0] in present]
    area = sum((Decimal(r[1]) for r in part), Decimal(0))
    heads = {key(r) for r in part}
    met = bool(rows) and area * 3 >= total_area * 2 and len(heads) * 3 >= len(total_heads) * 2
    return {"units": len(part), "headcount": len(heads), "area_m2": area,
            "total_units": len(rows), "total_headcount": len(total_heads),
            "total_area_m2": total_area, "met": met}


def _proxy_scan_visible(object_id, user):
    """Only the ballot's secretaries see a signed proxy form."""
    proxy = db.session.get(Proxy, object_id)
    if proxy is None:
        return False
    ballot = db.session.get(Ballot, proxy.ballot_id)
    return ballot.is_secretary(user)


register_view_check("ballot_proxy", _proxy_scan_visible)

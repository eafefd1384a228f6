"""Finding a household the way a secretary writes it from a signed paper or
hears it at the reception room: the register's code, the flat as people say
it ("601", "1-2-601", "1号楼601"), or part of the owner's name.  Used where
staff enter something for a resident: paper ballots, proxy votes, tickets
filed on someone's behalf."""
import re
import unicodedata

from flask_babel import gettext as _

from .labels import flat_parts
from .models import Building, Household, Owner
from ..extensions import db

MAX_FOUND = 20

# "1-2-601", "1 2 601", "1号楼2单元601", "1-601", "1号楼601", "601"
ROOM = re.compile(r"^(?:(?P<b>[0-9A-Za-z]+)(?:号楼|楼|号|栋|幢|\s*[-－/\s]\s*))?"
                  r"(?:(?P<s>[0-9A-Za-z]+)(?:单元|\s*[-－/\s]\s*))?(?P<r>[0-9]+)室?$")


def listed(labels):
    """Flats named one after another for a message ("1号楼601、2号楼601";
    "Building 1, flat 601; Building 2, flat 601": the English names hold commas)."""
    return _("; ").join(labels)


def households_query():
    """The households to look among, each with its building (narrow it with
    ``.where``, or join what else limits it)."""
    return (db.select(Household).join(Building, Building.id == Household.building_id)
            .options(db.contains_eager(Household.building)))


def _matches_room(household, wanted):
    building, stairwell, room = flat_parts(household.building.number, household.unit)
    b, s, r = wanted
    return room == r and (b is None or b == building) and (
        s is None or stairwell is None or s == stairwell)


def find_households(query, text, named=None, limit=MAX_FOUND):
    """The households of ``query`` that ``text`` names: its code exactly; else
    the flat as people say it; else part of the owner's name (``named(text)``,
    a condition, when the owner is found another way than the register's, e.g.
    a ballot's frozen electorate).  At most ``limit``, by building and flat."""
    # Full-width digits and dashes, as a Chinese input method types them (６０１, １－２－６０１),
    # are the same flat.
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not text:
        return []
    found = db.session.scalars(query.where(Household.code == text.upper())).all()
    room = None if found else ROOM.match(text)
    if room:
        number = room.group("r").lstrip("0") or room.group("r")
        wanted = (room.group("b"), room.group("s"), number)
        found = [h for h in db.session.scalars(query.where(Household.unit.like(f"%{number}")))
                 if _matches_room(h, wanted)]
    elif not found:
        condition = named(text) if named else db.exists().where(
            Owner.id == Household.owner_id, Owner.name.contains(text, autoescape=True))
        found = db.session.scalars(query.where(condition).limit(limit * 5)).all()
    found.sort(key=lambda h: (h.compound_id, len(h.building.number), h.building.number,
                              len(h.unit), h.unit))
    return found[:limit]

"""Flats named the way people say them: 1号楼2单元601, not DSST34-1-0601.

The household code stays the key the office types and prints on letters;
whatever a resident or a secretary reads names the building, the stairwell
(单元) when the register has one, and the flat."""
import re

from flask_babel import gettext as _

# "3号楼", "3楼", "3号" and "3" are the same building.
_BUILDING_SUFFIX = re.compile(r"(号楼|楼|号|幢|栋)$")
# A unit registered with its stairwell: "2-0601", "2-601", "2/601", "2单元601".
_STAIRWELL = re.compile(r"^\s*(\w+?)\s*(?:-|/|单元)\s*(\w+)\s*$")


def _room(text):
    """``0601`` → ``601``: the leading zero is the register's, not what people say."""
    return text.lstrip("0") or text if text.isdigit() else text


def flat_parts(building_number, unit):
    """(building, stairwell or None, room) as people say them:
    ``("1号楼", "2-0601")`` → ``("1", "2", "601")``; ``("1", "0601")`` →
    ``("1", None, "601")``.  Also what a search for "1-2-601" or "601" compares."""
    building = _BUILDING_SUFFIX.sub("", (building_number or "").strip()) or building_number
    unit = (unit or "").strip()
    stairwell = _STAIRWELL.match(unit)
    if stairwell:
        return building, stairwell.group(1), _room(stairwell.group(2))
    return building, None, _room(unit)


def flat_label(building_number, unit):
    """The flat as people say it, in the reader's language.

    ``flat_label("1", "0601")`` → 1号楼601; ``flat_label("1", "2-0601")`` →
    1号楼2单元601 (Building 1, entrance 2, flat 601 in English)."""
    building, stairwell, room = flat_parts(building_number, unit)
    if stairwell:
        return _("Building %(building)s, entrance %(stairwell)s, flat %(room)s",
                 building=building, stairwell=stairwell, room=room)
    return _("Building %(building)s, flat %(room)s", building=building, room=room)


def room_label(unit):
    """``0601`` → ``601``, ``2-0601`` → ``2-601``: the unit without the register's zeros."""
    unit = (unit or "").strip()
    stairwell = _STAIRWELL.match(unit)
    if stairwell:
        return f"{stairwell.group(1)}-{_room(stairwell.group(2))}"
    return _room(unit)


def household_label(household):
    """``flat_label`` of a Household (its building loaded or lazily read)."""
    if household is None:
        return ""
    return flat_label(household.building.number, household.unit)

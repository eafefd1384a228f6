"""Plain-dict views of models for the API (DESIGN §6 field names)."""
from datetime import timezone


def iso(dt):
    """W3C date-time with a time zone (stored values are naive UTC)."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.isoformat()


def owner(o):
    if o is None:
        return None
    return {"id": o.id, "name": o.name, "kind": o.kind.name}


def household(h):
    return {"id": h.id, "code": h.code, "building": h.building.number, "unit": h.unit,
            "floor": h.floor, "area_m2": f"{h.area_m2:.2f}", "owner": owner(h.owner)}


def compound(c):
    return {"id": c.id, "code": c.code, "name": c.name, "community": c.community.name,
            "address": c.address}


def role(r):
    data = {"kind": r.kind.name}
    if r.household_id:
        data.update(household_id=r.household_id, relation=r.relation.name if r.relation else None)
    if r.community_id:
        data["community_id"] = r.community_id
    if r.organisation_id:
        data["organisation_id"] = r.organisation_id
    if r.street_office_id:
        data["street_office_id"] = r.street_office_id
    return data

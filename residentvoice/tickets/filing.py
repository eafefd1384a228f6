"""Filing a complaint from the web form (DESIGN §5): where the problem is,
whose household it is when a secretary files on someone's behalf, who reported
it, and the similar open tickets the resident could join instead.  The view
reads the form; these read the database."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..auth.models import User
from ..directory import finding
from ..directory.models import Building, Compound, Household
from ..errors_domain import InvalidInput
from ..extensions import db
from ..forms import normalise_phone
from . import services


@dataclass(frozen=True)
class Place:
    """Where a problem is: a household, a building's common parts, or a
    compound's common area (ids; None where it does not apply)."""
    compound_id: int | None = None
    household_id: int | None = None
    building_id: int | None = None
    flat: str = ""              # what a secretary wrote, when it names no one household
    could_be: tuple = ()        # …and the flats it could be

    @property
    def building_for_similar(self):
        """The building whose open tickets are alike: the household's own."""
        if self.building_id or not self.household_id:
            return self.building_id
        household = db.session.get(Household, self.household_id)
        return household.building_id if household else None


def compounds_for(user):
    """Compounds the user may file in, with households/buildings for "where"."""
    ids = set(user.compound_ids()) | user.managed_compound_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(Compound).where(Compound.id.in_(ids))
                              .order_by(Compound.name)).all()


def place_of(where, flat=None, compound_ids=()):
    """The place a "where" choice names ("h:<id>" a household, "b:<id>" a
    building, "c:<id>" a compound's common area).  A secretary filing on
    someone's behalf may write the resident's flat instead, as the resident
    says it (1-2-601, 601 with the building chosen, the household's code or
    the owner's name): it names a household of ``compound_ids``, or the place
    says what it could be."""
    chosen = _chosen(where)
    if not (flat or "").strip():
        return chosen
    query = finding.households_query().where(Household.compound_id.in_(compound_ids))
    if chosen.building_id:
        query = query.where(Household.building_id == chosen.building_id)
    found = finding.find_households(query, flat, limit=6)
    if len(found) == 1:
        return Place(found[0].compound_id, found[0].id)
    several = len({h.compound_id for h in found}) > 1
    return Place(flat=" ".join(flat.split()), could_be=tuple(
        f"{h.compound.name} {h.label}" if several else h.label for h in found[:5]))


def _chosen(where):
    kind, _sep, ident = (where or "").partition(":")
    ident = services.as_id(ident)
    if ident is None:
        return Place()
    if kind == "h":
        household = db.session.get(Household, ident)
        return Place(household.compound_id, ident) if household else Place()
    if kind == "b":
        building = db.session.get(Building, ident)
        return Place(building.compound_id, building_id=ident) if building else Place()
    if kind == "c":
        return Place(ident)
    return Place()


def similar_for(user, place, category):
    """Open tickets like this one that ``user`` could join ("me too")."""
    if not (category and place.compound_id):
        return []
    try:
        return services.similar_open(user, place.compound_id, place.building_for_similar,
                                     category)
    except InvalidInput:     # a category that does not exist: nothing is alike
        return []


def joinable(user, similar):
    """Ids of the ``similar`` tickets ``user`` may say "me too" to: not their
    own, not their household's, not already joined by all their households."""
    mine = user.household_ids()
    return {t.id for t in similar if t.reporter_id != user.id and t.household_id not in mine
            and not {a.household_id for a in t.affected} >= mine}


def reporter_by_phone(phone):
    """On behalf: the resident's account by mobile number, None without one."""
    if not phone:
        return None
    reporter = db.session.scalar(db.select(User).where(User.phone == normalise_phone(phone)))
    if reporter is None:
        raise InvalidInput(_l("No account has this mobile number. Leave it empty and enter "
                              "the resident's name and phone instead."), "reporter_phone")
    return reporter


def file_from_form(actor, place, data, photos, on_behalf, kept=()):
    """File the ticket the form describes; ``data`` is the form's data,
    ``photos`` the files it sent, ``kept`` the photos kept when it was sent
    back before."""
    if place.flat and place.could_be:
        raise InvalidInput(_l("“%(flat)s” could be %(flats)s. Choose its building above, or "
                              "write the entrance too (1-2-601).", flat=place.flat,
                              flats=finding.listed(place.could_be)), "household_code")
    if place.flat:
        raise InvalidInput(_l("No household of your compounds is “%(flat)s”. Write the flat "
                              "(1-2-601), the household's code or the owner's name.",
                              flat=place.flat), "household_code")
    reporter = reporter_by_phone(data.get("reporter_phone")) if on_behalf else None
    return services.create_ticket(
        actor, compound_id=place.compound_id, category=data["category"],
        description=data["description"], household_id=place.household_id,
        building_id=place.building_id, location_text=data["location_text"],
        emergency=data["emergency"], public=data["public"], anonymous=data["anonymous"],
        share_phone=data.get("share_phone") and not on_behalf,
        source="reception" if on_behalf else "web", reporter=reporter,
        contact={"name": data.get("contact_name"), "phone": data.get("contact_phone")}
        if on_behalf else None,
        photos=photos, kept=kept)

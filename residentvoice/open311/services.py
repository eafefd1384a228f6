"""Open311 GeoReport v2 rules: API keys, locations, filters and the mapping of
tickets to service requests (DESIGN §6)."""
import secrets
from datetime import timedelta, timezone
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from sqlalchemy.orm import joinedload

from .. import dates
from ..directory.models import Building, Compound, Household
from ..extensions import db
from ..models import utcnow
from ..tickets.models import OPEN_STATUSES, Category, EventKind, Status, Ticket, TicketEvent
from ..tickets.queries import with_details
from ..tickets.services import as_id, clean
from .models import ApiKey, hash_key

# Dongcheng district's bounding box (WGS-84), a little generous at the edges.
DONGCHENG = {"lat": (Decimal("39.850"), Decimal("39.980")),
             "long": (Decimal("116.370"), Decimal("116.450"))}
MAX_SPAN = timedelta(days=90)
MAX_RESULTS = 1000
MAX_DESCRIPTION = 4000
OPEN_VALUES = OPEN_STATUSES + (Status.resolved,)


class Open311Error(Exception):
    def __init__(self, status, description):
        super().__init__(description)
        self.status = status
        self.description = description


# ---- API keys --------------------------------------------------------------

def create_key(name):
    raw = "o311_" + secrets.token_urlsafe(24)
    key = ApiKey(name=name, prefix=raw[5:13], key_hash=hash_key(raw))
    db.session.add(key)
    db.session.flush()
    return raw, key


def revoke_key(ident):
    key = db.session.get(ApiKey, as_id(ident)) if as_id(ident) is not None else \
        db.session.scalar(db.select(ApiKey).where(ApiKey.prefix == ident))
    if key is None:
        return None
    key.revoked_at = key.revoked_at or utcnow()
    return key


def check_key(raw):
    """The active key for ``raw`` or 403."""
    if not raw:
        raise Open311Error(403, "api_key is required to submit a request.")
    key = db.session.scalar(db.select(ApiKey).where(ApiKey.key_hash == hash_key(raw),
                                                    ApiKey.revoked_at.is_(None)))
    if key is None:
        raise Open311Error(403, "api_key is not valid.")
    return key


# ---- dates -----------------------------------------------------------------

def parse_datetime(value, name):
    """A W3C date-time (with zone; a missing zone means UTC) → naive UTC,
    inside the window every date that enters must lie in (``dates``)."""
    try:
        return dates.parse_datetime(value)
    except dates.DateOutOfRange:
        raise Open311Error(400, f"{name} must lie between {dates.EARLIEST.isoformat()} and "
                                f"{dates.latest().isoformat()}.")
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C date-time, e.g. 2025-05-01T08:00:00+08:00.")


def w3c(moment):
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds")


# ---- GET requests ----------------------------------------------------------

def find_requests(args, now=None):
    """GeoReport v2 filters: service_request_id (comma list, overrides the
    rest), service_code, start_date, end_date (at most 90 days apart; default
    the last 90 days), status open/closed; at most 1000."""
    now = now or utcnow()
    query = with_details(db.select(Ticket).where(published()))
    ids = args.get("service_request_id")
    if ids:
        wanted = [part.strip() for part in ids.split(",") if part.strip()]
        numbers = [as_id(part) for part in wanted]
        if not wanted or None in numbers:
            raise Open311Error(400, "service_request_id must be a comma-separated list of ids.")
        query = query.where(Ticket.id.in_(numbers[:MAX_RESULTS]))
        return db.session.scalars(query.order_by(Ticket.id)).all()
    code = args.get("service_code")
    if code:
        query = query.where(Ticket.category == category_for(code))
    start = parse_datetime(args["start_date"], "start_date") if args.get("start_date") else None
    end = parse_datetime(args["end_date"], "end_date") if args.get("end_date") else None
    if start and end and start > end:
        raise Open311Error(400, "start_date must be before end_date.")
    if start and end and end - start > MAX_SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days.")
    if start is None and end is None:
        end = now
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    query = query.where(Ticket.created_at >= start, Ticket.created_at <= end)
    statuses = [s.strip() for s in (args.get("status") or "").split(",") if s.strip()]
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, "status must be open or closed.")
    if statuses == ["open"]:
        query = query.where(Ticket.status.in_(OPEN_VALUES))
    elif statuses == ["closed"]:
        query = query.where(Ticket.status.notin_(OPEN_VALUES))
    return db.session.scalars(query.order_by(Ticket.created_at.desc(), Ticket.id.desc())
                              .limit(MAX_RESULTS)).all()


def published():
    """Open311 shows public tickets and those filed through Open311, never the
    private tickets of a household."""
    from ..tickets.models import Source
    return db.or_(Ticket.public.is_(True), Ticket.source == Source.open311)


def get_request(ident):
    ticket = db.session.get(Ticket, as_id(ident)) if as_id(ident) is not None else None
    if ticket is None or not (ticket.public or ticket.source.name == "open311"):
        raise Open311Error(404, f"Service request {ident} not found.")
    return ticket


def category_for(code):
    if code not in Category.__members__:
        raise Open311Error(404, f"service_code {code} not found.")
    return Category[code]


def latest_public_notes(tickets):
    """The latest public update or transition comment of each ticket (one query)."""
    if not tickets:
        return {}
    rows = db.session.execute(
        db.select(TicketEvent.ticket_id, TicketEvent.body).where(
            TicketEvent.ticket_id.in_([t.id for t in tickets]), TicketEvent.public.is_(True),
            TicketEvent.hidden.is_(False), TicketEvent.body != "",
            TicketEvent.kind.in_([EventKind.update, EventKind.transition]),
            TicketEvent.action != "submit")
        .order_by(TicketEvent.ticket_id, TicketEvent.id)).all()
    return {ticket_id: body for ticket_id, body in rows}


def request_dict(ticket, notes):
    status = "open" if ticket.status in OPEN_VALUES else "closed"
    address = ticket.compound.name
    if ticket.building is not None:
        address += f" {ticket.building.number}号楼"
    if ticket.location_text:
        address += f" {ticket.location_text}"
    return {
        "service_request_id": str(ticket.id),
        "status": status,
        "status_notes": notes.get(ticket.id),
        "service_name": str(ticket.category.value),
        "service_code": ticket.category.name,
        "description": ticket.description,
        "agency_responsible": ticket.organisation.name if ticket.organisation
        else f"{ticket.community.name}",
        "service_notice": None,
        "requested_datetime": w3c(ticket.created_at),
        "updated_datetime": w3c(ticket.closed_at if status == "closed" and ticket.closed_at
                                else ticket.updated_at or ticket.created_at),
        "expected_datetime": w3c(ticket.resolve_due_at) if status == "open" else None,
        "address": address,
        "address_id": ticket.building and f"{ticket.compound.code}-{ticket.building.number}",
        "zipcode": None,
        "lat": float(ticket.lat) if ticket.lat is not None else None,
        "long": float(ticket.long) if ticket.long is not None else None,
        "media_url": ticket.media_url or None,
    }


# ---- POST requests ---------------------------------------------------------

def _coordinate(value, name):
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise Open311Error(400, f"{name} must be a decimal number.")
    low, high = DONGCHENG[name]
    if not low <= number <= high:
        raise Open311Error(400, "The location is outside Dongcheng district.")
    return number.quantize(Decimal("0.000001"))


def locate(form):
    """(compound, household, building, lat, long, text) from address_id (a
    household or building code; the building only for a building's code),
    address_string (matched to a compound's name or address) or lat+long with
    attribute[compound]."""
    address_id = (form.get("address_id") or "").strip()
    address = clean(form.get("address_string")).strip()[:200]
    lat = form.get("lat")
    long = form.get("long")
    if (lat in (None, "")) != (long in (None, "")):
        if not (address_id or address):
            raise Open311Error(400, "lat and long must be given together.")
        lat = long = None  # a lone coordinate beside an address says nothing
    lat = _coordinate(lat, "lat") if lat not in (None, "") else None
    long = _coordinate(long, "long") if long not in (None, "") else None
    if not (address_id or address or lat is not None):
        raise Open311Error(400, "A location is required: address_id, address_string or "
                                "lat and long.")
    if address_id:
        household = db.session.scalar(db.select(Household).where(Household.code == address_id)
                                      .options(joinedload(Household.compound)))
        if household is not None:  # the ticket takes the household's own building
            return household.compound, household, None, lat, long, address
        compound_code, _sep, number = address_id.rpartition("-")
        building = db.session.scalar(db.select(Building).join(Compound).where(
            Compound.code == compound_code, Building.number == number))
        if building is None:
            raise Open311Error(400, f"address_id {address_id} is not a household or building "
                                    "code.")
        return building.compound, None, building, lat, long, address
    compound = None
    code = (form.get("attribute[compound]") or "").strip()
    if code:
        compound = db.session.scalar(db.select(Compound).where(Compound.code == code))
        if compound is None:
            raise Open311Error(400, f"attribute[compound] {code} is not a compound code.")
    elif address:
        for candidate in db.session.scalars(db.select(Compound).order_by(Compound.id)):
            if candidate.name in address or (candidate.address and candidate.address in address):
                compound = candidate
                break
    if compound is None:
        raise Open311Error(400, "The location is not in a compound we serve; give an "
                                "address_id or attribute[compound].")
    return compound, None, None, lat, long, address or (f"{lat}, {long}" if lat is not None else "")


MAX_MEDIA_URL = 500


def media_url(value):
    """The optional ``media_url``: an absolute http(s) URL that names a host,
    at most 500 characters ("" when absent).  Other schemes (javascript:,
    data:, file:) are refused: the URL is handed on to whoever reads the
    request."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # a malformed port or IPv6 address
        parts = host = None
    if len(value) > MAX_MEDIA_URL or parts is None or parts.scheme.lower() not in (
            "http", "https") or not host or any(c.isspace() or ord(c) < 32 for c in value):
        raise Open311Error(400, "media_url must be an http or https URL of at most "
                                f"{MAX_MEDIA_URL} characters.")
    return value


def submit(form, key):
    """File a ticket from an Open311 POST; returns it (routed)."""
    from ..errors_domain import DomainError
    from ..tickets.services import create_ticket
    category = category_for((form.get("service_code") or "").strip())
    media = media_url(form.get("media_url"))
    description = form.get("description") or ""
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, "description may be at most 4000 characters.")
    if not description.strip():
        raise Open311Error(400, "description is required.")
    compound, household, building, lat, long, text = locate(form)
    name = " ".join(p for p in ((form.get("last_name") or "").strip(),
                                (form.get("first_name") or "").strip()) if p)
    try:
        ticket = create_ticket(
            None, compound_id=compound.id, category=category, description=description,
            household_id=household.id if household else None,
            building_id=building.id if building and not household else None,
            location_text=text, emergency=form.get("attribute[emergency]") == "yes",
            source="open311", contact={"name": name, "phone": form.get("phone"),
                                       "email": form.get("email")},
            lat=lat, long=long, media_url=media,
            api_key_id=key.id)
    except DomainError as error:
        raise Open311Error(400, str(error.message))
    key.last_used_at = utcnow()
    return ticket

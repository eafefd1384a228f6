"""The compound's public board (issue 19 §2): the reports its residents made
public, without who filed them or from which flat, with their status and how
long each has been open; a neighbour adds "me too" from there (the ticket's
own me-too, ``services.me_too``)."""
from dataclasses import dataclass
from datetime import timedelta

from flask import render_template, request
from flask_babel import format_timedelta
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from .. import access
from ..directory.models import Compound
from ..extensions import db
from ..main.sections import nav_item
from ..models import utcnow
from . import bp
from .models import FINISHED_STATUSES, Ticket
from .queries import visible_to

RECENTLY_CLOSED = timedelta(days=30)
BOARD_LIMIT = 100

nav_item(29, "tickets.board", _l("Compound board"),
         lambda user: user.is_authenticated and bool(user.compound_ids()))


def board_tickets(user, compound_id, now=None):
    """``(open, recently_closed)`` public tickets of the compound that
    ``user`` may see (the tickets' own visibility rule, narrowed to public
    ones): open ones longest-open first; closed or merged in the last 30
    days, latest first."""
    now = now or utcnow()
    base = (db.select(Ticket)
            .where(visible_to(user), Ticket.compound_id == compound_id,
                   Ticket.public.is_(True))
            .options(joinedload(Ticket.building)))
    open_ = db.session.scalars(base.where(Ticket.status.not_in(FINISHED_STATUSES))
                               .order_by(Ticket.created_at, Ticket.id)
                               .limit(BOARD_LIMIT)).unique().all()
    closed = db.session.scalars(base.where(Ticket.status.in_(FINISHED_STATUSES),
                                           Ticket.closed_at >= now - RECENTLY_CLOSED)
                                .order_by(Ticket.closed_at.desc(), Ticket.id.desc())
                                .limit(BOARD_LIMIT)).unique().all()
    return open_, closed


@dataclass
class BoardItem:
    ticket: Ticket
    age: str                   # how long open (or how long it took), in words
    can_join: list             # the user's households that may still say "me too"


def _joinable(ticket, households):
    if not ticket.is_open:
        return []
    taken = {ticket.household_id} | {a.household_id for a in ticket.affected}
    return [h for h in households if h.id not in taken]


def items(tickets, households, now):
    out = []
    for t in tickets:
        end = t.closed_at if (t.status in FINISHED_STATUSES and t.closed_at) else now
        age = format_timedelta(end - t.created_at, threshold=1, add_direction=False)
        out.append(BoardItem(t, age, _joinable(t, households)))
    return out


@bp.route("/board")
@access.login
def board():
    """Residents see their home compounds' boards (``?compound_id=`` picks one)."""
    compound_ids = current_user.compound_ids()
    if not compound_ids:
        return render_template("tickets/board.html", compounds=[], compound=None,
                               open_items=[], closed_items=[])
    compounds = db.session.scalars(db.select(Compound).where(Compound.id.in_(compound_ids))
                                   .order_by(Compound.name)).all()
    chosen = request.args.get("compound_id", type=int) or compounds[0].id
    compound = access.found(next((c for c in compounds if c.id == chosen), None))
    now = utcnow()
    households = [r.household for r in current_user.resident_roles()
                  if r.household.compound_id == compound.id]
    open_, closed = board_tickets(current_user, compound.id, now)
    return render_template("tickets/board.html", compounds=compounds, compound=compound,
                           open_items=items(open_, households, now),
                           closed_items=items(closed, households, now))

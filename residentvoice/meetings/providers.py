"""What meetings offer other features through ``residentvoice.links``:
the "meeting" link resolver and the "add_agenda_item" and
"upcoming_meetings" providers."""
from flask import url_for

from .. import links
from ..directory.models import Compound
from ..extensions import db
from .agenda import add_agenda_item_provider
from .models import Meeting, MeetingStatus


def resolve_meetings(ids, user):
    meetings = db.session.scalars(db.select(Meeting).where(Meeting.id.in_(ids))).all()
    return {m.id: links.Link("meeting", m.id, m.title,
                             url_for("meetings.detail", meeting_id=m.id, _external=False),
                             summary=str(m.status.value),
                             extra={"starts_at": m.starts_at, "status": m.status.name})
            for m in meetings if m.can_view(user)}


def upcoming_meetings(compound_id):
    """Draft and announced meetings of the compound (and of its whole community)."""
    compound = db.session.get(Compound, compound_id)
    if compound is None:
        return []
    rows = db.session.scalars(db.select(Meeting).where(
        Meeting.status.in_([MeetingStatus.draft, MeetingStatus.announced]),
        db.or_(Meeting.compound_id == compound_id,
               db.and_(Meeting.compound_id.is_(None),
                       Meeting.community_id == compound.community_id)))
        .order_by(Meeting.starts_at, Meeting.id)).all()
    return [{"id": m.id, "title": m.title, "starts_at": m.starts_at} for m in rows]


links.register("meeting", resolve_meetings)
links.provide("add_agenda_item", add_agenda_item_provider)
links.provide("upcoming_meetings", upcoming_meetings)

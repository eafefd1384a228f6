"""What meetings offer other features: ``upcoming_meetings`` and
``add_agenda_item`` (imported by spaces to put a proposal before the council),
and the meeting links it answers on ``signals.links_wanted``."""
from flask import url_for

from .. import signals
from ..directory.models import Compound
from ..extensions import db
from .agenda import add_agenda_item_provider as add_agenda_item  # noqa: F401
from .models import Meeting, MeetingStatus


@signals.links_wanted.connect_via("meeting")
def resolve_meetings(_kind, *, ids, user):
    meetings = db.session.scalars(db.select(Meeting).where(Meeting.id.in_(ids))).all()
    return {m.id: signals.Link("meeting", m.id, m.title,
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



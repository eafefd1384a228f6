"""Calendar files (issue 19 §6): a meeting, a ballot window, and each user's
feed of both, as iCalendar (RFC 5545) built with the ``icalendar`` library.

Every event keeps one UID for the life of its record and carries the
sequence stored in ``calendar_event``, so a phone that subscribed to the
feed (or imported the file again) replaces the old event instead of adding
a second one.  Times are written in UTC; calendars show them in the phone's
zone.  Who sees which meetings and ballots is the features' own rule
(``meetings_for``, ``ballots_for``)."""
from datetime import timedelta, timezone

from flask_babel import gettext
from icalendar import Calendar, Event

from .. import dates
from ..extensions import db
from ..models import utcnow
from ..voting.models import Ballot, BallotStatus
from ..voting.services import ballots_for
from .calendar_models import CalendarEvent, CalendarFeed, hash_token, password_stamp
from .models import Meeting, MeetingStatus
from .services import meetings_for

UID_DOMAIN = "residentvoice"
FEED_PAST = timedelta(days=90)     # the feed keeps what ended in the last 90 days
FEED_LIMIT = 200


def _utc(moment):
    return moment.replace(tzinfo=timezone.utc)


def uid(kind, ref_id):
    return f"{kind}-{ref_id}@{UID_DOMAIN}"


def sequences(kind, ids):
    """{ref_id: sequence} for the records of ``kind`` (0 when never changed)."""
    if not ids:
        return {}
    rows = db.session.execute(db.select(CalendarEvent.ref_id, CalendarEvent.sequence).where(
        CalendarEvent.kind == kind, CalendarEvent.ref_id.in_(ids))).all()
    return dict(rows)


def _calendar(name):
    cal = Calendar()
    cal.add("prodid", "-//ResidentVoice//居民之声//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def meeting_event(meeting, sequence, base_url, now):
    ev = Event()
    ev.add("uid", uid("meeting", meeting.id))
    ev.add("sequence", sequence)
    ev.add("dtstamp", _utc(now))
    ev.add("dtstart", _utc(meeting.starts_at))
    length = timedelta(minutes=meeting.duration_minutes)
    ev.add("dtend", _utc(dates.shift(meeting.starts_at, length)))   # 9999-12-31 stops there
    ev.add("summary", meeting.title)
    ev.add("location", " · ".join(p for p in (meeting.place_name, meeting.place) if p))
    ev.add("url", f"{base_url}/meetings/{meeting.id}")
    ev.add("description", gettext("%(kind)s, %(status)s. Details: %(url)s",
                                  kind=meeting.kind.value, status=meeting.status.value,
                                  url=f"{base_url}/meetings/{meeting.id}"))
    ev.add("status", "TENTATIVE" if meeting.status is MeetingStatus.draft else "CONFIRMED")
    return ev


def ballot_event(ballot, sequence, base_url, now):
    """The ballot's voting window, from opening to closing."""
    ev = Event()
    ev.add("uid", uid("ballot", ballot.id))
    ev.add("sequence", sequence)
    ev.add("dtstamp", _utc(now))
    ev.add("dtstart", _utc(ballot.opens_at))
    ev.add("dtend", _utc(ballot.closes_at))
    ev.add("summary", gettext("Vote: %(title)s", title=ballot.title))
    ev.add("location", ballot.compound.name)
    ev.add("url", f"{base_url}/ballots/{ballot.id}")
    ev.add("description", gettext("Voting is open from the start to the end of this event. "
                                  "Details: %(url)s", url=f"{base_url}/ballots/{ballot.id}"))
    ev.add("status", "TENTATIVE" if ballot.status is BallotStatus.draft else "CONFIRMED")
    ev.add("transp", "TRANSPARENT")     # a voting window does not make the resident busy
    return ev


def _ics(name, meetings=(), ballots=(), base_url="", now=None):
    now = now or utcnow()
    cal = _calendar(name)
    meeting_seq = sequences("meeting", [m.id for m in meetings])
    for meeting in meetings:
        cal.add_component(meeting_event(meeting, meeting_seq.get(meeting.id, 0), base_url, now))
    ballot_seq = sequences("ballot", [b.id for b in ballots])
    for ballot in ballots:
        cal.add_component(ballot_event(ballot, ballot_seq.get(ballot.id, 0), base_url, now))
    return cal.to_ical()


def meeting_ics(meeting, base_url="", now=None):
    return _ics(meeting.title, meetings=[meeting], base_url=base_url, now=now)


def ballot_ics(ballot, base_url="", now=None):
    return _ics(ballot.title, ballots=[ballot], base_url=base_url, now=now)


def feed_ics(user, base_url="", now=None):
    """Every meeting and ballot window ``user`` may see that has not ended
    more than ``FEED_PAST`` ago."""
    now = now or utcnow()
    since = now - FEED_PAST
    meetings = db.session.scalars(meetings_for(user).where(Meeting.starts_at >= since)
                                  .limit(FEED_LIMIT)).all()
    ballots = db.session.scalars(ballots_for(user).where(Ballot.closes_at >= since)
                                 .limit(FEED_LIMIT)).all()
    return _ics(gettext("ResidentVoice: %(name)s", name=user.name), meetings, ballots,
                base_url, now)


# -- the feed address -------------------------------------------------------------

def feed_of(user):
    return db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def new_feed(user):
    """Make the user's feed address, replacing (and so revoking) any earlier
    one; returns the secret, which is not stored and cannot be shown again."""
    token = CalendarFeed.new_token()
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, token_hash=hash_token(token))
        db.session.add(feed)
    else:
        feed.token_hash = hash_token(token)
        feed.created_at = utcnow()
        feed.last_read_at = None
    feed.password_stamp = password_stamp(user)
    db.session.flush()
    return token


def revoke_feed(user):
    """Turn the feed off: its address stops working at once."""
    db.session.execute(db.delete(CalendarFeed).where(CalendarFeed.user_id == user.id))


def feed_user(token):
    """The active user whose feed address carries ``token``, or None (also
    once the account's password has changed since the address was made)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    feed = db.session.scalar(db.select(CalendarFeed)
                             .where(CalendarFeed.token_hash == hash_token(token)))
    if feed is None or not feed.user.active or feed.password_stamp != password_stamp(feed.user):
        return None
    return feed.user


def feed_read(token, now=None):
    """Note when a calendar last read the feed (shown beside its address)."""
    db.session.execute(db.update(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token))
                       .values(last_read_at=now or utcnow()))

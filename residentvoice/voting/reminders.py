"""Ballot reminders (issue 18 §3): two days before an open ballot closes, its
electorate is reminded, once (``flask notifications remind``, from cron)."""
from datetime import timedelta

from .. import signals
from ..extensions import db
from ..i18n import N_
from ..notifications.services import notify_once
from .models import Ballot, BallotStatus
from .services import electorate_user_ids

CLOSING_NOTICE = timedelta(days=2)


def remind_closing(now):
    """Every open ballot closing within two days of ``now`` that has not had
    its reminder yet.  Returns how many were reminded."""
    ballots = db.session.scalars(db.select(Ballot).where(
        Ballot.status == BallotStatus.open, Ballot.closes_at > now,
        Ballot.closes_at <= now + CLOSING_NOTICE).order_by(Ballot.id)).all()
    sent = 0
    for ballot in ballots:
        sent += notify_once(
            f"ballot.closing:{ballot.id}", electorate_user_ids(ballot), "ballot.closing",
            N_("Voting on “%(title)s” closes soon; if you have not voted yet, there is still "
               "time."), {"title": ballot.title}, f"/ballots/{ballot.id}", at=ballot.closes_at)
    return sent


@signals.reminders_due.connect
def on_reminders_due(_sender, *, now, **_data):
    return remind_closing(now)

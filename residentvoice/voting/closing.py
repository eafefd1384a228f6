"""Closing a ballot by hand (issue 17 §10): before its closing time it needs
a reason, which the results notice shows, and the secretary sees first how
many households have not voted — closing early takes their chance to vote."""
from flask_babel import lazy_gettext as _l

from ..errors_domain import InvalidInput, NotAllowed
from ..models import utcnow
from .counting import electorate_totals, vote_totals
from .models import BallotStatus
from .services import close_ballot

REASON_MAX = 500


def not_voted(ballot):
    """(units that have not voted, units in the electorate) — per-person
    ballots: residents."""
    electorate = electorate_totals(ballot)
    voted = vote_totals(ballot)[0]
    return electorate.units - voted.units, electorate.units


def is_early(ballot, now=None):
    return ballot.status is BallotStatus.open and (now or utcnow()) < ballot.closes_at


def close_by_hand(actor, ballot, reason="", now=None):
    """A secretary closes voting.  Before ``closes_at`` the reason is
    required and kept on the ballot (``early_close_reason``) for the results
    notice; at or after it the ballot simply closes."""
    if not ballot.can_manage(actor):
        raise NotAllowed(_l("Only the compound's secretaries can do this."))
    now = now or utcnow()
    reason = (reason or "").strip()
    if is_early(ballot, now):
        if not reason:
            raise InvalidInput(_l("Voting is still open until its closing time: say why it "
                                  "closes early. The reason is printed on the results "
                                  "notice."), "reason")
        if len(reason) > REASON_MAX:
            raise InvalidInput(_l("At most %(max)d characters.", max=REASON_MAX), "reason")
        ballot.early_close_reason = reason
    return close_ballot(actor, ballot, now=now)

"""Building ballots for the voting tests."""
from datetime import timedelta

from residentvoice.models import utcnow
from residentvoice.voting import services


def make_ballot(actor, compound, *, basis="owners", matter="common_parts_use", options=(),
                state="open", **extra):
    """A ballot announced 30 days ago, open 10 days ago, closing in 5 days,
    moved to ``state`` (draft, announced, open, closed)."""
    now = utcnow()
    values = dict(title="充电桩建设", description="", basis=basis, matter=matter,
                  announced_at=now - timedelta(days=30), opens_at=now - timedelta(days=10),
                  closes_at=now + timedelta(days=5))
    values.update(extra)
    ballot = services.create_ballot(actor, compound, options=list(options), **values)
    if state == "draft":
        return ballot
    services.announce(actor, ballot, now=ballot.announced_at)
    if state == "announced":
        return ballot
    services.open_ballot(actor, ballot)
    if state == "closed":
        services.close_ballot(actor, ballot)
    return ballot


def option(ballot, label):
    return next(o for o in ballot.options if o.label == label)

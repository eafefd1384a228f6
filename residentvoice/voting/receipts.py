"""A resident's vote receipts, findable after the banner that first showed
them is gone (issue 17 §4): on the ballot page and on the account's receipts
page, each with a link that checks it.

A secret ballot forgets at closing which household cast which link
(``chain.forget_voters``): its receipts are listed while it is open, and
afterwards only the code the voter kept can be checked."""
from ..extensions import db
from .models import Ballot, Cast, Vote


def receipts_of(user, limit=100):
    """[(cast, ballot)] newest first: the votes the user cast from their phone
    and the votes recorded for their households (paper, proxy, a housemate),
    including votes replaced by a later one (marked by ``superseded_at``)."""
    households = user.household_ids()
    mine = Cast.voter_id == user.id
    if households:
        for_home = Cast.id.in_(db.select(Vote.cast_id).where(
            Vote.household_id.in_(households), Vote.cast_id.isnot(None)))
        mine = db.or_(mine, for_home)
    return db.session.execute(
        db.select(Cast, Ballot).join(Ballot, Ballot.id == Cast.ballot_id).where(mine)
        .order_by(Cast.id.desc()).limit(limit)).all()

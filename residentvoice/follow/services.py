"""Who follows what (issue 19 §4).

Followers of a record = its default followers (the proposer and the
supporting households' residents of a proposal; the reporter and the "me
too" residents of a ticket) plus those who chose to follow it, minus those
who chose to stop.  The choice is stored; the defaults are read from the
records themselves, so a new supporter follows at once without a row."""
from flask_babel import lazy_gettext as _l

from ..errors_domain import NotAllowed
from ..extensions import db
from ..meetings.models import Meeting
from ..spaces.discussion_models import Support
from ..spaces.models import Proposal
from ..tickets.models import Affected, Ticket
from ..voting.models import Ballot
from .models import Follow

MODELS = {"proposal": Proposal, "ticket": Ticket, "meeting": Meeting, "ballot": Ballot}
KIND_LABELS = {"proposal": _l("Proposal"), "ticket": _l("Ticket"), "meeting": _l("Meeting"),
               "ballot": _l("Ballot")}
PATHS = {"proposal": "/spaces/proposals/{}", "ticket": "/tickets/{}", "meeting": "/meetings/{}",
         "ballot": "/ballots/{}"}


def _default_followers(kind, ref_id):
    """SQL: the user ids of ``default_followers`` (None for a kind without)."""
    if kind == "proposal":
        proposer = db.select(Proposal.proposer_id).where(Proposal.id == ref_id)
        supporters = db.select(Support.user_id).where(Support.proposal_id == ref_id)
        return db.union(proposer, supporters)
    if kind == "ticket":
        reporter = db.select(Ticket.reporter_id).where(Ticket.id == ref_id,
                                                       Ticket.reporter_id.is_not(None))
        joined = db.select(Affected.user_id).where(Affected.ticket_id == ref_id)
        return db.union(reporter, joined)
    return None


def default_followers(kind, ref_id):
    """User ids following ``kind``/``ref_id`` without having asked."""
    query = _default_followers(kind, ref_id)
    return set() if query is None else set(db.session.scalars(query))


def choices(kind, ref_id):
    """{user_id: following} chosen for the record."""
    return dict(db.session.execute(db.select(Follow.user_id, Follow.following).where(
        Follow.kind == kind, Follow.ref_id == ref_id)).all())


def followers(kind, ref_id):
    chosen = choices(kind, ref_id)
    defaults = default_followers(kind, ref_id)
    return {uid for uid in defaults if chosen.get(uid, True)} | \
        {uid for uid, following in chosen.items() if following}


def is_following(user, kind, ref_id):
    """The user's stored choice, else whether they follow by default: both
    read in one statement."""
    choice = db.select(Follow.following).where(
        Follow.user_id == user.id, Follow.kind == kind, Follow.ref_id == ref_id)
    defaults = _default_followers(kind, ref_id)
    by_default = db.false() if defaults is None else db.literal(user.id).in_(defaults)
    chosen, followed = db.session.execute(
        db.select(choice.scalar_subquery(), by_default)).one()
    return chosen if chosen is not None else bool(followed)


def _choose(user, record, kind, following):
    if not record.can_view(user):
        raise NotAllowed(_l("You cannot follow what you cannot see."))
    row = db.session.scalar(db.select(Follow).where(
        Follow.user_id == user.id, Follow.kind == kind, Follow.ref_id == record.id)
        .with_for_update())
    if row is None:
        row = Follow(user_id=user.id, kind=kind, ref_id=record.id, following=following)
        db.session.add(row)
    else:
        row.following = following
    db.session.flush()
    return row


def follow(user, kind, record):
    """Follow a record the user may see."""
    return _choose(user, record, kind, True)


def unfollow(user, kind, record):
    """Stop following (a default follower too: the choice is kept)."""
    return _choose(user, record, kind, False)


def followed_by(user, limit=200):
    """[(kind, record)] the user chose to follow, newest choice first, for
    the records they may still see."""
    rows = db.session.execute(db.select(Follow.kind, Follow.ref_id).where(
        Follow.user_id == user.id, Follow.following.is_(True))
        .order_by(Follow.id.desc()).limit(limit)).all()
    by_kind = {}
    for kind, ref_id in rows:
        by_kind.setdefault(kind, []).append(ref_id)
    loaded = {}
    for kind, ids in by_kind.items():
        model = MODELS[kind]
        for record in db.session.scalars(db.select(model).where(model.id.in_(ids))):
            loaded[(kind, record.id)] = record
    return [(kind, loaded[(kind, ref_id)]) for kind, ref_id in rows
            if (kind, ref_id) in loaded and loaded[(kind, ref_id)].can_view(user)]

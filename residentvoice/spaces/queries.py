"""Read-only queries for the pages and the API (a fixed number of queries per
page, whatever the number of proposals or comments)."""
from dataclasses import dataclass

from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..directory.models import Compound
from ..extensions import db
from .discussion_models import Comment, Support
from .models import (SUPPORTABLE, Proposal, ProposalReview, ProposalStatus,
                     ProposalStatusChange, Space, SpaceStatusChange)


def member_compound_ids(user):
    """Compounds whose spaces the user sees: home, managed or worked in."""
    ids = set(user.compound_ids()) | user.managed_compound_ids()
    ids |= {c.id for r in user.roles if r.organisation_id for c in r.organisation.compounds}
    return ids


def compounds_for(user):
    ids = member_compound_ids(user)
    if not ids:
        return []
    return db.session.scalars(db.select(Compound).where(Compound.id.in_(ids))
                              .order_by(Compound.name)).all()


def spaces_query(compound_ids):
    return (db.select(Space).where(Space.compound_id.in_(compound_ids or {-1}))
            .order_by(Space.compound_id, Space.id))


def spaces_by_compound(compounds):
    spaces = db.session.scalars(spaces_query([c.id for c in compounds])).all()
    grouped = {c.id: [] for c in compounds}
    for space in spaces:
        grouped[space.compound_id].append(space)
    return grouped


def proposal_counts(space_ids):
    """{space_id: number of proposals visible to the compound}."""
    rows = db.session.execute(
        db.select(Proposal.space_id, db.func.count(Proposal.id))
        .where(Proposal.space_id.in_(space_ids or [-1]),
               Proposal.opened_at.is_not(None))
        .group_by(Proposal.space_id)).all()
    return dict(rows)


def support_counts(proposal_ids):
    rows = db.session.execute(
        db.select(Support.proposal_id, db.func.count(Support.id))
        .where(Support.proposal_id.in_(proposal_ids or [-1]))
        .group_by(Support.proposal_id)).all()
    return dict(rows)


def supported_households(user, proposal_ids):
    """{proposal_id: {household_id, ...}} supported by the user's households."""
    households = user.household_ids() if user and user.is_authenticated else set()
    if not households:
        return {}
    rows = db.session.execute(db.select(Support.proposal_id, Support.household_id).where(
        Support.proposal_id.in_(proposal_ids or [-1]),
        Support.household_id.in_(households))).all()
    result = {}
    for proposal_id, household_id in rows:
        result.setdefault(proposal_id, set()).add(household_id)
    return result


def support_summary(user, proposal_ids):
    """``(counts, mine)``: ``support_counts`` and ``supported_households``
    of the proposals in one statement (grouped by proposal and by the user's
    own households, whose supports each form a group of one)."""
    households = user.household_ids() if user and user.is_authenticated else set()
    own = db.case((Support.household_id.in_(households or {-1}), Support.household_id))
    counts, mine = {}, {}
    for proposal_id, household_id, n in db.session.execute(
            db.select(Support.proposal_id, own, db.func.count(Support.id))
            .where(Support.proposal_id.in_(proposal_ids or [-1]))
            .group_by(Support.proposal_id, own)):
        counts[proposal_id] = counts.get(proposal_id, 0) + n
        if household_id is not None:
            mine.setdefault(proposal_id, set()).add(household_id)
    return counts, mine


def page_details():
    """What the proposal's page shows of it — its space and compound, its
    proposer, reviews with their reviewers, revisions, and status history
    with who made each change — read with it in four statements, not one for
    each on first use (the people for their names only: not their roles,
    which a user brings by default).  The page's guard loads it so."""
    return (joinedload(Proposal.space), joinedload(Proposal.compound),
            joinedload(Proposal.proposer).lazyload(User.roles),
            selectinload(Proposal.reviews).joinedload(ProposalReview.reviewer)
            .lazyload(User.roles),
            selectinload(Proposal.revisions),
            selectinload(Proposal.history).joinedload(ProposalStatusChange.actor)
            .lazyload(User.roles))


def load_details(proposal):
    """``page_details`` for a proposal loaded without them (a refused form
    shows the page again), unless they are read already."""
    if "history" in db.inspect(proposal).unloaded:
        db.session.scalars(db.select(Proposal).where(Proposal.id == proposal.id)
                           .options(*page_details())).all()
    return proposal


def space_details():
    """What the space's page shows of it — its compound, who recorded it and
    its status history with who made each change — read with it in two
    statements, not one for each on first use (the people for their names
    only).  The page's guard loads it so."""
    return (joinedload(Space.compound), joinedload(Space.created_by).lazyload(User.roles),
            selectinload(Space.history).joinedload(SpaceStatusChange.actor)
            .lazyload(User.roles))


def load_space_details(space):
    """``space_details`` for a space loaded without them (a refused form shows
    the page again), unless they are read already."""
    if "history" in db.inspect(space).unloaded:
        db.session.scalars(db.select(Space).where(Space.id == space.id)
                           .options(*space_details())).all()
    return space


def visible_proposals(space, user):
    """The space's proposals this user may see, oldest first, with their
    proposers (for their names) and reviews."""
    proposals = db.session.scalars(
        db.select(Proposal).where(Proposal.space_id == space.id)
        .options(joinedload(Proposal.proposer).lazyload(User.roles),
                 selectinload(Proposal.reviews))
        .order_by(Proposal.id)).all()
    return [p for p in proposals if p.can_view(user)]


def comparable(space, user):
    """Proposals compared side by side: those that passed review."""
    return [p for p in visible_proposals(space, user) if p.is_public]


THREADS_PER_PAGE = 20


@dataclass
class Threads:
    """One page of a proposal's discussion: ``items`` are (comment, replies),
    oldest first; page 1 holds the latest threads, higher pages earlier ones."""
    items: list
    page: int
    has_earlier: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def comment_threads(proposal, page=1, per_page=None):
    """The ``page``-th latest ``per_page`` (``THREADS_PER_PAGE``) top-level
    comments with their replies, oldest first, in one statement (and one for
    the flags): a proposal with a thousand comments costs what one with
    twenty does."""
    page = page if isinstance(page, int) and page >= 1 else 1
    per_page = per_page or THREADS_PER_PAGE
    latest = (db.select(Comment.id)
              .where(Comment.proposal_id == proposal.id, Comment.parent_id.is_(None))
              .order_by(Comment.id.desc()).limit(per_page + 1)
              .offset((page - 1) * per_page).scalar_subquery())
    comments = db.session.scalars(
        db.select(Comment)
        .where(Comment.proposal_id == proposal.id,
               db.func.coalesce(Comment.parent_id, Comment.id).in_(latest))
        .options(joinedload(Comment.author).lazyload(User.roles), selectinload(Comment.flags))
        .order_by(Comment.id)).unique().all()
    tops = [c for c in comments if c.parent_id is None]
    earlier = len(tops) > per_page
    if earlier:     # one more than a page was read, to know: the oldest is not shown
        tops = tops[1:]
    replies = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    return Threads([(c, replies.get(c.id, [])) for c in tops], page, earlier)


def open_for_support(user, limit=10):
    """Proposals open for support in the user's home compounds, for the home page."""
    compound_ids = user.compound_ids()
    if not compound_ids:
        return []
    return db.session.scalars(
        db.select(Proposal).where(Proposal.compound_id.in_(compound_ids),
                                  Proposal.status.in_(SUPPORTABLE))
        .options(joinedload(Proposal.space))
        .order_by(Proposal.opened_at.desc(), Proposal.id.desc()).limit(limit)).all()


def proposals_query(user, *, compound_id=None, space_id=None, status=None):
    """API listing: proposals in the user's compounds, reviewed ones plus the
    user's own and, for secretaries, those awaiting review."""
    compound_ids = member_compound_ids(user)
    if compound_id is not None:
        compound_ids &= {compound_id}
    managed = user.managed_compound_ids()
    public = [s for s in ProposalStatus if s in SUPPORTABLE or s in (
        ProposalStatus.accepted, ProposalStatus.rejected, ProposalStatus.implemented)]
    query = db.select(Proposal).where(
        db.or_(Proposal.proposer_id == user.id,
               db.and_(Proposal.compound_id.in_(compound_ids or {-1}),
                       db.or_(Proposal.status.in_(public),
                              db.and_(Proposal.status == ProposalStatus.withdrawn,
                                      Proposal.opened_at.is_not(None)),
                              db.and_(Proposal.compound_id.in_(managed or {-1}),
                                      Proposal.status != ProposalStatus.draft)))))
    if compound_id is not None:
        query = query.where(Proposal.compound_id == compound_id)
    if space_id is not None:
        query = query.where(Proposal.space_id == space_id)
    if status is not None:
        query = query.where(Proposal.status == status)
    return query.order_by(Proposal.id)


def flagged_comments(space):
    """Comments on the space's proposals that someone flagged and no moderator
    has hidden yet, for the secretaries."""
    return db.session.scalars(
        db.select(Comment).join(Proposal, Proposal.id == Comment.proposal_id)
        .where(Proposal.space_id == space.id, Comment.hidden_at.is_(None),
               Comment.deleted_at.is_(None), Comment.flags.any())
        .options(joinedload(Comment.author), joinedload(Comment.proposal),
                 selectinload(Comment.flags))
        .order_by(Comment.id)).unique().all()


def awaiting_review(space):
    return [p for p in space.proposals
            if p.status in (ProposalStatus.submitted, ProposalStatus.under_review)]


WAITING_FOR_REVIEW = (ProposalStatus.submitted, ProposalStatus.under_review)


def review_queue(user, limit=200):
    """Proposals waiting for a secretary's compliance review in the compounds
    the user manages, the longest waiting first (issue 17 §9: the review queue
    was reachable only through notifications)."""
    managed = user.managed_compound_ids()
    if not managed:
        return []
    return db.session.scalars(
        db.select(Proposal).where(Proposal.compound_id.in_(managed),
                                  Proposal.status.in_(WAITING_FOR_REVIEW))
        .options(joinedload(Proposal.space), joinedload(Proposal.proposer))
        .order_by(Proposal.submitted_at, Proposal.id).limit(limit)).all()


def review_count(user):
    managed = user.managed_compound_ids()
    if not managed:
        return 0
    return db.session.scalar(db.select(db.func.count(Proposal.id)).where(
        Proposal.compound_id.in_(managed), Proposal.status.in_(WAITING_FOR_REVIEW)))

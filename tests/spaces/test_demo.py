"""Demo spaces for 东四十条甲34号院: loaded once, idempotent, scaled copies."""
from residentvoice.demo.directory import DemoContext, load_directory
from residentvoice.spaces.demo import load_spaces
from residentvoice.spaces.discussion_models import Comment, Support
from residentvoice.spaces.models import Proposal, ProposalStatus, Space, SpaceStatus

PASSWORD_HASH = "pbkdf2:sha256:1000$demo$" + "0" * 64


def _counts(db):
    return tuple(db.session.scalar(db.select(db.func.count(m.id)))
                 for m in (Space, Proposal, Support, Comment))


def test_demo_spaces_are_idempotent_and_scaled(db):
    ctx = DemoContext(2, PASSWORD_HASH)
    load_directory(ctx)
    load_spaces(ctx)
    first = _counts(db)
    load_spaces(ctx)
    assert _counts(db) == first
    spaces, proposals, supports, comments = first
    assert spaces == 8  # four spaces in 东四十条甲34号院 and four in its scaled copy
    statuses = {p.status for p in db.session.scalars(db.select(Proposal))}
    assert {ProposalStatus.open, ProposalStatus.submitted, ProposalStatus.accepted,
            ProposalStatus.draft} <= statuses
    assert supports > 0 and comments > 0
    assert db.session.scalar(db.select(db.func.count(Comment.id)).where(
        Comment.hidden_at.is_not(None))) == 2
    returned_then_opened = db.session.scalars(db.select(Proposal).where(
        Proposal.kind == "charging_piles")).first()
    assert [r.outcome for r in returned_then_opened.reviews] == ["returned", "opened"]
    assert {s.status for s in db.session.scalars(db.select(Space))} == {
        SpaceStatus.deliberating, SpaceStatus.under_construction, SpaceStatus.vacated}

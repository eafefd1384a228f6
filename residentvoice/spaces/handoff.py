"""Hand-off between proposals and the council and the vote: a proposal goes on
a meeting's agenda (``meetings.providers``) or to an owners' ballot
(``voting.services.create_ballot``); a closed ballot decides the proposals it
stood for (``signals.ballot_closed``).  Also the "space" and "proposal" links
this feature answers on ``signals.links_wanted``, and who may see its uploads."""
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from .. import signals
from ..errors_domain import InvalidInput
from ..extensions import db
from ..meetings import providers as meeting_services
from ..uploads.services import register_view_check
from ..voting import services as voting_services
from .discussion_models import Support
from .models import Proposal, ProposalStatus, Space, SpaceProgress
from .workflow import decide_space, lock_space, transition_proposal

# Civil Code art. 278 (8): changing the use of common parts is an owners' matter
# needing 3/4 of the participating area and headcount.
BALLOT_BASIS = "owners"
BALLOT_MATTER = "common_parts_use"


def upcoming_meetings(compound_id):
    """Draft or announced meetings of the compound."""
    return list(meeting_services.upcoming_meetings(compound_id))


def _chosen(space, proposal_ids, allowed):
    ids = {int(i) for i in proposal_ids or []}
    chosen = [p for p in space.proposals if p.id in ids]
    if not chosen or len(chosen) != len(ids):
        raise InvalidInput(_l("Choose one or more proposals of this space."), "proposal_ids")
    wrong = [p for p in chosen if p.status not in allowed]
    if wrong:
        raise InvalidInput(_l("“%(title)s” is not open for this step.", title=wrong[0].title),
                           "proposal_ids")
    return chosen


def put_on_agenda(actor, space, proposal_ids, meeting_id, now=None):
    """A secretary puts open proposals of a space on a meeting agenda: one
    agenda item referring to each of them."""
    lock_space(space)
    chosen = _chosen(space, proposal_ids, {ProposalStatus.open})
    meetings = {m["id"]: m for m in upcoming_meetings(space.compound_id)}
    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError):
        meeting_id = None
    if meeting_id not in meetings:
        raise InvalidInput(_l("Choose an upcoming meeting of this compound."), "meeting_id")
    with db.session.begin_nested():
        item = meeting_services.add_agenda_item(
            actor, meeting_id, title=_("Use of %(space)s", space=space.name),
            description="\n".join(f"- {p.title}" for p in chosen),
            refs=[("proposal", p.id) for p in chosen])
        for proposal in chosen:
            proposal.meeting_id = meeting_id
            transition_proposal(actor, proposal, "put_on_agenda",
                                reason=meetings[meeting_id]["title"], now=now)
    return item


def ballot_options(chosen):
    """Options are the proposals (ref ("proposal", id)); a single proposal gets
    Against and Abstain beside it, several get Abstain."""
    options = [{"label": p.title, "ref": ("proposal", p.id)} for p in chosen]
    if len(chosen) == 1:
        options.append({"label": _("Against"), "ref": None})
    options.append({"label": _("Abstain"), "ref": None})
    return options


def create_ballot(actor, space, proposal_ids, data, now=None):
    """A secretary puts open (or agenda) proposals of a space to an owners'
    ballot: Civil Code art. 278 matter (8), options = the proposals."""
    lock_space(space)
    chosen = _chosen(space, proposal_ids, {ProposalStatus.open, ProposalStatus.on_agenda})
    title = (data.get("title") or "").strip() or _("Use of %(space)s", space=space.name)
    with db.session.begin_nested():
        ballot = voting_services.create_ballot(
            actor, space.compound, title=title[:200],
            description=(data.get("description") or "").strip(),
            basis=BALLOT_BASIS, matter=BALLOT_MATTER, options=ballot_options(chosen),
            announced_at=data.get("announced_at"), opens_at=data.get("opens_at"),
            closes_at=data.get("closes_at"), secret=bool(data.get("secret")),
            allow_change=bool(data.get("allow_change")))
        for proposal in chosen:
            proposal.ballot_id = ballot.id
            transition_proposal(actor, proposal, "start_vote", reason=title, now=now)
    return ballot


@signals.ballot_closed.connect
def on_ballot_closed(_sender, *, ballot, result, **_data):
    """A ballot made from proposals closed: a passed proposal option is
    accepted and its space decided; the ballot's other proposals are rejected.
    If several proposal options passed, the first in option order wins."""
    proposals = {p.id: p for p in db.session.scalars(db.select(Proposal).where(
        Proposal.ballot_id == ballot.id, Proposal.status == ProposalStatus.voting))}
    if not proposals:
        return
    winner = None
    if getattr(result, "passed", False):
        for option in result.options:
            ref = getattr(option, "ref", None)
            if option.passed and ref and ref[0] == "proposal" and ref[1] in proposals:
                winner = proposals[ref[1]]
                break
    # Stored as data, not in the language of whoever closed the ballot.
    reason = f"#{ballot.id} {getattr(ballot, 'title', '')}".strip()
    for proposal in proposals.values():
        if proposal is not winner:
            transition_proposal(None, proposal, "reject", reason=reason, system=True)
    if winner is not None:
        transition_proposal(None, winner, "accept", reason=reason, system=True)
        decide_space(None, winner, reason, system=True)


# ---- link resolvers and upload visibility ------------------------------------

LINK_CHOICES = 200


@signals.links_wanted.connect_via("space")
def resolve_spaces(_kind, *, ids, user):
    spaces = db.session.scalars(db.select(Space).where(Space.id.in_(ids))
                                .options(joinedload(Space.compound))).all()
    return {s.id: signals.Link("space", s.id, s.name, s.path,
                               summary=f"{s.status.value} · "
                                       f"{format_decimal(s.area_m2, format='#,##0.00')} m²",
                               extra={"status": s.status.name, "compound_id": s.compound_id})
            for s in spaces if s.can_view(user)}


@signals.links_wanted.connect_via("proposal")
def resolve_proposals(_kind, *, ids, user):
    proposals = db.session.scalars(db.select(Proposal).where(Proposal.id.in_(ids))
                                   .options(joinedload(Proposal.space))).all()
    visible = [p for p in proposals if p.can_view(user)]
    counts = dict(db.session.execute(
        db.select(Support.proposal_id, db.func.count(Support.id))
        .where(Support.proposal_id.in_([p.id for p in visible] or [-1]))
        .group_by(Support.proposal_id)).all())
    return {p.id: signals.Link("proposal", p.id, p.title,
                               p.path,
                               summary=f"{p.kind.value} · {p.status.value}",
                               extra={"status": p.status.name, "space_id": p.space_id,
                                      "kind": p.kind.name, "supports": counts.get(p.id, 0)})
            for p in visible}



@signals.link_choices_wanted.connect_via("proposal")
def proposal_choices(_kind, *, compound_ids, user):
    """The compounds' proposals ``user`` may see, newest first (an agenda item's list)."""
    proposals = db.session.scalars(
        db.select(Proposal).join(Space, Space.id == Proposal.space_id)
        .where(Space.compound_id.in_(compound_ids)).options(joinedload(Proposal.space))
        .order_by(Proposal.id.desc()).limit(LINK_CHOICES)).all()
    return [signals.Link("proposal", p.id, p.title, p.path, summary=str(p.status.value))
            for p in proposals if p.can_view(user)]


def _space_visible(space_id, user):
    space = db.session.get(Space, space_id)
    return space is not None and space.can_view(user)


def _proposal_visible(proposal_id, user):
    proposal = db.session.get(Proposal, proposal_id)
    return proposal is not None and proposal.can_view(user)


def _progress_visible(progress_id, user):
    entry = db.session.get(SpaceProgress, progress_id)
    return entry is not None and entry.space.can_view(user)


register_view_check("space", _space_visible)
register_view_check("proposal", _proposal_visible)
register_view_check("space_progress", _progress_visible)

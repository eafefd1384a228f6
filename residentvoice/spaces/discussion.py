"""Support and discussion of reviewed proposals.

- One support per household per proposal, withdrawable; the database unique
  constraint ``uq_support_proposal_household`` decides races.
- Comments with replies one level deep; the author may edit or delete within
  15 minutes; anyone who sees a comment may flag it; secretaries hide it with
  a reason (the original text is kept for moderators)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..errors_domain import Conflict, InvalidInput, NotAllowed, NotEligible
from ..extensions import db
from ..i18n import N_
from ..models import utcnow
from ..notifications.services import notify
from . import validation as v
from .discussion_models import Comment, CommentFlag, Support
from .models import SUPPORTABLE
from .services import secretary_ids


def _household_for(actor, proposal, household_id=None):
    """The actor's household in the proposal's compound (the one named, if several)."""
    households = [r.household for r in actor.resident_roles()
                  if r.household.compound_id == proposal.compound_id]
    if not households:
        raise NotEligible(_l("Only households of this compound can support a proposal."),
                          "household_id")
    if household_id is None:
        return households[0]
    for household in households:
        if household.id == household_id:
            return household
    raise NotEligible(_l("You can support only for your own household."), "household_id")


def _require_reviewed(proposal):
    if proposal.status not in SUPPORTABLE:
        raise InvalidInput(_l("Only proposals that passed the compliance review and are "
                              "still under discussion can be supported."), "proposal")


def support(actor, proposal, household_id=None, now=None):
    """Record the household's support; a second support for the same household
    (another resident, another tab, a double click) is refused."""
    _require_reviewed(proposal)
    household = _household_for(actor, proposal, household_id)
    row = Support(proposal_id=proposal.id, household_id=household.id, user_id=actor.id,
                  created_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Your household already supports this proposal."), "household_id")
    record(actor, "proposal.supported", proposal, summary=household.code,
           community_id=proposal.space.community_id)
    return row


def withdraw_support(actor, proposal, household_id=None):
    _require_reviewed(proposal)
    household = _household_for(actor, proposal, household_id)
    deleted = db.session.execute(db.delete(Support).where(
        Support.proposal_id == proposal.id, Support.household_id == household.id))
    if not deleted.rowcount:
        raise Conflict(_l("Your household does not support this proposal."), "household_id")
    record(actor, "proposal.support_withdrawn", proposal, summary=household.code,
           community_id=proposal.space.community_id)
    return household


def support_count(proposal):
    return db.session.scalar(db.select(db.func.count(Support.id))
                             .where(Support.proposal_id == proposal.id))


def _proposal_url(proposal, comment=None):
    return f"{proposal.path}#comment-{comment.id}" if comment else proposal.path


def add_comment(actor, proposal, body, parent_id=None, now=None):
    """Comment on a reviewed proposal, or reply to a comment (replies attach
    to the top-level comment: one level deep)."""
    if not proposal.can_comment(actor):
        raise NotAllowed(_l("Only residents of this compound and its secretaries can "
                            "comment."))
    if proposal.status not in SUPPORTABLE:
        raise InvalidInput(_l("Comments are open while the proposal is under discussion."),
                           "body")
    body = v.text(body, "body", max_length=v.COMMENT_MAX, required=True,
                  message=_l("Write your comment."))
    parent = None
    if parent_id:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.proposal_id != proposal.id:
            raise InvalidInput(_l("The comment you reply to does not exist."), "body")
        if parent.parent_id is not None:
            parent = parent.parent
    comment = Comment(proposal_id=proposal.id, parent=parent, author_id=actor.id, body=body,
                      created_at=now or utcnow())
    db.session.add(comment)
    db.session.flush()
    record(actor, "comment.created", comment, summary=body[:200],
           community_id=proposal.space.community_id)
    url = _proposal_url(proposal, comment)
    params = {"name": actor.name, "title": proposal.title}
    if parent is not None and parent.author_id != actor.id:
        notify([parent.author_id], "comment.reply",
               N_("%(name)s replied to your comment on “%(title)s”"), params, url)
    if proposal.proposer_id != actor.id and (parent is None
                                             or parent.author_id != proposal.proposer_id):
        notify([proposal.proposer_id], "comment.on_proposal",
               N_("%(name)s commented on your proposal “%(title)s”"), params, url)
    return comment


def _check_own_recent(actor, comment, now):
    if not comment.is_author(actor):
        raise NotAllowed(_l("You can change only your own comments."))
    if comment.deleted_at is not None or comment.hidden_at is not None:
        raise InvalidInput(_l("This comment can no longer be changed."), "body")
    if not comment.within_edit_window(now):
        raise InvalidInput(_l("Comments can be changed only within 15 minutes of writing "
                              "them."), "body")


def edit_comment(actor, comment, body, now=None):
    now = now or utcnow()
    _check_own_recent(actor, comment, now)
    body = v.text(body, "body", max_length=v.COMMENT_MAX, required=True,
                  message=_l("Write your comment."))
    old = comment.body
    comment.body = body
    comment.edited_at = now
    record(actor, "comment.edited", comment, changes={"body": (old, body)},
           community_id=comment.proposal.space.community_id)
    db.session.flush()
    return comment


def delete_comment(actor, comment, now=None):
    """The author deletes within 15 minutes; the thread shows that it was deleted."""
    now = now or utcnow()
    _check_own_recent(actor, comment, now)
    comment.deleted_at = now
    record(actor, "comment.deleted", comment, summary=comment.body[:200],
           community_id=comment.proposal.space.community_id)
    db.session.flush()
    return comment


def flag_comment(actor, comment, reason="", now=None):
    """Anyone who can see a comment may flag it once; secretaries are told."""
    reason = v.text(reason, "reason", max_length=500)
    flag = CommentFlag(comment_id=comment.id, user_id=actor.id, reason=reason,
                       created_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(flag)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("You have already flagged this comment."), "reason")
    record(actor, "comment.flagged", comment, summary=reason,
           community_id=comment.proposal.space.community_id)
    notify(secretary_ids(comment.proposal.space.community_id) - {actor.id}, "comment.flagged",
           N_("A comment on “%(title)s” was flagged for moderation"),
           {"title": comment.proposal.title}, _proposal_url(comment.proposal, comment))
    return flag


def hide_comment(actor, comment, reason, now=None):
    """A secretary hides a comment with a reason shown in the thread; the
    original stays for moderators."""
    if not comment.can_moderate(actor):
        raise NotAllowed(_l("Only the community's secretaries moderate comments."))
    if comment.hidden_at is not None:
        raise Conflict(_l("This comment is already hidden."), "reason")
    reason = v.text(reason, "reason", max_length=500, required=True,
                    message=_l("Give the reason shown in place of the comment."))
    comment.hidden_at = now or utcnow()
    comment.hidden_by_id = actor.id
    comment.hidden_reason = reason
    record(actor, "comment.hidden", comment, summary=reason,
           community_id=comment.proposal.space.community_id)
    db.session.flush()
    return comment

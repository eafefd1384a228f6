"""Votes cast on phones during a live meeting (issue 19 §7): one row per
checked-in attendee per motion, and the count of them."""
import enum

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import utcnow


class VoteChoice(enum.Enum):
    yes = _l("For")
    no = _l("Against")
    abstain = _l("Abstain")


# The motion's count fields each choice adds to.
FIELDS = {VoteChoice.yes: "votes_for", VoteChoice.no: "votes_against",
          VoteChoice.abstain: "votes_abstain"}


class PhoneVote(db.Model):
    """One attendee's vote on one motion, cast on their own phone.  Changed in
    place while the vote is open (the unique pair keeps it to one); frozen
    once the count is recorded."""
    __tablename__ = "phone_vote"
    __table_args__ = (db.UniqueConstraint("motion_id", "user_id",
                                          name="uq_phone_vote_motion_user"),)
    id = db.Column(db.Integer, primary_key=True)
    motion_id = db.Column(db.ForeignKey("motion.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    choice = db.Column(db.Enum(VoteChoice, native_enum=False, length=8), nullable=False)
    cast_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    changed_at = db.Column(db.DateTime)


def empty():
    return {field: 0 for field in FIELDS.values()}


def tallies(motion_ids):
    """``{motion_id: {"votes_for": n, "votes_against": n, "votes_abstain": n}}``
    of the phone votes on those motions, in one query (motions without any
    are absent)."""
    result = {}
    if not motion_ids:
        return result
    rows = db.session.execute(db.select(PhoneVote.motion_id, PhoneVote.choice,
                                        db.func.count(PhoneVote.id))
                              .where(PhoneVote.motion_id.in_(list(motion_ids)))
                              .group_by(PhoneVote.motion_id, PhoneVote.choice)).all()
    for motion_id, choice, n in rows:
        result.setdefault(motion_id, empty())[FIELDS[choice]] = n
    return result


def tally(motion):
    """The phone votes on one motion, by count field (all zero when none)."""
    return tallies([motion.id]).get(motion.id, empty())

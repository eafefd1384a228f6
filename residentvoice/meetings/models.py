"""Resident council meetings (居民议事会): meetings, agenda, attendance, motions,
the speaker queue, action items and minutes (DESIGN §3, §4 "Meetings")."""
import enum
import hmac
import secrets

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import TimestampMixin, utcnow


class MeetingKind(enum.Enum):
    council = _l("Resident council meeting")
    demand_analysis = _l("Demand-analysis meeting")
    owners = _l("Owners' meeting")


class InviteeScope(enum.Enum):
    all_residents = _l("All residents")
    household_reps = _l("One representative per household")
    owners = _l("Owners")
    named = _l("A named list")


class MeetingStatus(enum.Enum):
    draft = _l("Draft")
    announced = _l("Announced")
    in_session = _l("In session")
    adjourned = _l("Adjourned")
    minutes_draft = _l("Minutes being drafted")
    minutes_published = _l("Minutes published")


def new_checkin_token():
    return secrets.token_urlsafe(18)


class Meeting(TimestampMixin, db.Model):
    """A meeting of a compound (or of a whole community) run by a neutral chair."""
    id = db.Column(db.Integer, primary_key=True)
    community_id = db.Column(db.ForeignKey("community.id"), nullable=False, index=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), index=True)
    title = db.Column(db.String(200), nullable=False)
    kind = db.Column(db.Enum(MeetingKind, native_enum=False, length=24), nullable=False)
    place = db.Column(db.String(200), nullable=False, default="")
    starts_at = db.Column(db.DateTime, nullable=False)
    duration_minutes = db.Column(db.Integer, nullable=False, default=90)
    chair_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    recorder_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    invitees = db.Column(db.Enum(InviteeScope, native_enum=False, length=24), nullable=False,
                         default=InviteeScope.all_residents)
    speech_seconds = db.Column(db.Integer, nullable=False, default=120)
    speeches_per_motion = db.Column(db.Integer, nullable=False, default=2)
    status = db.Column(db.Enum(MeetingStatus, native_enum=False, length=24), nullable=False,
                       default=MeetingStatus.draft, index=True)
    checkin_token = db.Column(db.String(40), nullable=False, unique=True,
                              default=new_checkin_token)
    created_by_id = db.Column(db.ForeignKey("user.id"))
    announced_at = db.Column(db.DateTime)
    # The last move of an announced meeting (issue 17 §8): when, and the time
    # and place it replaced, for the updated notice.
    changed_at = db.Column(db.DateTime)
    previous_starts_at = db.Column(db.DateTime)
    previous_place = db.Column(db.String(200))
    opened_at = db.Column(db.DateTime)
    adjourned_at = db.Column(db.DateTime)
    current_item_id = db.Column(db.Integer)
    # Bumped on every change the live screens show; clients poll with it.
    live_version = db.Column(db.Integer, nullable=False, default=1)
    minutes_text = db.Column(db.Text, nullable=False, default="")
    minutes_approved_at = db.Column(db.DateTime)
    minutes_approved_by_id = db.Column(db.ForeignKey("user.id"))
    minutes_published_at = db.Column(db.DateTime)
    publicity_days = db.Column(db.Integer, nullable=False, default=7)
    comments_until = db.Column(db.DateTime)

    community = db.relationship("Community")
    compound = db.relationship("Compound")
    chair = db.relationship("User", foreign_keys=[chair_id])
    recorder = db.relationship("User", foreign_keys=[recorder_id])
    items = db.relationship("AgendaItem", back_populates="meeting",
                            order_by="AgendaItem.position", cascade="all, delete-orphan")
    named_invitees = db.relationship("MeetingInvitee", cascade="all, delete-orphan")

    @property
    def place_name(self):
        return self.compound.name if self.compound else self.community.name

    @property
    def current_item(self):
        return next((i for i in self.items if i.id == self.current_item_id), None)

    def is_owners_meeting(self):
        return self.kind is MeetingKind.owners

    # -- permissions (model methods, STYLE §7) --------------------------------
    def can_manage(self, user):
        """Secretaries of the community and the street office above it."""
        return self.community.can_manage(user)

    def can_chair(self, user):
        return bool(user) and user.is_authenticated and (
            user.id == self.chair_id or self.can_manage(user))

    def checkin_token_is(self, token):
        """Whether ``token`` is this meeting's check-in token, compared in
        constant time; any text (non-ASCII, too long, not text at all) is
        simply not it."""
        if not isinstance(token, str) or not token:
            return False
        return hmac.compare_digest(token.encode("utf-8", "surrogatepass"),
                                   self.checkin_token.encode("utf-8"))

    def can_record(self, user):
        return bool(user) and user.is_authenticated and (
            user.id == self.recorder_id or self.can_manage(user))

    def can_count(self, user):
        """Enter a show of hands: the chair or the recorder (or a manager)."""
        return self.can_chair(user) or self.can_record(user)

    def can_approve_minutes(self, user):
        """The chair in person: a manager cannot approve in the chair's name."""
        return bool(user) and user.is_authenticated and user.id == self.chair_id

    def can_read_minutes(self, user):
        """Published minutes: whoever sees the meeting; a draft: its recorder
        and chair (and the managers)."""
        if self.status is MeetingStatus.minutes_published:
            return self.can_view(user)
        return self.status is MeetingStatus.minutes_draft and (
            self.can_record(user) or self.can_chair(user))

    def can_read_published_minutes(self, user):
        """Comments are taken on published minutes only (公示)."""
        return self.status is MeetingStatus.minutes_published and self.can_view(user)

    def is_officer(self, user):
        return bool(user) and user.is_authenticated and user.id in (self.chair_id,
                                                                   self.recorder_id)

    def in_scope(self, user):
        """A resident of the meeting's compound (or community), or staff working there."""
        if not (user and user.is_authenticated):
            return False
        if self.compound_id is not None:
            return self.compound_id in user.compound_ids() or \
                user.works_in_compound(self.compound_id)
        return any(r.household.compound.community_id == self.community_id
                   for r in user.resident_roles())

    def can_view(self, user):
        """Drafts: managers and officers only; afterwards the compound's people too."""
        if not (user and user.is_authenticated):
            return False
        if self.can_manage(user) or self.is_officer(user):
            return True
        if self.status is MeetingStatus.draft:
            return False
        return self.in_scope(user) or any(i.user_id == user.id for i in self.named_invitees)


class MeetingInvitee(db.Model):
    """A person on a meeting's named invitation list."""
    __table_args__ = (db.UniqueConstraint("meeting_id", "user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.ForeignKey("meeting.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    user = db.relationship("User")


class AgendaItem(TimestampMixin, db.Model):
    """One item of the agenda, in order, with its time box and decision."""
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.ForeignKey("meeting.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    time_box_minutes = db.Column(db.Integer, nullable=False, default=15)
    presenter = db.Column(db.String(60), nullable=False, default="")
    started_at = db.Column(db.DateTime)
    decision = db.Column(db.Text, nullable=False, default="")
    # Motions carried by a show of hands that could not decide (no quorum, or an
    # owners' matter): recorded as opinions / suggestions (意见/建议), never as
    # decisions (issue 17 §10).
    opinion = db.Column(db.Text, nullable=False, default="")
    meeting = db.relationship(Meeting, back_populates="items")
    refs = db.relationship("AgendaItemRef", cascade="all, delete-orphan",
                           order_by="AgendaItemRef.id", lazy="selectin")

    @property
    def ref_pairs(self):
        return [(r.ref_kind, r.ref_id) for r in self.refs]


class AgendaItemRef(db.Model):
    """A link from an agenda item to another feature's record (proposal, ballot)."""
    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.ForeignKey("agenda_item.id"), nullable=False, index=True)
    ref_kind = db.Column(db.String(16), nullable=False)
    ref_id = db.Column(db.Integer, nullable=False)


class SuggestionStatus(enum.Enum):
    pending = _l("Waiting for the secretary")
    accepted = _l("Accepted")
    declined = _l("Declined")


class AgendaSuggestion(TimestampMixin, db.Model):
    """An agenda item a resident suggests before the meeting."""
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.ForeignKey("meeting.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    status = db.Column(db.Enum(SuggestionStatus, native_enum=False, length=16), nullable=False,
                       default=SuggestionStatus.pending)
    reason = db.Column(db.Text, nullable=False, default="")
    decided_by_id = db.Column(db.ForeignKey("user.id"))
    decided_at = db.Column(db.DateTime)
    item_id = db.Column(db.ForeignKey("agenda_item.id"))
    user = db.relationship("User", foreign_keys=[user_id], lazy="joined")


class CheckinMethod(enum.Enum):
    qr = _l("Scanned the QR code")
    list = _l("Checked in by staff at the door")
    api = _l("Through the app")


class Attendance(db.Model):
    """One person present at a meeting (checked in once)."""
    __table_args__ = (db.UniqueConstraint("meeting_id", "user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.ForeignKey("meeting.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    household_id = db.Column(db.ForeignKey("household.id"), index=True)
    method = db.Column(db.Enum(CheckinMethod, native_enum=False, length=8), nullable=False)
    checked_in_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    checked_in_by_id = db.Column(db.ForeignKey("user.id"))
    user = db.relationship("User", foreign_keys=[user_id], lazy="joined")
    household = db.relationship("Household")


class MotionStatus(enum.Enum):
    moved = _l("Moved, waiting for a seconder")
    seconded = _l("Seconded")
    debate = _l("In debate")
    voting = _l("Being voted on")
    passed = _l("Passed")
    failed = _l("Failed")
    withdrawn = _l("Withdrawn")
    referred = _l("Referred to an owners' ballot")


class Advisory(enum.Enum):
    """Why a show of hands was recorded as an opinion, not a decision."""
    no_quorum = _l("the meeting had no quorum")
    owners_matter = _l("the matter needs an owners' ballot (Civil Code art. 278)")


class Motion(TimestampMixin, db.Model):
    """A concrete motion (动议) on an agenda item: discussion is on a motion."""
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.ForeignKey("meeting.id"), nullable=False, index=True)
    item_id = db.Column(db.ForeignKey("agenda_item.id"), nullable=False, index=True)
    text = db.Column(db.Text, nullable=False)
    status = db.Column(db.Enum(MotionStatus, native_enum=False, length=16), nullable=False,
                       default=MotionStatus.moved)
    mover_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    seconder_id = db.Column(db.ForeignKey("user.id"))
    seconded_at = db.Column(db.DateTime)
    debate_at = db.Column(db.DateTime)
    vote_called_at = db.Column(db.DateTime)
    votes_for = db.Column(db.Integer)
    votes_against = db.Column(db.Integer)
    votes_abstain = db.Column(db.Integer)
    decided_at = db.Column(db.DateTime)
    # Set when the show of hands counts only as an opinion / suggestion.
    advisory = db.Column(db.Enum(Advisory, native_enum=False, length=16))
    # The voting feature's ballot this motion was referred to (owners' matters).
    ballot_id = db.Column(db.Integer)
    mover = db.relationship("User", foreign_keys=[mover_id], lazy="joined")
    seconder = db.relationship("User", foreign_keys=[seconder_id], lazy="joined")
    item = db.relationship(AgendaItem)

    @property
    def is_open(self):
        return self.status in OPEN_MOTION


OPEN_MOTION = (MotionStatus.moved, MotionStatus.seconded, MotionStatus.debate,
               MotionStatus.voting)


class Side(enum.Enum):
    pro = _l("For")
    con = _l("Against")


class SpeechStatus(enum.Enum):
    waiting = _l("Waiting")
    speaking = _l("Speaking")
    done = _l("Spoke")
    withdrawn = _l("Withdrawn")


class SpeechRequest(db.Model):
    """A request for the floor on a motion, stating the side first."""
    id = db.Column(db.Integer, primary_key=True)
    motion_id = db.Column(db.ForeignKey("motion.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    side = db.Column(db.Enum(Side, native_enum=False, length=8), nullable=False)
    status = db.Column(db.Enum(SpeechStatus, native_enum=False, length=12), nullable=False,
                       default=SpeechStatus.waiting)
    requested_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    started_at = db.Column(db.DateTime)
    ended_at = db.Column(db.DateTime)
    user = db.relationship("User", lazy="joined")


class ActionItem(TimestampMixin, db.Model):
    """Follow-up work decided at a meeting, with an owner and a due date."""
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.ForeignKey("meeting.id"), nullable=False, index=True)
    item_id = db.Column(db.ForeignKey("agenda_item.id"))
    text = db.Column(db.String(300), nullable=False)
    owner_id = db.Column(db.ForeignKey("user.id"), nullable=False, index=True)
    due_on = db.Column(db.Date, nullable=False)
    done_at = db.Column(db.DateTime)
    owner = db.relationship("User", lazy="joined")
    meeting = db.relationship(Meeting)

    def can_view(self, user):
        """Its owner, and whoever sees the meeting."""
        return bool(user) and user.is_authenticated and (
            self.owner_id == user.id or self.meeting.can_view(user))

    def can_complete(self, user):
        """Its owner marks it done, or the meeting's recorder."""
        return self.owner_id == user.id or self.meeting.can_record(user)


class MinutesComment(TimestampMixin, db.Model):
    """A resident's comment on published minutes during the 公示 period."""
    id = db.Column(db.Integer, primary_key=True)
    meeting_id = db.Column(db.ForeignKey("meeting.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    body = db.Column(db.Text, nullable=False)
    user = db.relationship("User", lazy="joined")

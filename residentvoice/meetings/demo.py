"""Demo meetings in 东四十条甲34号院 (DESIGN §7): a council meeting on the
vacated space, held and minuted, and an announced upcoming one."""
from datetime import timedelta

from flask_babel import force_locale

from ..auth.models import RoleAssignment, RoleKind, User
from ..demo import demo_loader
from ..directory.models import Household
from ..extensions import db
from ..models import utcnow
from .minutes import generate_text
from .moderation import advisory_reason
from .models import (ActionItem, AgendaItem, AgendaSuggestion, Attendance, CheckinMethod,
                     InviteeScope, Meeting, MeetingKind, MeetingStatus, MinutesComment, Motion,
                     MotionStatus, Side, SpeechRequest, SpeechStatus)

PAST_TITLE = "腾退空间怎么用：垃圾桶站、充电桩、车棚和花箱"
NEXT_TITLE = "充电桩运营与车棚管理议事会"


def _residents(compound):
    rows = db.session.execute(
        db.select(User, RoleAssignment.household_id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(Household, Household.id == RoleAssignment.household_id)
        .where(RoleAssignment.kind == RoleKind.resident, Household.compound_id == compound.id)
        .order_by(Household.code, User.id)).all()
    seen, result = set(), []
    for user, household_id in rows:
        if household_id not in seen:
            seen.add(household_id)
            result.append((user, household_id))
    return result


def _secretary(community_id):
    return db.session.scalar(db.select(User).join(RoleAssignment).where(
        RoleAssignment.kind == RoleKind.secretary, RoleAssignment.community_id == community_id)
        .order_by(User.id))


@demo_loader(60)
def load_meetings(ctx):
    for compound in ctx.compounds():
        if not compound.code.startswith("DSST34"):
            continue
        residents = _residents(compound)
        if len(residents) < 8:
            continue
        secretary = _secretary(compound.community_id)
        chair = secretary or residents[0][0]
        recorder = residents[1][0] if secretary is None else secretary
        existing = set(db.session.scalars(db.select(Meeting.title).where(
            Meeting.compound_id == compound.id)))
        if PAST_TITLE not in existing:
            _past_meeting(ctx, compound, chair, recorder, residents)
        if NEXT_TITLE not in existing:
            _next_meeting(ctx, compound, chair, recorder, residents)
    db.session.flush()


def _new_meeting(compound, chair, recorder, **kwargs):
    meeting = Meeting(community_id=compound.community_id, compound_id=compound.id,
                      place="群众接待室", duration_minutes=90, chair_id=chair.id,
                      recorder_id=recorder.id, created_by_id=chair.id, **kwargs)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def _past_meeting(ctx, compound, chair, recorder, residents):
    now = utcnow()
    start = (now - timedelta(days=40)).replace(hour=11, minute=0, second=0, microsecond=0)
    meeting = _new_meeting(compound, chair, recorder, title=PAST_TITLE,
                           kind=MeetingKind.council, starts_at=start,
                           invitees=InviteeScope.household_reps,
                           status=MeetingStatus.adjourned,
                           announced_at=start - timedelta(days=10), opened_at=start,
                           adjourned_at=start + timedelta(minutes=95))
    item1 = AgendaItem(position=1, title="垃圾桶站和充电桩的位置", time_box_minutes=40,
                       presenter="社区居委会",
                       description="拆除十余处违建后，3号楼东侧和2号楼北侧腾出约260平方米。")
    item2 = AgendaItem(position=2, title="车棚和花箱", time_box_minutes=30,
                       presenter="居民代表", description="1号楼南侧空地的使用。")
    meeting.items = [item1, item2]
    db.session.flush()
    people = residents[: max(12, min(len(residents), 30 * ctx.scale))]
    for n, (user, household_id) in enumerate(people):
        db.session.add(Attendance(meeting_id=meeting.id, user_id=user.id,
                                  household_id=household_id,
                                  method=CheckinMethod.list if n % 4 == 0 else CheckinMethod.qr,
                                  checked_in_at=start - timedelta(minutes=20 - n % 20),
                                  checked_in_by_id=recorder.id if n % 4 == 0 else user.id))
    users = [u for u, _h in people if u.id != chair.id]
    plans = [
        (item1, "在3号楼东侧建设封闭式垃圾桶站，在2号楼北侧建设6个电动汽车充电桩。",
         (21, 3, 1), [Side.pro, Side.con, Side.pro, Side.con]),
        (item2, "在1号楼南侧建设非机动车棚，沿院内主路摆放12个花箱。", (19, 4, 2),
         [Side.pro, Side.con, Side.pro]),
        (item2, "花箱由各楼门居民认养，物业不收取养护费。", (10, 10, 5), [Side.pro, Side.con]),
    ]
    clock = start + timedelta(minutes=10)
    for n, (item, text, (yes, no, abstain), sides) in enumerate(plans):
        motion = Motion(meeting_id=meeting.id, item_id=item.id, text=text,
                        mover_id=users[n].id, seconder_id=users[n + 3].id,
                        seconded_at=clock, debate_at=clock, vote_called_at=clock,
                        votes_for=yes, votes_against=no, votes_abstain=abstain,
                        decided_at=clock, status=MotionStatus.passed if yes > no
                        else MotionStatus.failed)
        db.session.add(motion)
        db.session.flush()
        for k, side in enumerate(sides):
            db.session.add(SpeechRequest(motion_id=motion.id, user_id=users[5 + k].id,
                                         side=side, status=SpeechStatus.done,
                                         requested_at=clock, started_at=clock,
                                         ended_at=clock + timedelta(minutes=2)))
            clock += timedelta(minutes=2)
        # Without a quorum (or on an owners' matter) what carried is the
        # meeting's opinion, not a decision (issue 17 §10).
        motion.advisory = advisory_reason(meeting, motion)
        if yes > no:
            if motion.advisory is None:
                item.decision = (item.decision + "\n" if item.decision else "") + text
            else:
                item.opinion = (item.opinion + "\n" if item.opinion else "") + text
        clock += timedelta(minutes=5)
    owner = ctx.user("13800000001") if compound.code == "DSST34" else users[0]
    db.session.add_all([
        ActionItem(meeting_id=meeting.id, item_id=item1.id, owner_id=chair.id,
                   text="请施工方出具垃圾桶站和充电桩的设计图并公示",
                   due_on=(now + timedelta(days=10)).date()),
        ActionItem(meeting_id=meeting.id, item_id=item2.id, owner_id=owner.id,
                   text="统计1号楼南侧车棚的车辆数量", due_on=(now + timedelta(days=5)).date()),
    ])
    db.session.flush()
    with force_locale("zh_Hans"):
        meeting.minutes_text = generate_text(meeting)
    meeting.status = MeetingStatus.minutes_published
    meeting.minutes_approved_at = start + timedelta(days=2)
    meeting.minutes_approved_by_id = chair.id
    meeting.minutes_published_at = start + timedelta(days=2)
    meeting.comments_until = now + timedelta(days=3)
    meeting.publicity_days = 40
    db.session.add(MinutesComment(meeting_id=meeting.id, user_id=users[6].id,
                                  body="车棚里希望留出电动自行车充电的位置。"))


def _next_meeting(ctx, compound, chair, recorder, residents):
    now = utcnow()
    start = (now + timedelta(days=10)).replace(hour=11, minute=0, second=0, microsecond=0)
    meeting = _new_meeting(compound, chair, recorder, title=NEXT_TITLE,
                           kind=MeetingKind.council, starts_at=start,
                           invitees=InviteeScope.all_residents,
                           status=MeetingStatus.announced, announced_at=now)
    meeting.items = [
        AgendaItem(position=1, title="充电桩由谁运营、怎么收费", time_box_minutes=40,
                   presenter="社区居委会", description="比较两家运营单位的方案。"),
        AgendaItem(position=2, title="车棚的管理办法", time_box_minutes=30,
                   presenter="居民代表"),
    ]
    db.session.flush()
    db.session.add(AgendaSuggestion(meeting_id=meeting.id, user_id=residents[2][0].id,
                                    title="在车棚旁增加儿童游乐设施",
                                    description="院里孩子多，没有活动的地方。"))

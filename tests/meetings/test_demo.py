"""Demo meetings: a published council meeting on the vacated space and an
announced upcoming one in 东四十条甲34号院, loaded idempotently."""
from residentvoice.demo.directory import DemoContext, demo_password_hash, load_directory
from residentvoice.meetings import minutes
from residentvoice.meetings.demo import NEXT_TITLE, PAST_TITLE, load_meetings
from residentvoice.meetings.models import Attendance, Meeting, MeetingStatus, Motion


def test_demo_meetings_load_once(db):
    ctx = DemoContext(1, demo_password_hash())
    load_directory(ctx)
    load_meetings(ctx)
    load_meetings(ctx)
    meetings = db.session.scalars(db.select(Meeting).order_by(Meeting.starts_at)).all()
    assert [m.title for m in meetings] == [PAST_TITLE, NEXT_TITLE]
    past, upcoming = meetings
    assert past.compound.code == "DSST34"
    assert past.status is MeetingStatus.minutes_published and past.minutes_approved_at
    assert upcoming.status is MeetingStatus.announced
    results = db.session.execute(db.select(Motion.status, Motion.mover_id, Motion.seconder_id)
                                 .where(Motion.meeting_id == past.id)).all()
    assert [r.status.name for r in results] == ["passed", "passed", "failed"]
    assert all(r.mover_id != r.seconder_id for r in results)
    present = db.session.scalar(db.select(db.func.count(Attendance.id))
                                .where(Attendance.meeting_id == past.id))
    assert present >= 12
    assert "垃圾桶站" in past.minutes_text and "充电桩" in past.minutes_text
    assert minutes.comments_open(past)
    wang = ctx.user("13800000001")
    assert [a.text for a in minutes.open_actions_for(wang)] == ["统计1号楼南侧车棚的车辆数量"]

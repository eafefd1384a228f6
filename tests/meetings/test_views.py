"""Meeting pages through the test client: forms keep what was typed, buttons
work without JavaScript, refusals answer a clear message and change nothing."""
import re
from datetime import timedelta

from residentvoice.meetings import core, moderation
from residentvoice.meetings.models import AgendaItem, Meeting, MeetingStatus, Side
from residentvoice.models import utcnow


def _local(dt):
    # Asia/Shanghai, the app's default time zone, has no daylight saving.
    return (dt + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")


def _meeting_form(mt, **overrides):
    data = {"compound_id": mt.world.compound_a.id, "title": "腾退空间议事会",
            "kind": "council", "place": "群众接待室",
            "starts_at": _local(utcnow() + timedelta(days=5)), "duration_minutes": "90",
            "chair_id": mt.chair.id, "recorder_id": mt.secretary.id,
            "invitees": "all_residents", "speech_seconds": "120",
            "speeches_per_motion": "2", "publicity_days": "7"}
    data.update(overrides)
    return data


def test_a_secretary_calls_a_meeting_in_two_steps(mt, client, auth, db):
    auth.login(mt.secretary)
    page = client.get("/meetings/new")
    assert mt.world.compound_a.name in page.get_data(as_text=True)
    page = client.get(f"/meetings/new?compound_id={mt.world.compound_a.id}")
    assert "孙主持" in page.get_data(as_text=True)
    response = client.post("/meetings/new", data=_meeting_form(mt))
    assert response.status_code == 302
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.title == "腾退空间议事会"))
    assert meeting.status is MeetingStatus.draft and meeting.chair_id == mt.chair.id
    assert abs((meeting.starts_at - (utcnow() + timedelta(days=5))).total_seconds()) < 120


def test_bad_meeting_input_keeps_what_was_typed(mt, client, auth, db):
    auth.login(mt.secretary)
    past = _local(utcnow() - timedelta(days=1))
    response = client.post("/meetings/new", data=_meeting_form(
        mt, title="我的标题", starts_at=past, speeches_per_motion="0"))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="我的标题"' in body and f'value="{past}"' in body
    assert "Enter a number from 1 to 10." in body or "1 到 10" in body
    response = client.post("/meetings/new", data=_meeting_form(mt, starts_at=past))
    assert response.status_code == 422
    assert re.search(r'id="starts_at-error"', response.get_data(as_text=True))
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0


def test_agenda_item_form_and_reorder_buttons(mt, client, auth, db):
    meeting = mt.create(items=("一", "二"))
    auth.login(mt.secretary)
    response = client.post(f"/meetings/{meeting.id}/items/new",
                           data={"title": "", "description": "说明文字",
                                 "time_box_minutes": "15"})
    assert response.status_code == 422 and "说明文字" in response.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/items/new",
                           data={"title": "三", "time_box_minutes": "15"})
    assert response.status_code == 302
    third = db.session.scalar(db.select(AgendaItem).where(AgendaItem.title == "三"))
    client.post(f"/meetings/{meeting.id}/items/{third.id}/move", data={"direction": "up"})
    db.session.refresh(meeting)
    assert [i.title for i in meeting.items] == ["一", "三", "二"]


def test_reorder_after_the_start_answers_a_message(mt, client, auth, db):
    meeting = mt.in_session(present=[])
    auth.login(mt.secretary)
    item = meeting.items[1]
    response = client.post(f"/meetings/{meeting.id}/items/{item.id}/move",
                           data={"direction": "up"}, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "before the meeting starts" in body or "会议开始前" in body
    db.session.refresh(item)
    assert item.position == 2


def test_announce_button_refuses_an_empty_agenda(mt, client, auth, db):
    meeting = mt.create(items=())
    auth.login(mt.secretary)
    response = client.post(f"/meetings/{meeting.id}/announce", follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.draft
    assert "flash-error" in response.get_data(as_text=True)


def test_residents_suggest_from_the_meeting_page(mt, client, auth, db):
    meeting = mt.announced()
    auth.login(mt.resident)
    response = client.post(f"/meetings/{meeting.id}/suggestions",
                           data={"title": "", "description": "理由保留"})
    assert response.status_code == 422 and "理由保留" in response.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/suggestions",
                           data={"title": "儿童游乐设施"}, follow_redirects=True)
    assert "儿童游乐设施" in response.get_data(as_text=True)


def test_check_in_by_scanning_the_qr_code(mt, client, auth, db):
    meeting = mt.in_session(present=[])
    auth.login(mt.resident)
    url = f"/meetings/{meeting.id}/checkin/{meeting.checkin_token}"
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/meetings/{meeting.id}/live")
    response = client.post(url, follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)       # twice: refused
    assert client.get(f"/meetings/{meeting.id}/checkin/wrong").status_code == 404


def test_the_secretary_checks_in_from_the_searchable_list(mt, client, auth, db):
    meeting = mt.in_session(present=[])
    auth.login(mt.secretary)
    page = client.get(f"/meetings/{meeting.id}/attendance?q=赵").get_data(as_text=True)
    assert "赵大爷" in page and "王秀兰" not in page and "<svg" in page
    response = client.post(f"/meetings/{meeting.id}/attendance/{mt.third.id}",
                           follow_redirects=True)
    assert "赵大爷" in response.get_data(as_text=True)
    from residentvoice.meetings import attendance
    assert [a.user_id for a in attendance.present(meeting)] == [mt.third.id]


def test_the_polling_endpoint_answers_the_new_state_after_a_change(mt, client, auth, db):
    meeting, motion = mt.debating()
    moderation.request_floor(mt.third, meeting, Side.con)
    auth.login(mt.resident)
    first = client.get(f"/meetings/{meeting.id}/live/state")
    version = first.headers["X-Live-Version"]
    assert first.status_code == 200 and "赵大爷" in first.get_data(as_text=True)
    unchanged = client.get(f"/meetings/{meeting.id}/live/state?since={version}")
    assert unchanged.status_code == 204
    moderation.call_next(mt.chair, meeting)
    db.session.flush()
    changed = client.get(f"/meetings/{meeting.id}/live/state?since={version}")
    assert changed.status_code == 200
    assert int(changed.headers["X-Live-Version"]) > int(version)
    body = changed.get_data(as_text=True)
    assert 'data-countdown-from' in body and "赵大爷" in body


def test_the_chair_calls_the_next_speaker_from_the_chair_screen(mt, client, auth, db):
    meeting, motion = mt.debating()
    moderation.request_floor(mt.third, meeting, Side.con)
    auth.login(mt.chair)
    page = client.get(f"/meetings/{meeting.id}/chair")
    assert page.status_code == 200 and "受邀 5 人，到会 4 人" in page.get_data(as_text=True)
    client.post(f"/meetings/{meeting.id}/speakers/next", data={"screen": "chair"})
    state = moderation.live_state(meeting, mt.chair)
    assert state["speaking"].user_id == mt.third.id


def test_a_third_speech_request_shows_a_clear_message(mt, client, auth, db):
    meeting, motion = mt.debating()
    for _ in range(2):
        moderation.request_floor(mt.third, meeting, Side.con)
        moderation.call_next(mt.chair, meeting)
    auth.login(mt.third)
    response = client.post(f"/meetings/{meeting.id}/floor", data={"side": "pro"},
                           follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "flash-error" in body and ("at most 2 times" in body or "最多发言 2 次" in body)


def test_the_chair_is_told_they_cannot_move(mt, client, auth, db):
    meeting = mt.in_session()
    auth.login(mt.chair)
    response = client.post(f"/meetings/{meeting.id}/motions", data={"text": "主持人的动议"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "主持人的动议" in body
    assert "主持人保持中立" in body or "chair is neutral" in body
    assert moderation.motion_on_floor(meeting) is None


def test_a_motion_moved_and_seconded_from_phones(mt, client, auth, db):
    meeting = mt.in_session()
    auth.login(mt.resident)
    response = client.post(f"/meetings/{meeting.id}/motions", data={"text": "建车棚"})
    assert response.status_code == 302
    motion = moderation.motion_on_floor(meeting)
    auth.logout()
    auth.login(mt.neighbour)
    page = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/motions/{motion.id}/second" in page
    client.post(f"/meetings/{meeting.id}/motions/{motion.id}/second")
    db.session.refresh(motion)
    assert motion.seconder_id == mt.neighbour.id


def test_vote_count_form_keeps_values_on_error(mt, client, auth, db):
    meeting, motion = mt.debating()
    moderation.call_vote(mt.chair, meeting, motion.id)
    auth.login(mt.chair)
    response = client.post(f"/meetings/{meeting.id}/motions/{motion.id}/count",
                           data={"votes_for": "9", "votes_against": "1", "votes_abstain": "0",
                                 "screen": "chair"})
    assert response.status_code == 422
    assert 'value="9"' in response.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/motions/{motion.id}/count",
                           data={"votes_for": "2", "votes_against": "2", "votes_abstain": "0"})
    assert response.status_code == 302
    db.session.refresh(motion)
    assert motion.status.name == "failed"


def test_notice_is_printable_with_a_qr_code_and_no_inline_styles(mt, client, auth, db):
    meeting = mt.announced()
    auth.login(mt.resident)
    body = client.get(f"/meetings/{meeting.id}/notice").get_data(as_text=True)
    assert "<svg" in body and "车棚选址" in body and "花箱布置" in body
    assert "style=" not in body and "<script>" not in body


def test_minutes_pages_publish_and_comment(mt, client, auth, db):
    from residentvoice.meetings import minutes, services
    meeting = mt.in_session()
    services.transition(mt.chair, meeting, "adjourn")
    services.transition(mt.secretary, meeting, "draft_minutes")
    auth.login(mt.secretary)
    response = client.post(f"/meetings/{meeting.id}/minutes", data={"text": ""})
    assert response.status_code == 422
    response = client.post(f"/meetings/{meeting.id}/publish", follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    minutes.approve(mt.chair, meeting)
    client.post(f"/meetings/{meeting.id}/publish")
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.minutes_published
    auth.logout()
    auth.login(mt.resident)
    assert client.get(f"/meetings/{meeting.id}/minutes/print").status_code == 200
    response = client.post(f"/meetings/{meeting.id}/minutes/comments",
                           data={"body": "同意"}, follow_redirects=True)
    assert "同意" in response.get_data(as_text=True)


def test_action_items_show_on_the_owners_home_page_until_done(mt, client, auth, db):
    from residentvoice.meetings import minutes
    meeting = mt.in_session()
    action = minutes.add_action(mt.secretary, meeting, text="统计车辆数量",
                                owner_id=mt.resident.id, due_on=utcnow().date())
    auth.login(mt.resident)
    assert "统计车辆数量" in client.get("/").get_data(as_text=True)
    client.post(f"/meetings/actions/{action.id}/done", data={"next": "/"})
    assert "统计车辆数量" not in client.get("/").get_data(as_text=True)


def test_a_meeting_for_the_whole_community_invites_every_compound(mt, client, auth, db):
    second = mt.factory.compound(mt.world.community_a)
    household = mt.factory.household(mt.factory.building(second))
    elsewhere = mt.factory.resident(household, name="二院居民")
    auth.login(mt.secretary)
    page = client.get("/meetings/new").get_data(as_text=True)
    assert f'value="community-{mt.world.community_a.id}"' in page
    form = _meeting_form(mt, compound_id="0", community_id=mt.world.community_a.id)
    response = client.post("/meetings/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.title == "腾退空间议事会"))
    assert meeting.compound_id is None and meeting.community_id == mt.world.community_a.id
    assert {mt.resident.id, elsewhere.id} <= core.invitee_ids(meeting)
    assert mt.outsider.id not in core.invitee_ids(meeting)


def test_action_item_form_keeps_values_and_refuses_a_past_date(mt, client, auth, db):
    from residentvoice.meetings import minutes
    meeting = mt.in_session()
    auth.login(mt.secretary)
    past = (utcnow() - timedelta(days=2)).date().isoformat()
    response = client.post(f"/meetings/{meeting.id}/actions",
                           data={"text": "联系施工方", "owner_id": mt.third.id, "due_on": past})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "联系施工方" in body and 'id="due_on-error"' in body
    assert minutes.actions_of(meeting) == []
    soon = (utcnow() + timedelta(days=7)).date().isoformat()
    response = client.post(f"/meetings/{meeting.id}/actions",
                           data={"text": "联系施工方", "owner_id": mt.third.id, "due_on": soon})
    assert response.status_code == 302
    assert [a.text for a in minutes.actions_of(meeting)] == ["联系施工方"]


def test_declining_a_suggestion_needs_a_reason_on_the_form(mt, client, auth, db):
    from residentvoice.meetings import agenda
    meeting = mt.announced()
    suggestion = agenda.suggest(mt.resident, meeting, title="儿童游乐设施")
    auth.login(mt.secretary)
    url = f"/meetings/{meeting.id}/suggestions/{suggestion.id}/decline"
    assert "儿童游乐设施" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "本次会议只讨论充电桩"}).status_code == 302
    db.session.refresh(suggestion)
    assert suggestion.reason == "本次会议只讨论充电桩"

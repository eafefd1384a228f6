"""Votes on phones through the pages (issue 19 §7): a resident votes from the
live screen, the chair's polled screen counts it, the count form adds the
hands and the minutes page shows both parts."""
import re

from residentvoice.meetings import moderation, phone_votes, services
from residentvoice.meetings.phone_vote_models import PhoneVote, VoteChoice, tally


def _voting(mt, **kwargs):
    meeting = mt.in_session(**kwargs)
    motion = moderation.move(mt.resident, meeting, "在3号楼东侧建车棚")
    moderation.second(mt.neighbour, meeting, motion.id)
    moderation.accept_for_debate(mt.chair, meeting, motion.id)
    moderation.call_vote(mt.chair, meeting, motion.id)
    return meeting, motion


def _url(meeting, motion):
    return f"/meetings/{meeting.id}/motions/{motion.id}/phone-vote"


def test_a_resident_votes_from_the_live_screen_and_the_chair_screen_counts_it(
        mt, client, auth, db):
    meeting, motion = _voting(mt)
    auth.login(mt.chair)
    before = client.get(f"/meetings/{meeting.id}/chair/state")
    version = before.headers["X-Live-Version"]
    assert "到会可投票 3 人，已有 0 人在手机上投票" in before.get_data(as_text=True)
    auth.logout()

    auth.login(mt.third)
    page = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert f'action="{_url(meeting, motion)}"' in page
    assert "请在手机上投票" in page
    for choice in ("yes", "no", "abstain"):
        assert f'name="choice" value="{choice}"' in page
    response = client.post(_url(meeting, motion), data={"choice": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}/live")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "您的投票已计入：赞成" in page and "您的投票：赞成" in page
    assert re.search(r'value="yes" class="button primary[^"]*" aria-pressed="true"', page)
    auth.logout()

    auth.login(mt.chair)
    after = client.get(f"/meetings/{meeting.id}/chair/state?since={version}")
    assert after.status_code == 200
    assert int(after.headers["X-Live-Version"]) > int(version)
    body = after.get_data(as_text=True)
    tally_html = body.split('class="tally"', 1)[1].split("</dl>", 1)[0]
    assert re.findall(r'<dd class="big">(\d+)</dd>', tally_html) == ["1", "0", "0"]
    assert "到会可投票 3 人，已有 1 人在手机上投票" in body
    assert "未用手机投票者的举手票数" in body


def test_a_second_tap_changes_the_vote_while_it_is_open(mt, client, auth, db):
    meeting, motion = _voting(mt)
    auth.login(mt.third)
    client.post(_url(meeting, motion), data={"choice": "yes"})
    client.post(_url(meeting, motion), data={"choice": "no"})
    votes = db.session.scalars(db.select(PhoneVote)).all()
    assert [(v.user_id, v.choice) for v in votes] == [(mt.third.id, VoteChoice.no)]
    page = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert "您的投票：反对" in page


def test_someone_not_checked_in_is_told_and_nothing_is_kept(mt, client, auth, db):
    meeting, motion = _voting(mt, present=[mt.resident, mt.neighbour, mt.chair])
    auth.login(mt.third)
    page = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert _url(meeting, motion) not in page
    assert "请按主持人的提示举手" in page
    response = client.post(_url(meeting, motion), data={"choice": "yes"},
                           follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    assert "请先签到" in response.get_data(as_text=True)
    assert sum(tally(motion).values()) == 0


def test_a_vote_after_the_count_is_refused(mt, client, auth, db):
    meeting, motion = _voting(mt)
    moderation.record_vote(mt.secretary, meeting, motion.id, votes_for=3, votes_against=0,
                           votes_abstain=0)
    db.session.flush()
    auth.login(mt.third)
    response = client.post(_url(meeting, motion), data={"choice": "no"}, follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    assert sum(tally(motion).values()) == 0


def test_the_chair_adds_the_hands_and_the_minutes_show_both_parts(mt, client, auth, db):
    meeting, motion = _voting(mt)
    phone_votes.cast(mt.resident, meeting, motion.id, VoteChoice.yes)
    phone_votes.cast(mt.neighbour, meeting, motion.id, VoteChoice.no)
    db.session.flush()
    auth.login(mt.chair)
    page = client.get(f"/meetings/{meeting.id}/chair").get_data(as_text=True)
    assert 'id="votes_for"' in page and 'value="0"' in page      # hands start at 0
    response = client.post(f"/meetings/{meeting.id}/motions/{motion.id}/count",
                           data={"votes_for": "3", "votes_against": "0",
                                 "votes_abstain": "0"})
    assert response.status_code == 422                           # 2 phones + 3 hands > 4
    assert "加上手机上已投的 2 票" in response.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/motions/{motion.id}/count",
                           data={"votes_for": "1", "votes_against": "0",
                                 "votes_abstain": "0"})
    assert response.status_code == 302
    db.session.refresh(motion)
    assert (motion.votes_for, motion.votes_against, motion.status.name) == (2, 1, "passed")
    services.transition(mt.chair, meeting, "adjourn")
    services.transition(mt.secretary, meeting, "draft_minutes")
    db.session.flush()
    auth.logout()
    auth.login(mt.secretary)
    page = client.get(f"/meetings/{meeting.id}/minutes").get_data(as_text=True)
    assert "2 / 1 / 0" in page
    assert "手机投票 1 / 1 / 0" in page and "举手 1 / 0 / 0" in page
    assert ("表决：赞成 2，反对 1，弃权 0 —— 通过（其中手机投票：赞成 1，反对 1，弃权 0；"
            "举手：赞成 1，反对 0，弃权 0）。") in page


def test_the_screens_speak_english_to_an_english_reader(mt, client, auth, db):
    meeting, motion = _voting(mt)
    phone_votes.cast(mt.third, meeting, motion.id, VoteChoice.abstain)
    db.session.flush()
    client.set_cookie("rv_lang", "en")
    auth.login(mt.third)
    page = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert "Vote here on your phone" in page and "Your vote: Abstain" in page
    assert "1 of 3 present have voted on a phone." in page
    auth.logout()
    auth.login(mt.chair)
    page = client.get(f"/meetings/{meeting.id}/chair").get_data(as_text=True)
    assert "Votes on phones, counting live" in page
    assert "Hands raised by those who did not vote on a phone" in page


def test_the_minutes_api_gives_the_count_and_its_two_parts(mt, api, db):
    from residentvoice.meetings import minutes
    meeting, motion = _voting(mt)
    phone_votes.cast(mt.resident, meeting, motion.id, VoteChoice.yes)
    phone_votes.cast(mt.neighbour, meeting, motion.id, VoteChoice.yes)
    moderation.record_vote(mt.secretary, meeting, motion.id, votes_for=0, votes_against=1,
                           votes_abstain=0)
    services.transition(mt.chair, meeting, "adjourn")
    services.transition(mt.secretary, meeting, "draft_minutes")
    minutes.approve(mt.chair, meeting)
    services.transition(mt.secretary, meeting, "publish")
    api.login(mt.resident)
    [entry] = api.get(f"/api/v1/meetings/{meeting.id}/minutes").json["motions"]
    assert (entry["votes_for"], entry["votes_against"], entry["votes_abstain"]) == (2, 1, 0)
    assert entry["on_phones"] == {"votes_for": 2, "votes_against": 0, "votes_abstain": 0}
    assert entry["show_of_hands"] == {"votes_for": 0, "votes_against": 1, "votes_abstain": 0}
    assert entry["status"] == "passed" and entry["advisory"] is None

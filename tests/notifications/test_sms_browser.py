"""The channel settings and the delivery status in Chromium at 390×844, in
Chinese and English (issue 18 §3); screenshots in test-artifacts/ (sms-*.png)."""
import pytest

from residentvoice.auth.models import User
from residentvoice.extensions import db
from residentvoice.notifications import sms
from residentvoice.notifications.models import Notification
from residentvoice.notifications.services import notify
from residentvoice.notifications.sms_models import SmsChoice, SmsMessage, SmsOptOut

from ..e2e.conftest import (browser, live, login, new_page, page, shoot,  # noqa: F401
                            layout_problems, submit)

pytestmark = pytest.mark.browser

RESIDENT = "13800000001"        # 王秀兰, 东四十条甲34号院
SECRETARY = "13900000001"       # 东四十条社区
RESOLVED = "Ticket %(number)s is marked resolved. Is it really fixed? Please confirm."


@pytest.fixture
def sms_on(live, monkeypatch):
    monkeypatch.setitem(live.app.config, "SMS_PROVIDER", "outbox")
    monkeypatch.setitem(live.app.config, "PUBLIC_URL", "https://rv.example.cn")
    yield
    with live.session() as session:         # leave the shared demo data as it was
        user = session.scalar(db.select(User).where(User.phone == RESIDENT))
        session.execute(db.delete(SmsMessage).where(SmsMessage.user_id == user.id))
        session.execute(db.delete(SmsChoice).where(SmsChoice.user_id == user.id))
        session.execute(db.delete(SmsOptOut).where(SmsOptOut.phone == RESIDENT))
        session.execute(db.delete(Notification).where(Notification.user_id == user.id,
                                                      Notification.message == RESOLVED))


def english(page, live):
    page.context.add_cookies([{"name": "rv_lang", "value": "en", "url": live.base}])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_resident_chooses_sms(live, new_page, login, submit, shoot, layout_problems, sms_on,
                                lang):
    page = new_page()
    if lang == "en":
        english(page, live)
    login(page, RESIDENT)
    page.goto(live.url("/notifications/channels"))
    box = page.locator("input[name=sms]")
    box.check()
    submit(page, "#channel-sms button[type=submit]")
    assert page.locator("input[name=sms]").is_checked()
    text = page.locator("main").inner_text()
    if lang == "zh":
        assert "接收通知的方式" in text and "短信发到您登录用的号码" in text
    else:
        assert "How notifications reach you" in text and "SMS go to 13800000001" in text
    assert layout_problems(page) == []
    shoot(page, f"sms-channels-{lang}")


def test_without_configuration_the_page_says_sms_is_off(live, new_page, login, shoot,
                                                        layout_problems, monkeypatch):
    monkeypatch.setitem(live.app.config, "SMS_PROVIDER", "")
    page = new_page()
    login(page, RESIDENT)
    page.goto(live.url("/notifications/channels"))
    assert "本站尚未开通短信" in page.locator("#channel-sms").inner_text()
    assert page.locator("input[name=sms]").count() == 0
    assert layout_problems(page) == []
    shoot(page, "sms-channels-off-zh")


def test_the_secretary_sees_delivery_status(live, new_page, login, shoot, layout_problems,
                                            sms_on):
    with live.session() as session:
        user = session.scalar(db.select(User).where(User.phone == RESIDENT))
        sms.choose(user, True)
        notify([user.id], "ticket.resolved", RESOLVED, {"number": "T-1"}, "/tickets/1")
    page = new_page()
    login(page, SECRETARY)
    page.goto(live.url("/notifications/sms/status"))
    text = page.locator("main").inner_text()
    assert "短信发送情况" in text and "王秀兰" in text and "138****0001" in text
    assert "请确认是否修好：https://rv.example.cn/notifications/go/t1" in text
    assert layout_problems(page) == []
    shoot(page, "sms-status-zh")

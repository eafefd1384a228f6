"""朗读 (read aloud, issue 18 §2) in Chromium: the browser's speech synthesis is
replaced by a stub (``add_init_script``) that records each utterance's text,
language and voice; the tests tap the button and check what would be said."""
import json

import pytest

from .test_elder_mode import (ANNOUNCED_MEETING, CQY_RESIDENT, OPEN_BALLOT, PUBLISHED_BALLOT,
                              RESIDENT, UPDATE, ids, mode)  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def speech_stub(voices):
    """Replaces the browser's speech synthesis: records what would be said."""
    return """
    (() => {
      const voices = VOICES;
      window.__spoken = [];
      const synth = {
        speaking: false,
        getVoices: () => voices.map(lang => ({lang, name: 'stub ' + lang, default: false})),
        speak: (u) => { window.__spoken.push({text: u.text, lang: u.lang,
                                               voice: u.voice && u.voice.lang}); },
        cancel: () => {}, pause: () => {}, resume: () => {},
        addEventListener: () => {}, removeEventListener: () => {},
      };
      Object.defineProperty(window, 'speechSynthesis', {value: synth, configurable: true});
      window.SpeechSynthesisUtterance = function (text) { this.text = text; this.lang = ''; };
    })();
    """.replace("VOICES", json.dumps(voices))


def _spoken(page):
    button = page.locator(".read-aloud-button")
    button.wait_for(state="visible")
    button.click()
    page.wait_for_function("window.__spoken.length > 0")
    return page.evaluate("window.__spoken")


def _listener(new_page, live, login, who, voices=("zh-CN", "en-US"), lang="zh"):
    page = new_page()
    if lang == "en":
        page.context.add_cookies([{"name": "rv_lang", "value": "en", "url": live.base}])
    page.add_init_script(speech_stub(list(voices)))
    login(page, who)
    return page


def _option_labels(live, ballot_id):
    from residentvoice.voting.models import Ballot
    from residentvoice.voting.presenters import option_label
    with live.app.test_request_context(), live.session() as s:
        return [str(option_label(o)) for o in s.get(Ballot, ballot_id).options]


def test_a_ballot_is_read_aloud_in_mandarin(new_page, live, login, ids, mode):
    mode(False)     # read-aloud is for everyone, not only in elder mode
    page = _listener(new_page, live, login, RESIDENT)
    page.goto(f"/ballots/{ids['ballot']}")
    spoken = _spoken(page)
    text = " ".join(u["text"] for u in spoken)
    assert OPEN_BALLOT in text
    labels = _option_labels(live, ids["ballot"])
    assert labels and all(label in text for label in labels), (labels, text)
    assert all(u["lang"].startswith("zh") and u["voice"].startswith("zh") for u in spoken)
    assert page.locator(".read-aloud-button").inner_text() == "停止朗读"


@pytest.mark.parametrize("what", ["meeting", "meeting-notice", "result", "result-notice",
                                  "ticket"])
def test_notices_and_a_tickets_latest_update_are_read_aloud(new_page, live, login, ids, mode,
                                                             what):
    mode(True)
    if what == "ticket":
        page = _listener(new_page, live, login, RESIDENT)
        page.goto(f"/tickets/{ids['ticket']}")
        expected = [ids["ticket_number"], "最新进展", UPDATE]
    elif what.startswith("meeting"):
        page = _listener(new_page, live, login, RESIDENT)
        suffix = "/notice" if what == "meeting-notice" else ""
        page.goto(f"/meetings/{ids['meeting']}{suffix}")
        expected = [ANNOUNCED_MEETING, "时间：", "地点：", "议程"]
    else:
        page = _listener(new_page, live, login, CQY_RESIDENT)
        suffix = "/notice" if what == "result-notice" else "/result"
        page.goto(f"/ballots/{ids['published']}{suffix}")
        expected = [PUBLISHED_BALLOT, "通过", "表决门槛", "达到"]
    spoken = _spoken(page)
    text = " ".join(u["text"] for u in spoken)
    assert all(part in text for part in expected), (expected, text)
    assert all(u["lang"] == "zh-CN" for u in spoken)


def test_without_a_chinese_voice_the_button_says_so(new_page, live, login, ids, mode):
    mode(True)
    page = _listener(new_page, live, login, RESIDENT, voices=["en-US", "fr-FR"])
    page.goto(f"/ballots/{ids['ballot']}")
    note = page.locator(".read-aloud-note")
    note.wait_for(state="visible")
    assert "没有中文语音" in note.inner_text()
    page.locator(".read-aloud-button").click()
    assert page.evaluate("window.__spoken") == [], "nothing is read in a wrong voice"
    assert note.is_visible()


def test_an_english_page_reads_english_and_chinese_content_in_mandarin(new_page, live, login,
                                                                        ids, mode):
    """The page's language; content typed in Chinese (the question) in Mandarin."""
    mode(False)
    page = _listener(new_page, live, login, RESIDENT, lang="en")
    page.goto(f"/ballots/{ids['ballot']}")
    assert page.get_attribute("html", "lang") == "en"
    spoken = _spoken(page)
    langs = {u["lang"] for u in spoken}
    assert langs == {"en", "zh-CN"}, spoken
    question = next(u for u in spoken if OPEN_BALLOT in u["text"])
    assert question["lang"] == "zh-CN"
    assert any(u["lang"] == "en" and "Options" in u["text"] for u in spoken)


def test_no_button_without_speech_synthesis(new_page, live, login, ids):
    page = new_page()
    page.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    login(page, RESIDENT)
    page.goto(f"/ballots/{ids['ballot']}")
    page.wait_for_load_state("load")
    assert page.locator(".read-aloud").count() == 1
    assert not page.locator(".read-aloud").is_visible()

"""What goes out by SMS, and with which template values (issue 18 §3).

A provider sends only templates it approved in advance, with the values
filled in; the values must follow its rules.  Tencent Cloud, the strictest we
support, allows at most 6 characters per value in a notification template and
no link inside a value: a link must be fixed text of the template.  So each
template carries the site's address up to ``/notifications/go/`` as fixed
text, and one value completes it with a short code naming the record
(``b`` ballot, ``m`` meeting, ``t`` ticket + its id in base 36: six
characters reach id 60,466,175).  Dates and times are Beijing time, ``12月6日``
and ``19:30``.

Each SMS kind is answered by the in-app notification kinds that stand for
it, so the features notify once (``notifications.services.notify``) and the
SMS follows; a notification kind not listed here sends no SMS."""
from dataclasses import dataclass
from datetime import timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext

from ..i18n import N_

PARAM_MAX = 6
BEIJING = ZoneInfo("Asia/Shanghai")
LINK_KINDS = {"ballots": "b", "meetings": "m", "tickets": "t"}
LINK_PATHS = {letter: path for path, letter in LINK_KINDS.items()}
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class SmsKind:
    """``key`` names the template in the configuration (``SMS_TEMPLATE_<KEY>``);
    ``params`` are the values in template order; ``text`` is the suggested
    template wording, ``{1}`` … for the values and ``{link}`` for the fixed
    address (shown on the delivery status page and in the README)."""
    key: str
    params: tuple
    text: str


KINDS = {
    "ballot_opened": SmsKind("ballot_opened", ("code", "date"), N_(
        "A ballot of your compound is open until {2}. Vote: {link}{1} Reply TD to stop")),
    "ballot_closing": SmsKind("ballot_closing", ("code", "date"), N_(
        "A ballot of your compound closes on {2}. If you have not voted: {link}{1} "
        "Reply TD to stop")),
    "ballot_result": SmsKind("ballot_result", ("code",), N_(
        "The result of a ballot of your compound is published: {link}{1} Reply TD to stop")),
    "meeting_notice": SmsKind("meeting_notice", ("code", "date", "time"), N_(
        "A residents' meeting is called for {2} at {3}. Details: {link}{1} Reply TD to stop")),
    "meeting_changed": SmsKind("meeting_changed", ("code", "date", "time"), N_(
        "A residents' meeting has changed; it is now on {2} at {3}. Details: {link}{1} "
        "Reply TD to stop")),
    "ticket_routed": SmsKind("ticket_routed", ("code",), N_(
        "A new ticket is waiting for you: {link}{1} Reply TD to stop")),
    "ticket_resolved": SmsKind("ticket_resolved", ("code",), N_(
        "The problem you reported is marked fixed. Please confirm: {link}{1} "
        "Reply TD to stop")),
    "ticket_overdue": SmsKind("ticket_overdue", ("code",), N_(
        "A ticket is overdue and was escalated to you: {link}{1} Reply TD to stop")),
}

# In-app notification kind → SMS kind.
BY_NOTIFICATION = {
    "ballot.opened": "ballot_opened",
    "ballot.closing": "ballot_closing",
    "ballot.published": "ballot_result",
    "meeting.announced": "meeting_notice",
    "meeting.changed": "meeting_changed",
    "ticket.routed": "ticket_routed",
    "ticket.resolved": "ticket_resolved",
    "ticket.escalated": "ticket_overdue",
}


def base36(number):
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = DIGITS[digit] + text
        if not number:
            return text


def link_code(url):
    """``/ballots/12`` → ``bc``; None for a path that is not a ballot, meeting
    or ticket page (or whose id is too large for a template value)."""
    parts = (url or "").strip("/").split("/")
    if len(parts) < 2 or parts[0] not in LINK_KINDS or not parts[1].isdigit():
        return None
    code = LINK_KINDS[parts[0]] + base36(int(parts[1]))
    return code if len(code) <= PARAM_MAX else None


def link_target(code):
    """The page a code names (``bc`` → ``/ballots/12``), or None."""
    if not code or code[0] not in LINK_PATHS or len(code) > PARAM_MAX:
        return None
    try:
        ident = int(code[1:], 36)
    except ValueError:
        return None
    return f"/{LINK_PATHS[code[0]]}/{ident}"


def _local(at):
    return at.replace(tzinfo=timezone.utc).astimezone(BEIJING)


def template_params(kind, url, at=None):
    """The values of ``kind``'s template, each within PARAM_MAX characters, or
    None when they cannot be made (no record link; a date the kind needs is
    missing)."""
    spec = KINDS[kind]
    code = link_code(url)
    if code is None:
        return None
    values = []
    for name in spec.params:
        if name == "code":
            values.append(code)
        elif at is None:
            return None
        elif name == "date":
            values.append(f"{_local(at).month}月{_local(at).day}日")
        elif name == "time":
            values.append(_local(at).strftime("%H:%M"))
    return values if all(len(v) <= PARAM_MAX for v in values) else None


def preview(kind, params, link):
    """The message as the suggested template reads, with its values."""
    text = gettext(KINDS[kind].text)
    for index, value in enumerate(params or (), start=1):
        text = text.replace("{%d}" % index, str(value))
    return text.replace("{link}", link)

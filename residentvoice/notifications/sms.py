"""SMS notifications (issue 18 §3): rules of who gets what, and when.

- Opt-in per account; a number that replied TD/退订 (or was switched off in
  the account) gets nothing until its owner switches SMS on again.
- A message is queued when its notification is made (``notify``), for every
  recipient who chose SMS, in one INSERT — never one job per user per event.
- Quiet hours 22:00–08:00 Beijing time: a message due then waits until 08:00,
  except an urgent one (a ticket marked as an emergency: a risk to life or
  property, DESIGN §5).
- At most ``SMS_DAILY_CAP`` (default 5) messages a person per Beijing day;
  what is over it is marked ``capped`` and stays in the app.  Urgent
  messages are never capped.
- A provider error that may pass is retried after 1, 2, 4, 8 … minutes (at
  most 6 hours apart), up to MAX_ATTEMPTS; a permanent one fails at once."""
import logging
from datetime import timedelta, timezone

from ..auth.models import User
from ..extensions import db
from ..models import utcnow
from .sms_backends import template_for
from .sms_kinds import BEIJING, BY_NOTIFICATION, template_params
from .sms_models import OptOutSource, SmsChoice, SmsMessage, SmsOptOut, SmsStatus

log = logging.getLogger(__name__)

QUIET_START, QUIET_END = 22, 8
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
BATCH = 200
STOP_WORDS = {"TD", "T", "N", "退订", "退定", "取消", "STOP", "UNSUBSCRIBE"}


def _local(moment):
    return moment.replace(tzinfo=timezone.utc).astimezone(BEIJING)


def _utc(local):
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def in_quiet_hours(moment):
    hour = _local(moment).hour
    return hour >= QUIET_START or hour < QUIET_END


def quiet_hours_end(moment):
    """The next 08:00 Beijing time at or after ``moment`` (naive UTC)."""
    local = _local(moment)
    end = local.replace(hour=QUIET_END, minute=0, second=0, microsecond=0)
    if end < local:
        end += timedelta(days=1)
    return _utc(end)


def local_midnight(moment):
    local = _local(moment)
    return _utc(local.replace(hour=0, minute=0, second=0, microsecond=0))


def backoff(attempts):
    """The wait after the ``attempts``-th failed try: 1, 2, 4 … minutes, ≤ 6 h."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def is_opted_in(user):
    choice = db.session.get(SmsChoice, user.id)
    return bool(choice and choice.enabled) and db.session.get(SmsOptOut, user.phone) is None


def opt_out_of(user):
    """The opt-out standing against the user's number, if any."""
    return db.session.get(SmsOptOut, user.phone)


def choose(user, enabled, now=None):
    """The account's choice.  Switching SMS on is the owner's new consent and
    clears an earlier opt-out of their number; switching it off records one."""
    now = now or utcnow()
    choice = db.session.get(SmsChoice, user.id)
    if choice is None:
        choice = SmsChoice(user_id=user.id)
        db.session.add(choice)
    choice.enabled = bool(enabled)
    choice.updated_at = now
    opt_out = db.session.get(SmsOptOut, user.phone)
    if enabled and opt_out is not None:
        db.session.delete(opt_out)
    elif not enabled and opt_out is None:
        db.session.add(SmsOptOut(phone=user.phone, created_at=now, source=OptOutSource.account))
    db.session.flush()
    return choice


def normalise_phone(phone):
    digits = "".join(ch for ch in str(phone or "") if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if len(digits) == 11 and digits.startswith("1") else None


def handle_reply(phone, text, now=None):
    """An SMS a resident sent back (the provider forwards it).  TD, 退订 and
    the like opt the number out, whatever account holds it; anything else is
    ignored.  True when it opted out."""
    phone = normalise_phone(phone)
    word = "".join((text or "").split()).upper().strip("。.!！")
    if phone is None or word not in STOP_WORDS:
        return False
    now = now or utcnow()
    row = db.session.get(SmsOptOut, phone)
    if row is None:
        db.session.add(SmsOptOut(phone=phone, created_at=now, source=OptOutSource.reply))
    db.session.execute(db.update(SmsMessage).where(
        SmsMessage.phone == phone, SmsMessage.status == SmsStatus.queued)
        .values(status=SmsStatus.opted_out))
    db.session.flush()
    return True


def enqueue(settings, user_ids, notification_kind, url, at=None, urgent=False, now=None):
    """Queue the SMS that stands for a notification, for the recipients who
    chose SMS and did not opt out.  Nothing when SMS is off, the kind has no
    SMS, or its template is not configured."""
    kind = BY_NOTIFICATION.get(notification_kind)
    if settings is None or kind is None or template_for(settings, kind) is None:
        return 0
    params = template_params(kind, url, at)
    if params is None:
        log.warning("no SMS for %s %s: its template values cannot be made", kind, url)
        return 0
    now = now or utcnow()
    due = now if urgent or not in_quiet_hours(now) else quiet_hours_end(now)
    recipients = db.session.execute(
        db.select(User.id, User.phone).join(SmsChoice, SmsChoice.user_id == User.id)
        .outerjoin(SmsOptOut, SmsOptOut.phone == User.phone)
        .where(User.id.in_(sorted(user_ids)), User.active.is_(True),
               SmsChoice.enabled.is_(True), SmsOptOut.phone.is_(None))).all()
    if not recipients:
        return 0
    db.session.execute(db.insert(SmsMessage), [
        {"user_id": uid, "phone": phone, "kind": kind, "params": params, "urgent": bool(urgent),
         "status": SmsStatus.queued, "created_at": now, "next_attempt_at": due,
         "attempts": 0, "provider": settings["provider"], "provider_id": "", "cost_units": 0,
         "last_error": ""} for uid, phone in recipients])
    return len(recipients)

"""The SMS send run (``flask notifications sms``, from cron every few minutes)
and the delivery status a secretary reads.  The rules are in ``sms``."""
from collections import Counter
from datetime import timedelta

from sqlalchemy.orm import joinedload

from ..auth.models import RoleAssignment, RoleKind
from ..directory.models import Compound, Household
from ..extensions import db
from ..models import utcnow
from .sms import (BATCH, MAX_ATTEMPTS, backoff, in_quiet_hours, local_midnight,
                  quiet_hours_end)
from .sms_backends import ProviderError, backend_for, template_for
from .sms_models import SmsChoice, SmsMessage, SmsOptOut, SmsStatus

STATUS_WINDOW = timedelta(days=30)


def send_due(settings, *, backend=None, now=None, commit=None, batch_size=BATCH):
    """Send every queued message that is due, batch by batch (rows locked,
    SKIP LOCKED on PostgreSQL, so overlapping runs share nothing); ``commit``
    is called after each batch.  Returns a count per outcome."""
    now = now or utcnow()
    backend = backend or backend_for(settings)
    report = Counter()
    last_id = 0
    while True:
        rows = db.session.scalars(
            db.select(SmsMessage).where(SmsMessage.status == SmsStatus.queued,
                                        SmsMessage.next_attempt_at <= now,
                                        SmsMessage.id > last_id)
            .order_by(SmsMessage.id).limit(batch_size)
            .with_for_update(skip_locked=True)).all()
        if not rows:
            return report
        last_id = rows[-1].id
        context = _batch_context(rows, now)
        for message in rows:
            report[_send_one(settings, backend, message, context, now)] += 1
        db.session.flush()
        if commit is not None:
            commit()


def _batch_context(rows, now):
    """Who still wants SMS, and how many each got today, for a batch: three
    queries, whatever its size."""
    user_ids = {m.user_id for m in rows}
    phones = {m.phone for m in rows}
    enabled = set(db.session.scalars(db.select(SmsChoice.user_id).where(
        SmsChoice.user_id.in_(user_ids), SmsChoice.enabled.is_(True))))
    opted_out = set(db.session.scalars(db.select(SmsOptOut.phone).where(
        SmsOptOut.phone.in_(phones))))
    sent_today = Counter(dict(db.session.execute(
        db.select(SmsMessage.user_id, db.func.count()).where(
            SmsMessage.user_id.in_(user_ids), SmsMessage.status == SmsStatus.sent,
            SmsMessage.sent_at >= local_midnight(now))
        .group_by(SmsMessage.user_id)).all()))
    return {"enabled": enabled, "opted_out": opted_out, "sent_today": sent_today}


def _send_one(settings, backend, message, context, now):
    if message.user_id not in context["enabled"] or message.phone in context["opted_out"]:
        message.status = SmsStatus.opted_out
        return "opted_out"
    if not message.urgent and in_quiet_hours(now):
        message.next_attempt_at = quiet_hours_end(now)
        return "deferred"
    if not message.urgent and context["sent_today"][message.user_id] >= settings["daily_cap"]:
        message.status = SmsStatus.capped
        return "capped"
    template = template_for(settings, message.kind)
    message.attempts += 1
    message.provider = backend.name
    if template is None:
        message.status = SmsStatus.failed
        message.last_error = f"no template configured for {message.kind}"
        return "failed"
    try:
        delivery = backend.send(message.phone, template, message.params, message_id=message.id)
    except ProviderError as error:
        message.last_error = str(error)[:300]
        if error.retryable and message.attempts < MAX_ATTEMPTS:
            message.next_attempt_at = now + backoff(message.attempts)
            return "retry"
        message.status = SmsStatus.failed
        return "failed"
    message.status = SmsStatus.sent
    message.sent_at = now
    message.provider_id = delivery.provider_id[:80]
    message.cost_units = delivery.cost_units
    message.last_error = ""
    context["sent_today"][message.user_id] += 1
    return "sent"


def _residents_of(community_ids):
    return (db.select(RoleAssignment.user_id)
            .join(Household, Household.id == RoleAssignment.household_id)
            .join(Compound, Compound.id == Household.compound_id)
            .where(RoleAssignment.kind == RoleKind.resident,
                   Compound.community_id.in_(sorted(community_ids))))


def delivery_summary(community_ids, now=None):
    """Messages to the residents of these communities in the last 30 days:
    ``{status: (count, cost units)}``."""
    since = (now or utcnow()) - STATUS_WINDOW
    rows = db.session.execute(
        db.select(SmsMessage.status, db.func.count(), db.func.sum(SmsMessage.cost_units))
        .where(SmsMessage.user_id.in_(_residents_of(community_ids).scalar_subquery()),
               SmsMessage.created_at >= since)
        .group_by(SmsMessage.status)).all()
    return {status: (count, int(cost or 0)) for status, count, cost in rows}


def delivery_page(community_ids, page, per_page=50):
    """The latest messages to these communities' residents, with their names."""
    query = (db.select(SmsMessage).options(joinedload(SmsMessage.user))
             .where(SmsMessage.user_id.in_(_residents_of(community_ids).scalar_subquery()))
             .order_by(SmsMessage.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)

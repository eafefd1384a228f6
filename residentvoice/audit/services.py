"""Writing the audit log. Called by service functions, never by views."""
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from .models import AuditEntry


class AuditLogIsAppendOnly(Exception):
    pass


def _json_safe(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "name") and hasattr(value, "value"):  # enum
        return value.name
    return str(value)


def record(actor, action, obj=None, *, summary="", changes=None, community_id=None,
           object_type=None, object_id=None):
    """Append one entry: ``actor`` did ``action`` to ``obj``.

    ``changes`` maps field → (old, new); values are stored as JSON-safe text."""
    if obj is not None:
        object_type = object_type or type(obj).__name__
        if object_id is None:
            db.session.flush()
            object_id = obj.id
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None), action=action,
        object_type=object_type or "", object_id=object_id,
        community_id=community_id, summary=summary[:2000],
        changes={k: [_json_safe(v) for v in pair] for k, pair in (changes or {}).items()},
    )
    db.session.add(entry)
    return entry


def diff(obj, data, fields):
    """Apply ``data[f]`` to ``obj`` for each field and return the changes made."""
    changes = {}
    for field in fields:
        if field not in data:
            continue
        old, new = getattr(obj, field), data[field]
        if old != new:
            changes[field] = (old, new)
            setattr(obj, field, new)
    return changes


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")

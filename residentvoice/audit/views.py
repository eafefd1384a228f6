from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from .. import access
from ..extensions import db
from ..main.sections import nav_item
from . import bp
from .models import AuditEntry
from .sentences import lines, type_choices

nav_item(90, "audit.log", _l("Audit log"),
         lambda user: user.is_authenticated and user.has_any_role("secretary", "street_admin"))


@bp.route("/")
@access.role("secretary", "street_admin")
def log():
    """The audit log of the communities the user manages, as sentences, filtered
    by kind of record (a record's "History" link also narrows it to that record)."""
    communities = current_user.managed_community_ids()
    query = db.select(AuditEntry).where(AuditEntry.community_id.in_(communities))
    object_type = request.args.get("type", "").strip()[:40]
    object_id = request.args.get("id", type=int)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    types = db.session.scalars(
        db.select(AuditEntry.object_type).where(AuditEntry.community_id.in_(communities))
        .distinct().order_by(AuditEntry.object_type)).all()
    page = db.paginate(query.options(joinedload(AuditEntry.actor))
                       .order_by(AuditEntry.id.desc()), per_page=50, error_out=False)
    return render_template("audit/log.html", page=page, lines=lines(page.items),
                           types=type_choices(types), object_type=object_type,
                           object_id=object_id)

from flask import abort, send_file
from flask_login import current_user

from .. import access
from ..extensions import db
from . import bp, services
from .models import Upload


@bp.route("/<int:upload_id>")
@access.login
def show(upload_id):
    """Serve an upload to whoever may see the record it belongs to (else 404)."""
    upload = db.session.get(Upload, upload_id)
    if upload is None or not services.can_view(upload, current_user):
        abort(404)
    try:
        response = send_file(services.path_of(upload), mimetype=upload.content_type,
                             max_age=3600, conditional=True)
    except OSError:  # the file is gone (lost storage): nothing to show, not a crash
        abort(404)
    response.headers["Cache-Control"] = "private, max-age=3600"
    if upload.kind == "pdf":
        response.headers["Content-Disposition"] = "inline"
    return response

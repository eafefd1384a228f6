from flask import abort, send_file

from .. import access
from . import bp, services
from .models import Upload


@bp.route("/<int:upload_id>")
@access.login
@access.guard(Upload, "upload_id", can_view=services.may_see)
def show(upload):
    """Serve an upload to whoever may see the record it belongs to (else 404)."""
    try:
        response = send_file(services.path_of(upload), mimetype=upload.content_type,
                             max_age=3600, conditional=True)
    except OSError:  # the file is gone (lost storage): nothing to show, not a crash
        abort(404)
    response.headers["Cache-Control"] = "private, max-age=3600"
    if upload.kind == "pdf":
        response.headers["Content-Disposition"] = "inline"
    return response

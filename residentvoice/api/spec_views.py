from flask import current_app, jsonify

from .. import access
from . import bp, spec


@bp.route("/openapi.json")
@access.api(public=True)
@spec.documented("This OpenAPI document", statuses=[200], auth=False, tag="meta")
def openapi():
    return jsonify(spec.build(current_app))

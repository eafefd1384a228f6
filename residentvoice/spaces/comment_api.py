"""JSON API for the comment thread's own actions: edit and delete (the author,
within 15 minutes), flag (anyone who sees it), hide (secretaries)."""
from flask import jsonify

from .. import access
from ..api import bp
from ..api.helpers import json_body, load, user
from ..api.spec import documented, ref
from . import discussion
from .api import STR, TAG, comment_json
from .discussion_models import Comment


@bp.route("/proposal-comments/<int:comment_id>", methods=["PATCH"])
@access.api()
@documented("Edit one's own comment within 15 minutes", statuses=[200, 400, 403, 404, 422],
            success=ref("ProposalComment"), tag=TAG,
            body={"type": "object", "required": ["body"], "properties": {"body": STR}})
def comment_edit(comment_id):
    comment = load(Comment, comment_id, can="is_author")
    discussion.edit_comment(user(), comment, json_body()["body"])
    return jsonify(comment_json(comment))


@bp.route("/proposal-comments/<int:comment_id>", methods=["DELETE"])
@access.api()
@documented("Delete one's own comment within 15 minutes", statuses=[200, 403, 404, 422],
            success=ref("ProposalComment"), tag=TAG)
def comment_delete(comment_id):
    comment = load(Comment, comment_id, can="is_author")
    discussion.delete_comment(user(), comment)
    return jsonify(comment_json(comment))


@bp.route("/proposal-comments/<int:comment_id>/flag", methods=["POST"])
@access.api()
@documented("Flag a comment for the moderators (once per person)",
            statuses=[201, 404, 409, 422], success=ref("ProposalComment"), tag=TAG,
            body={"type": "object", "properties": {"reason": STR}})
def comment_flag(comment_id):
    comment = load(Comment, comment_id)
    discussion.flag_comment(user(), comment, json_body().get("reason", ""))
    return jsonify(comment_json(comment)), 201


@bp.route("/proposal-comments/<int:comment_id>/hide", methods=["POST"])
@access.api()
@documented("Hide a comment with the reason shown in its place (secretaries)",
            statuses=[200, 400, 403, 404, 409, 422], success=ref("ProposalComment"), tag=TAG,
            body={"type": "object", "required": ["reason"], "properties": {"reason": STR}})
def comment_hide(comment_id):
    comment = load(Comment, comment_id, can="can_moderate")
    discussion.hide_comment(user(), comment, json_body()["reason"])
    return jsonify(comment_json(comment))

"""JSON API for the comment thread's own actions: edit and delete (the author,
within 15 minutes), flag (anyone who sees it), hide (secretaries)."""
from flask import jsonify

from .. import access
from ..api import bp
from ..api.helpers import json_body, user
from ..api.spec import documented, ref
from . import discussion
from .api import STR, TAG, comment_json
from .discussion_models import Comment


@bp.route("/proposal-comments/<int:comment_id>", methods=["PATCH"])
@access.api()
@documented("Edit one's own comment within 15 minutes", statuses=[200, 400, 403, 404, 422],
            success=ref("ProposalComment"), tag=TAG,
            body={"type": "object", "required": ["body"], "properties": {"body": STR}})
@access.guard(Comment, "comment_id", can="is_author")
def comment_edit(comment):
    discussion.edit_comment(user(), comment, json_body()["body"])
    return jsonify(comment_json(comment))


@bp.route("/proposal-comments/<int:comment_id>", methods=["DELETE"])
@access.api()
@documented("Delete one's own comment within 15 minutes", statuses=[200, 403, 404, 422],
            success=ref("ProposalComment"), tag=TAG)
@access.guard(Comment, "comment_id", can="is_author")
def comment_delete(comment):
    discussion.delete_comment(user(), comment)
    return jsonify(comment_json(comment))


@bp.route("/proposal-comments/<int:comment_id>/flag", methods=["POST"])
@access.api()
@documented("Flag a comment for the moderators (once per person)",
            statuses=[201, 404, 409, 422], success=ref("ProposalComment"), tag=TAG,
            body={"type": "object", "properties": {"reason": STR}})
@access.guard(Comment, "comment_id")
def comment_flag(comment):
    discussion.flag_comment(user(), comment, json_body().get("reason", ""))
    return jsonify(comment_json(comment)), 201


@bp.route("/proposal-comments/<int:comment_id>/hide", methods=["POST"])
@access.api()
@documented("Hide a comment with the reason shown in its place (secretaries)",
            statuses=[200, 400, 403, 404, 409, 422], success=ref("ProposalComment"), tag=TAG,
            body={"type": "object", "required": ["reason"], "properties": {"reason": STR}})
@access.guard(Comment, "comment_id", can="can_moderate")
def comment_hide(comment):
    discussion.hide_comment(user(), comment, json_body()["reason"])
    return jsonify(comment_json(comment))

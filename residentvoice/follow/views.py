from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access
from ..main.sections import nav_item
from . import bp, services

nav_item(21, "follow.index", _l("Following"))


def follow_state(kind, ref_id):
    """For the follow button on a record's page: does the signed-in user follow it?"""
    if not (current_user and current_user.is_authenticated):
        return None
    return services.is_following(current_user, kind, ref_id)


def _back(kind, ref_id):
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(services.PATHS[kind].format(ref_id))


@bp.route("/")
@access.login
def index():
    return render_template("follow/index.html", followed=services.followed_by(current_user),
                           labels=services.KIND_LABELS, paths=services.PATHS)


KINDS = ", ".join(services.MODELS)


@bp.route(f"/<any({KINDS}):kind>/<int:ref_id>", methods=["POST"])
@access.login
@access.guard(services.MODELS, "ref_id", by="kind", into="record")
def follow(kind, record):
    services.follow(current_user, kind, record)
    flash(_("You follow it now: you are notified when it changes."), "success")
    return _back(kind, record.id)


@bp.route(f"/<any({KINDS}):kind>/<int:ref_id>/stop", methods=["POST"])
@access.login
@access.guard(services.MODELS, "ref_id", by="kind", into="record")
def unfollow(kind, record):
    services.unfollow(current_user, kind, record)
    flash(_("You no longer follow it."), "success")
    return _back(kind, record.id)

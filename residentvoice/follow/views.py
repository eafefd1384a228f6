from flask import abort, flash, redirect, render_template, request
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


def _load(kind, ref_id):
    model = services.MODELS.get(kind)
    if model is None:
        abort(404)
    return access.load(model, ref_id)


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


@bp.route("/<kind>/<int:ref_id>", methods=["POST"])
@access.login
def follow(kind, ref_id):
    record = _load(kind, ref_id)
    services.follow(current_user, kind, record)
    flash(_("You follow it now: you are notified when it changes."), "success")
    return _back(kind, ref_id)


@bp.route("/<kind>/<int:ref_id>/stop", methods=["POST"])
@access.login
def unfollow(kind, ref_id):
    record = _load(kind, ref_id)
    services.unfollow(current_user, kind, record)
    flash(_("You no longer follow it."), "success")
    return _back(kind, ref_id)

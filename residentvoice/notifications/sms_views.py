"""The channel settings (in-app, SMS, email), the provider's reply callback,
the secretary's delivery status, and the short links SMS carry."""
import hmac

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField

from .. import access
from ..extensions import csrf
from ..forms import BaseForm
from ..main.sections import nav_item
from . import bp, sms, sms_send
from .sms_backends import sms_settings
from .sms_kinds import KINDS, link_target, preview
from .sms_models import OptOutSource, SmsStatus

nav_item(86, "notifications.sms_status", _l("SMS delivery"),
         lambda user: user.is_authenticated and user.has_any_role("secretary"))


class SmsChannelForm(BaseForm):
    sms = BooleanField(_l("Send me SMS too"), description=_l(
        "Only for what matters most: ballots opening, closing and their results, meeting "
        "notices and changes, and your tickets. Never between 22:00 and 08:00 unless it "
        "is an emergency; at most a few a day. Reply TD to any of them to stop."))


@bp.route("/channels", methods=["GET", "POST"])
@access.login
def channels():
    """Where a user chooses how notifications reach them."""
    settings = sms_settings(current_app.config)
    form = SmsChannelForm()
    if request.method == "GET":
        form.sms.data = sms.is_opted_in(current_user)
    if settings is not None and form.validate_on_submit():
        sms.choose(current_user, form.sms.data)
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("notifications.channels"))
    return render_template("notifications/channels.html", form=form, sms_on=settings is not None,
                           opt_out=sms.opt_out_of(current_user), OptOutSource=OptOutSource)


@bp.route("/sms/reply/<token>", methods=["POST"])
@access.public
def sms_reply(token):
    """The provider forwards residents' replies here (Tencent Cloud's reply
    callback: one JSON object or a list of them with ``mobile`` and
    ``text``).  The address holds SMS_REPLY_TOKEN, the only proof the caller
    is the provider; without one configured the route does not exist."""
    settings = sms_settings(current_app.config)
    expected = settings["reply_token"] if settings else ""
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        abort(404)
    body = request.get_json(silent=True)
    replies = body if isinstance(body, list) else [body]
    if not all(isinstance(r, dict) for r in replies):
        return jsonify({"result": 1, "errmsg": "expected a JSON object or a list of them"}), 400
    for reply in replies:
        sms.handle_reply(reply.get("mobile"), reply.get("text"))
    return jsonify({"result": 0, "errmsg": "OK"})


csrf.exempt(sms_reply)


@bp.route("/sms/status")
@access.role("secretary")
def sms_status():
    """Delivery of the SMS sent to the residents of the secretary's communities."""
    communities = current_user.community_ids()
    page = sms_send.delivery_page(communities, request.args.get("page", 1, type=int))
    settings = sms_settings(current_app.config)
    link = (settings or {}).get("public_url", "") + url_for("notifications.go", code="")
    return render_template("notifications/sms_status.html", page=page, sms_on=bool(settings),
                           summary=sms_send.delivery_summary(communities), statuses=SmsStatus,
                           text=lambda m: preview(m.kind, m.params, link), kinds=KINDS,
                           masked=_masked)


def _masked(phone):
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 else phone


@bp.route("/go/<code>")
@access.public
def go(code):
    """The short link an SMS carries (``/notifications/go/b1c``): on to the
    ballot, meeting or ticket, whose page decides who may read it."""
    return redirect(access.found(link_target(code)))

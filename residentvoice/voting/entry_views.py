"""Secretaries' proxy entry page, the public receipt check and the exports
(paper ballots: paper_views)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..extensions import db
from . import bp, exports, guards
from .proxy_entry import enter_proxy_vote
from .forms import ProxyVoteForm, option_choices
from .models import Ballot, BallotStatus, Cast, Proxy
from .presenters import option_label
from ..web import refusal_status, submitted


@bp.route("/<int:ballot_id>/proxy", methods=["GET", "POST"])
@access.role("secretary")
@guards.ballot(can="is_secretary")
def proxy(ballot):
    form = ProxyVoteForm()
    form.option.choices = option_choices(ballot)
    done = submitted(
        form, lambda: enter_proxy_vote(
            current_user, ballot, proxy_name=form.proxy_name.data,
            proxy_phone=form.proxy_phone.data, proxy_id_tail=form.proxy_id_tail.data,
            households=form.principal_lines(),
            option_id=int(form.option.data), authorisation=form.authorisation.data),
        done=lambda entered: _("Proxy vote recorded for %(n)d principal(s). Receipts: "
                               "%(receipts)s", n=len(entered[1]),
                               receipts=", ".join(c.receipt for c in entered[1])),
        to=url_for("voting.proxy", ballot_id=ballot.id))
    if done:
        return done
    proxies = db.session.scalars(db.select(Proxy).where(Proxy.ballot_id == ballot.id)
                                 .order_by(Proxy.id.desc())).all()
    return render_template("voting/proxy.html", ballot=ballot, form=form,
                           proxies=proxies), refusal_status()


@bp.route("/verify")
@access.public
def verify():
    """Anyone with a receipt code can check that the vote is in the tally."""
    code = (request.args.get("receipt") or "").strip().upper()[:16]
    cast = db.session.scalar(db.select(Cast).where(Cast.receipt == code)) if code else None
    ballot = db.session.get(Ballot, cast.ballot_id) if cast else None
    return render_template("voting/verify.html", code=code, cast=cast, ballot=ballot,
                           option_label=option_label)


@bp.route("/<int:ballot_id>/export/<any(results, voters):what>.<any(csv, xlsx):fmt>")
@access.role("secretary", "street_admin")
@guards.ballot(can="can_manage")
def export(ballot, what, fmt):
    """Results (once counts are visible) and who has voted (``voter_rows``: no
    choice before closing, none ever in a secret ballot)."""
    if ballot.status in (BallotStatus.draft, BallotStatus.announced) or (
            what == "results" and not ballot.counts_visible):
        flash(_("Nothing to export yet."), "error")
        return redirect(url_for("voting.show", ballot_id=ballot.id))
    rows = exports.results_rows(ballot) if what == "results" else exports.voter_rows(ballot)
    return exports.respond(rows, f"ballot-{ballot.id}-{what}", fmt)

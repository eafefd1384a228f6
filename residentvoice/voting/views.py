"""Ballot pages: list, create/edit, the ballot with its options, voting with
a confirmation, state transitions and the result (DESIGN §4)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from .. import access, signals
from ..directory.letters import qr_svg
from ..directory.models import Building, Compound
from ..extensions import db
from ..forms import choices
from ..main.sections import home_section, nav_item
from . import bp, guards, services
from .casting import cast_phone_vote
from .counting import tally
from .forms import BallotForm, CloseForm, ConfirmVoteForm, utc_to_local
from .models import Ballot, BallotOption, BallotStatus, Checkpoint, ElectorateUnit
from .closing import close_by_hand, is_early, not_voted
from .presenters import chart, home_ballots, my_households, option_label, result_rows
from .overview import compounds_in_scope, participation, streets_of
from .receipts import receipts_of
from ..web import attempted, form_status, submitted

nav_item(30, "voting.index", _l("Ballots"))


@home_section(20, "voting/_home.html")
def open_ballots_section(user):
    """Open ballots of the user's households — and the owners' ballots where
    they act for a registered owner — first thing on the home page."""
    return home_ballots(user)


@bp.route("/overview")
@access.role("secretary", "street_admin")
def overview():
    """Ballots and participation across the compounds the user oversees, on one
    street when ``?street=`` names one of theirs (issue 17 §9)."""
    streets = streets_of(current_user)
    street_id = request.args.get("street", type=int)
    if street_id not in {s.id for s in streets}:
        street_id = None
    compounds = compounds_in_scope(current_user, street_id)
    return render_template("voting/overview.html", streets=streets, street_id=street_id,
                           rows=participation([c.id for c in compounds]),
                           compounds=len(compounds))


@bp.route("/receipts")
@access.login
def receipts():
    """The receipt codes of the user's votes, each with a link that checks it."""
    return render_template("voting/receipts.html", rows=receipts_of(current_user))


@bp.route("/")
@access.login
def index():
    # Each item names its compound: read with the ballots, not on first use.
    ballots = db.session.scalars(services.ballots_for(current_user).limit(200)
                                 .options(joinedload(Ballot.compound, innerjoin=True))).all()
    compounds = (db.session.scalars(db.select(Compound).where(
        Compound.id.in_(current_user.managed_compound_ids())).order_by(Compound.name)).all()
        if current_user.has_any_role("secretary", "street_admin") else [])
    return render_template("voting/index.html", ballots=ballots, compounds=compounds)


def _prepare_form(form, compound):
    form.buildings.choices = choices(
        (b.id, _("Building %(n)s", n=b.number)) for b in db.session.scalars(
            db.select(Building).where(Building.compound_id == compound.id)
            .order_by(Building.number)))


@bp.route("/new/<int:compound_id>", methods=["GET", "POST"])
@access.role("secretary", "street_admin")
@access.guard(Compound, "compound_id", can_view="can_manage")
def new(compound):
    form = BallotForm()
    _prepare_form(form, compound)
    return submitted(
        form, lambda: services.create_ballot(current_user, compound, **form.service_data()),
        done=_("Draft ballot saved. Announce it when the notice is up."),
        to=lambda ballot: url_for("voting.show", ballot_id=ballot.id),
    ) or (render_template("voting/edit.html", form=form, compound=compound, ballot=None),
          form_status())


@bp.route("/<int:ballot_id>/edit", methods=["GET", "POST"])
@access.role("secretary", "street_admin")
@guards.ballot(can="can_manage")
def edit(ballot):
    if ballot.rules_locked:
        flash(_("The ballot is open or finished: its rules are locked and cannot be edited."),
              "error")
        return redirect(url_for("voting.show", ballot_id=ballot.id))
    form = BallotForm(obj=None if request.method == "POST" else ballot)
    _prepare_form(form, ballot.compound)
    if request.method == "GET":
        form.options.data = "\n".join(o.label for o in ballot.options)
        form.buildings.data = ballot.building_ids or []
        for name in ("announced_at", "opens_at", "closes_at"):
            getattr(form, name).data = utc_to_local(getattr(ballot, name))
        form.basis.data, form.matter.data = ballot.basis.name, ballot.matter.name
        form.count_per.data = ballot.count_per.name
    return submitted(
        form, lambda: services.update_ballot(current_user, ballot, **form.service_data()),
        done=_("Ballot saved."), to=url_for("voting.show", ballot_id=ballot.id),
    ) or (render_template("voting/edit.html", form=form, compound=ballot.compound,
                          ballot=ballot), form_status())


def _linked(ballot, user):
    refs = [o.ref for o in ballot.options if o.ref]
    return signals.look_up_links(refs, user) if refs else {}


def _turnout(ballot):
    """Units and headcount that voted so far (shown even for secret ballots)."""
    if ballot.status in (BallotStatus.draft, BallotStatus.announced):
        return None
    from .counting import electorate_totals, participation_totals
    return {"electorate": electorate_totals(ballot), "participation": participation_totals(ballot)}


@bp.route("/<int:ballot_id>")
@access.login
@guards.ballot()
def show(ballot):
    return render_template(
        "voting/show.html", ballot=ballot, households=my_households(ballot, current_user),
        linked=_linked(ballot, current_user), option_label=option_label,
        actions=services.allowed_actions(ballot) if ballot.can_manage(current_user) else [],
        manager=ballot.can_manage(current_user), secretary=ballot.is_secretary(current_user),
        turnout=_turnout(ballot), checkpoint=_last_checkpoint(ballot))


def _last_checkpoint(ballot):
    """While voting is open: the chain's head last recorded (at opening or at a
    day's end), published on the ballot page."""
    if ballot.status is not BallotStatus.open:
        return None
    return db.session.scalars(db.select(Checkpoint).where(Checkpoint.ballot_id == ballot.id)
                              .order_by(Checkpoint.id.desc()).limit(1)).first()


def _household_and_option(ballot, source):
    household_id = source.get("household", type=int)
    option = db.session.get(BallotOption, source.get("option", type=int) or 0)
    if option is None or option.ballot_id != ballot.id:
        option = None
    return household_id, option


@bp.route("/<int:ballot_id>/vote", methods=["GET", "POST"])
@access.login
@guards.ballot()
def vote(ballot):
    """Confirmation page (GET) and the vote itself (POST)."""
    source = request.form if request.method == "POST" else request.args
    household_id, option = _household_and_option(ballot, source)
    mine = {s.household.id: s for s in my_households(ballot, current_user)}
    status = mine.get(household_id)
    if option is None or status is None:
        flash(_("Choose one of this ballot's options."), "error")
        return redirect(url_for("voting.show", ballot_id=ballot.id))
    form = ConfirmVoteForm(data={"household": household_id, "option": option.id})
    if request.method == "POST" and form.validate():
        return attempted(
            lambda: cast_phone_vote(current_user, ballot, household_id, option.id),
            done=lambda cast: _("Your vote is recorded. Your receipt code is %(receipt)s — keep "
                                "it to check that your vote is counted.", receipt=cast.receipt),
            to=url_for("voting.show", ballot_id=ballot.id))
    return render_template("voting/confirm.html", ballot=ballot, status=status, option=option,
                           label=option_label(option), form=form)


@bp.route(f"/<int:ballot_id>/do/<any({', '.join(services.ACTIONS)}):action>",
          methods=["POST"])
@access.role("secretary", "street_admin")
@guards.ballot(can="can_manage")
def transition(ballot, action):
    if action == "close":
        return redirect(url_for("voting.close", ballot_id=ballot.id))
    return attempted(
        lambda: services.apply(current_user, ballot, action),
        done={"announce": _("The ballot is announced and the electorate notified."),
              "open": _("Voting is open. The electorate is frozen and the rules locked."),
              "publish": _("The results notice is published.")}[action],
        to=url_for("voting.show", ballot_id=ballot.id))


@bp.route("/<int:ballot_id>/close", methods=["GET", "POST"])
@access.role("secretary", "street_admin")
@guards.ballot(can="can_manage")
def close(ballot):
    """Close voting by hand: how many households have not voted, and before
    the closing time a reason for the results notice (issue 17 §10)."""
    if ballot.status is not BallotStatus.open:
        flash(_("Voting is not open."), "error")
        return redirect(url_for("voting.show", ballot_id=ballot.id))
    form = CloseForm()
    done = submitted(form, lambda: close_by_hand(current_user, ballot, form.reason.data),
                     done=_("Voting is closed."), to=url_for("voting.show", ballot_id=ballot.id))
    if done:
        return done
    missing, total = not_voted(ballot)
    return render_template("voting/close.html", ballot=ballot, form=form, early=is_early(ballot),
                           missing=missing, total=total), form_status()


def result_context(ballot):
    result = tally(ballot) if ballot.counts_visible else None
    # Turnout is shown only while the count is hidden (the count includes it).
    return {"ballot": ballot, "result": result,
            "turnout": _turnout(ballot) if result is None else None,
            "rows": result_rows(ballot, result) if result else [],
            "chart": chart(ballot, result) if result else None, "option_label": option_label}


@bp.route("/<int:ballot_id>/result")
@access.login
@guards.ballot(can_view="can_see_result")
def result(ballot):
    return render_template("voting/result.html", **result_context(ballot))


@bp.route("/<int:ballot_id>/notice")
@access.login
@guards.ballot()
def notice(ballot):
    """The printable results notice (公示) with the chain head."""
    if ballot.status not in (BallotStatus.closed, BallotStatus.published):
        flash(_("The results notice exists once voting has closed."), "error")
        return redirect(url_for("voting.show", ballot_id=ballot.id))
    verify_url = url_for("voting.verify", _external=True)
    return render_template("voting/notice.html", **result_context(ballot), verify_url=verify_url,
                           qr=qr_svg(verify_url, title=_("QR code: check a receipt code")))


def electorate_size(ballot):
    return db.session.scalar(db.select(db.func.count(ElectorateUnit.id)).where(
        ElectorateUnit.ballot_id == ballot.id))

"""Paper ballots, both ways (issue 18 §4): the secretary issues and prints
them (all households at once, one to an A4 page, or one household's),
replaces a lost one, and enters them back one screen per ballot — the serial
scanned or typed, or the household found by room or owner's name."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..directory.letters import format_code, qr_svg
from ..errors_domain import DomainError
from ..extensions import db
from ..forms import choices
from ..directory.models import Household
from . import bp, guards
from . import paper as issuing
from .casting import describe_vote
from .forms import PaperFindForm, PaperReplaceForm, PaperVoteForm
from .models import Ballot, BallotStatus, Cast, Channel, PaperBallot, Vote
from .paper_entry import enter_paper_vote
from .presenters import option_label, rule_text
from ..web import attempted, form_status, refusal_status, submitted


def _recent(ballot):
    return db.session.scalars(db.select(Cast).where(
        Cast.ballot_id == ballot.id, Cast.channel == Channel.paper)
        .order_by(Cast.seq.desc()).limit(10)).all()


def _previous_vote(ballot, household, person):
    query = db.select(Vote).where(Vote.ballot_id == ballot.id)
    query = query.where(Vote.one_per_person == person.id) if person else \
        query.where(Vote.household_id == household.id)
    return db.session.scalars(query.limit(1)).first()


def _target(ballot, household, serial=None, person=None):
    """Whose paper ballot is on the desk, as the screen shows it."""
    vote = _previous_vote(ballot, household, person)
    return {"household": household, "serial": serial, "person": person,
            "owner": issuing.owner_names(ballot, [household.id]).get(household.id),
            "voted": vote is not None,
            "who": describe_vote(ballot, vote) if vote is not None else None}


def _paper_of_this_ballot(ballot, serial):
    """The paper ballot with this serial if it is this ballot's (live or not)."""
    found = db.session.scalar(db.select(PaperBallot).where(
        PaperBallot.serial == issuing.normalise_serial(serial)))
    return found if found is not None and found.ballot_id == ballot.id else None


def _find(ballot, find):
    """The first step: a serial (scanned or typed) names the household; other
    text searches the electorate.  Returns (target, candidates)."""
    query = find.q.data or ""
    if not query:
        household = issuing.household_in_electorate(ballot, request.args.get("household", type=int))
        return (_target(ballot, household) if household else None), None
    if issuing.looks_like_serial(query) or "/paper/" in query:     # typed, or a scanned address
        try:
            issued = issuing.find_issued(current_user, ballot, query)
        except DomainError as error:
            find.q.errors = [str(error.message)]
            return None, None
        return _target(ballot, issued.household, issued.serial, issued.person), None
    return None, [(h, owner) for h, owner in _with_owners(ballot, issuing.search_households(
        ballot, query))]


def _with_owners(ballot, households):
    names = issuing.owner_names(ballot, [h.id for h in households])
    return [(h, names.get(h.id)) for h in households]


@bp.route("/<int:ballot_id>/paper", methods=["GET", "POST"])
@access.role("secretary")
@guards.ballot(can="is_secretary")
def paper(ballot):
    """One screen per paper ballot: scan or type the serial (or, when it is
    lost, find the household by room or owner's name), see whose ballot it
    is, pick the option marked and the witness, enter — and the screen is
    ready for the next one, with the witness kept."""
    form = PaperVoteForm(data={"witness": request.args.get("witness", "")}
                         if request.method == "GET" else None)
    form.option.choices = choices((str(o.id), option_label(o)) for o in ballot.options)
    if request.method == "GET":
        find = PaperFindForm(request.args)
        target, candidates = _find(ballot, find) if find.validate() else (None, None)
        if target is not None:
            form.serial.data = target["serial"] or ""
            form.household.data = "" if target["serial"] else str(target["household"].id)
        return _paper_page(ballot, find, form, target, candidates,
                           witness=request.args.get("witness", ""))

    def enter():
        return enter_paper_vote(
            current_user, ballot, serial=form.serial.data,
            household_id=None if form.serial.data else form.household_id(),
            option_id=int(form.option.data), witness=form.witness.data,
            reason=form.reason.data, voter_phone=form.voter_phone.data)

    def ready_for_the_next(entered):
        cast, household = entered
        return _paper_page(ballot, PaperFindForm(formdata=None), form, witness=form.witness.data,
                           entered={"serial": cast.serial, "flat": household.label,
                                    "receipt": cast.receipt, "option": option_label(cast.option)})

    return submitted(form, enter, then=ready_for_the_next) or _paper_page(
        ballot, PaperFindForm(request.args), form, _posted_target(ballot, form),
        witness=form.witness.data, status=refusal_status())


def _paper_page(ballot, find, form, target=None, candidates=None, entered=None, witness="",
                status=200):
    return render_template(
        "voting/paper.html", ballot=ballot, find=find, form=form, target=target,
        candidates=candidates, entered=entered, witness=witness or "", recent=_recent(ballot),
        format_code=format_code, open=ballot.status is BallotStatus.open), status


def _posted_target(ballot, form):
    """A refused entry shows again whose ballot it was, with what was typed."""
    if form.serial.data:
        found = _paper_of_this_ballot(ballot, form.serial.data)
        return _target(ballot, found.household, found.serial, found.person) if found else None
    household = issuing.household_in_electorate(ballot, form.household_id())
    return _target(ballot, household) if household else None


@bp.route("/paper/<serial>")
@access.login
def paper_scan(serial):
    """Where the QR code of a printed paper ballot leads: a secretary of the
    ballot to its entry screen with the serial looked up; anyone else to the
    ballot's page (to vote on the phone instead)."""
    found = db.first_or_404(db.select(PaperBallot).where(
        PaperBallot.serial == issuing.normalise_serial(serial)))
    ballot = access.load(Ballot, found.ballot_id)
    if ballot.is_secretary(current_user):
        return redirect(url_for("voting.paper", ballot_id=ballot.id, q=found.serial))
    return redirect(url_for("voting.show", ballot_id=ballot.id))


@bp.route("/<int:ballot_id>/paper-ballots")
@access.role("secretary")
@guards.ballot(can="is_secretary")
def paper_ballots(ballot):
    """Every household's paper ballot: its serial, whether it has voted, and
    the actions — print all, print one, replace a lost one."""
    rows = []
    if ballot.status is BallotStatus.open:
        holders = issuing.holders_of(ballot)
        live = issuing.live_papers(ballot)
        voted = issuing.voted_households(ballot)
        households = {h.id: h for h in db.session.scalars(
            db.select(Household).where(Household.id.in_({h for _k, h, _p in holders}))
            .options(db.joinedload(Household.building)))}
        owners = issuing.owner_names(ballot, list(households))
        for key, household_id, person in holders:
            rows.append({"household": households[household_id], "person": person,
                         "owner": owners.get(household_id), "paper": live.get(key),
                         "voted": (person.id if person else household_id) in voted})
    return render_template("voting/paper_ballots.html", ballot=ballot, rows=rows,
                           format_code=format_code,
                           unissued=sum(1 for r in rows if r["paper"] is None and not r["voted"]))


@bp.route("/<int:ballot_id>/paper-ballots/issue", methods=["POST"])
@access.role("secretary")
@guards.ballot(can="is_secretary")
def paper_issue(ballot):
    """Issue the serials still missing (all households, or the one posted) and
    show them ready to print."""
    household_id = request.form.get("household", type=int)
    return attempted(
        lambda: issuing.issue_paper_ballots(current_user, ballot, household_id),
        done=lambda result: result[1] and _("%(n)d new serial(s) issued. Print them now.",
                                            n=result[1]),
        to=url_for("voting.paper_print", ballot_id=ballot.id, household=household_id),
        back=url_for("voting.paper_ballots", ballot_id=ballot.id))


@bp.route("/<int:ballot_id>/paper-ballots/print")
@access.role("secretary")
@guards.ballot(can="is_secretary")
def paper_print(ballot):
    """The issued paper ballots as A4 pages, one household (or resident) to a
    page, with the serial and its QR code; households that have voted are
    left out of the whole stack.  Printing again prints the same serials."""
    household_id = request.args.get("household", type=int)
    live = issuing.live_papers(ballot, household_id)
    holders = issuing.holders_of(ballot, household_id) if ballot.status is BallotStatus.open else []
    voted = issuing.voted_households(ballot)
    papers = [live[key] for key, h, person in holders if key in live
              and (household_id is not None or (person.id if person else h) not in voted)]
    owners = issuing.owner_names(ballot, [p.household_id for p in papers])
    sheets = [{"paper": p, "owner": owners.get(p.household_id),
               "qr": qr_svg(url_for("voting.paper_scan", serial=p.serial, _external=True),
                            title=_("QR code of paper ballot %(serial)s", serial=p.serial))}
              for p in papers]
    return render_template("voting/paper_print.html", ballot=ballot, sheets=sheets,
                           format_code=format_code, option_label=option_label,
                           left_out=len([1 for key, _h, _p in holders if key in live])
                           - len(papers), household_id=household_id)


@bp.route("/<int:ballot_id>/paper-ballots/<int:paper_id>/replace", methods=["GET", "POST"])
@access.role("secretary")
@guards.ballot(can="is_secretary")
@access.guard(PaperBallot, "paper_id", within="ballot", into="old")
def paper_replace(ballot, old):
    """Replace a lost or spoilt paper ballot: the old serial is voided (with
    the reason, in the audit log) and a new one printed."""
    form = PaperReplaceForm()
    return submitted(
        form, lambda: issuing.replace_paper_ballot(current_user, ballot, old, form.reason.data),
        done=lambda new: _("Paper ballot %(old)s is void. Print the new one, %(new)s, for the "
                           "household.", old=format_code(old.serial),
                           new=format_code(new.serial)),
        to=lambda new: url_for("voting.paper_print", ballot_id=ballot.id,
                               household=new.household_id),
    ) or (render_template("voting/paper_replace.html", ballot=ballot, paper=old, form=form,
                          format_code=format_code), form_status())


@bp.route("/<int:ballot_id>/announcement")
@access.login
@guards.ballot()
def announcement(ballot):
    """The printable ballot notice (投票公告) to post in the stairwells: the
    question, the rule, the options, the dates, how to vote on the phone (the
    QR code leads to the ballot) or on paper."""
    if ballot.status is BallotStatus.draft:
        flash(_("The notice can be printed once the ballot is announced."), "error")
        return redirect(url_for("voting.show", ballot_id=ballot.id))
    url = url_for("voting.show", ballot_id=ballot.id, _external=True)
    return render_template("voting/announcement.html", ballot=ballot, url=url,
                           qr=qr_svg(url, title=_("QR code: open the ballot on your phone")),
                           rule=rule_text(ballot), option_label=option_label)

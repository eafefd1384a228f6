"""Entering a paper ballot back (DESIGN §4, issue 18 §4): the serial the
system issued names the household (per-person ballots: the resident), so the
secretary only reads the tick and names the witness.  Without its serial —
the paper was lost and the owner filled in a blank form before the witness —
the household is picked from a search, the entry is recorded without a
serial and needs a reason.  Who may enter, the chain and one vote per
household are casting's rules (``_staff_entry_checks``, ``_store``)."""
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..directory.letters import format_code
from ..errors_domain import InvalidInput
from .casting import _paper_voter, _staff_entry_checks, _store, option_of
from .models import Channel
from .paper import find_issued, household_in_electorate, normalise_serial


def _clean(text, limit, message, field):
    text = " ".join((text or "").split())
    if not text or len(text) > limit:
        raise InvalidInput(message, field)
    return text


def enter_paper_vote(actor, ballot, *, option_id, witness, serial=None, household_id=None,
                     reason=None, voter_phone=None, now=None):
    """A secretary enters one paper ballot: by its issued ``serial`` (which
    must belong to this ballot, be live and not entered yet; ``household_id``,
    if given, must be the serial's), or for ``household_id`` without a serial,
    with the ``reason``; the option marked and the witness.  Per-person
    ballots: the serial names the voter; without it, ``voter_phone`` does.
    Returns (cast, household)."""
    _staff_entry_checks(actor, ballot, now)
    witness = _clean(witness, 60, _l("Enter the name of the witness."), "witness")
    serial = normalise_serial(serial)
    voter = None
    if serial:
        paper = find_issued(actor, ballot, serial)
        if household_id is not None and household_id != paper.household_id:
            raise InvalidInput(_l("The serial %(serial)s was issued to %(flat)s, not to this "
                                  "household.", serial=format_code(serial),
                                  flat=paper.household.label),
                               "serial")
        household, voter, reason = paper.household, paper.person, None
    else:
        household = household_in_electorate(ballot, household_id)
        if household is None:
            raise InvalidInput(_l("Type the serial printed on the paper ballot, or find the "
                                  "household by room or owner's name."), "serial")
        reason = _clean(reason, 200, _l(
            "Without its serial, say why (at most 200 characters), for example: the ballot "
            "was lost and the owner filled in a blank one before the witness."), "reason")
        if ballot.per_person:
            voter = _paper_voter(ballot, household, voter_phone)
    option = option_of(ballot, option_id)

    def audit(cast, _changed):
        # Secret ballots: not the record number, which names the choice in the chain.
        summary = f"{serial or '—'} {household.code}"
        if not ballot.secret:
            summary = f"#{cast.seq} {summary}"
        if reason:
            summary += f" ({reason})"
        record(actor, "ballot.paper_vote", ballot, object_id=ballot.id, summary=summary,
               community_id=ballot.community_id)

    cast, _changed = _store(
        ballot, household.id, option, Channel.paper, now=now,
        person_id=voter.id if voter else None, voter_id=voter.id if voter else None,
        entered_by_id=actor.id, serial=serial or None, witness=witness, audit=audit)
    return cast, household

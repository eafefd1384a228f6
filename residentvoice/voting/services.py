"""Ballot lifecycle (DESIGN §4): create, edit before opening, announce, open
(freezing the electorate), close and publish — one transition table."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from .. import signals
from ..audit.services import record
from ..auth.models import Relation, RoleAssignment, RoleKind
from ..directory.models import Building, Household, OwnerLink
from ..errors_domain import InvalidInput, NotAllowed, TransitionNotAllowed
from ..extensions import db
from ..i18n import N_
from ..models import utcnow
from ..notifications.services import notify
from ..statemachine import StateMachine
from . import chain
from .counting import tally
from .models import (Ballot, BallotOption, BallotStatus, Basis, CountPer, ElectoratePerson,
                     ElectorateUnit, Matter, OptionKind)

NOTICE_PERIOD = timedelta(days=15)   # Beijing property regulation (2024): ≥ 15 days' notice
DEFAULT_OPTIONS = [("同意", OptionKind.agree), ("反对", OptionKind.against),
                   ("弃权", OptionKind.abstain)]
# Labels that mean agree / against / abstain, whatever the secretary typed:
# "不同意" is an against vote, never an alternative that could pass.
KIND_BY_LABEL = {
    **dict.fromkeys(("同意", "赞成", "agree", "yes", "for"), OptionKind.agree),
    **dict.fromkeys(("反对", "不同意", "不赞成", "against", "disagree", "no", "oppose"),
                    OptionKind.against),
    **dict.fromkeys(("弃权", "abstain", "abstention"), OptionKind.abstain)}

S = BallotStatus
TRANSITIONS = {
    (S.draft, "edit"): S.draft,
    (S.announced, "edit"): S.announced,
    (S.draft, "announce"): S.announced,
    (S.announced, "open"): S.open,
    (S.open, "close"): S.closed,
    (S.closed, "publish"): S.published,
}
MACHINE = StateMachine(
    TRANSITIONS, _l("This cannot be done while the ballot is %(status)s."),
    refuse_for={"edit": _l("The ballot is open or finished: its rules are locked and "
                           "cannot be edited.")})


def allowed_actions(ballot):
    return MACHINE.allowed(ballot, lambda action, _new: action != "edit")


def _transition(ballot, action):
    """Apply ``action`` to the ballot's status as it is under the ballot's row
    lock (PostgreSQL; SQLite write requests are serialised): two secretaries
    opening or closing at the same instant change it once, and the second is
    told the ballot has moved on, as if they had come later."""
    _lock(ballot)
    return MACHINE.apply(ballot, action)


def _lock(ballot):
    """The ballot's status as it is, under its row lock (PostgreSQL)."""
    if ballot.id is not None and db.session.get_bind().dialect.name == "postgresql":
        db.session.refresh(ballot, ["status"], with_for_update=True)


def _enum_value(cls, value, field, message):
    if isinstance(value, cls):
        return value
    try:
        return cls[value]
    except (KeyError, TypeError):
        raise InvalidInput(message, field)


def _normalise_options(options):
    """``[{"label", "ref"}]`` or labels → [(label, kind, ref)]; default 同意/反对/弃权."""
    if not options:
        return [(label, kind, None) for label, kind in DEFAULT_OPTIONS]
    result, seen = [], set()
    for item in options:
        label, ref = (item.get("label"), item.get("ref")) if isinstance(item, dict) else (item, None)
        if not isinstance(label, str) or not label.strip():
            raise InvalidInput(_l("Every option needs a label."), "options")
        label = label.strip()
        if len(label) > 200:
            raise InvalidInput(_l("An option's label has at most 200 characters."), "options")
        key = label.casefold()
        if key in seen:
            raise InvalidInput(_l("The option “%(label)s” is listed twice.", label=label),
                               "options")
        seen.add(key)
        if ref is not None:
            ref = (str(ref[0]), int(ref[1]))
        kind = OptionKind.choice if ref else KIND_BY_LABEL.get(key, OptionKind.choice)
        result.append((label, kind, ref))   # a linked proposal is always an alternative
    if len(result) < 2:
        raise InvalidInput(_l("A ballot needs at least two options."), "options")
    if not any(kind in (OptionKind.agree, OptionKind.choice) for _l_, kind, _r in result):
        raise InvalidInput(_l("At least one option must be one that can pass."), "options")
    return result


def _validate(compound, data):
    """Check a ballot's fields; returns the cleaned values."""
    title = (data.get("title") or "").strip()
    if not title:
        raise InvalidInput(_l("Enter the question."), "title")
    if len(title) > 200:
        raise InvalidInput(_l("At most %(max)d characters.", max=200), "title")
    basis = _enum_value(Basis, data.get("basis"), "basis", _l("Choose who decides."))
    matter = _enum_value(Matter, data.get("matter"), "matter", _l("Choose the matter."))
    if (basis is Basis.residents) != (matter is Matter.consultative):
        raise InvalidInput(_l("Owners' ballots decide one of the owners' matters; residents' "
                              "ballots are consultative."), "matter")
    count_per = _enum_value(CountPer, data.get("count_per") or "household", "count_per",
                            _l("Choose how votes are counted."))
    if basis is Basis.owners and count_per is not CountPer.household:
        raise InvalidInput(_l("Owners vote per unit, never per person."), "count_per")
    announced_at, opens_at, closes_at = (data.get(k) for k in
                                         ("announced_at", "opens_at", "closes_at"))
    for name, value in (("announced_at", announced_at), ("opens_at", opens_at),
                        ("closes_at", closes_at)):
        if value is None:
            raise InvalidInput(_l("Enter a date and time."), name)
    if opens_at < announced_at:
        raise InvalidInput(_l("Voting cannot open before the ballot is announced."), "opens_at")
    if basis is Basis.owners and opens_at - announced_at < NOTICE_PERIOD:
        raise InvalidInput(_l("Owners must be notified at least 15 days before voting opens "
                              "(Beijing property regulation)."), "opens_at")
    if closes_at <= opens_at:
        raise InvalidInput(_l("Voting must close after it opens."), "closes_at")
    proxy_cap = data.get("proxy_cap", 3)
    if not isinstance(proxy_cap, int) or isinstance(proxy_cap, bool) or not 1 <= proxy_cap <= 20:
        raise InvalidInput(_l("A proxy may represent between 1 and 20 principals."), "proxy_cap")
    building_ids = data.get("building_ids") or None
    if building_ids:
        known = set(db.session.scalars(db.select(Building.id).where(
            Building.compound_id == compound.id)))
        building_ids = sorted({int(b) for b in building_ids})
        if not set(building_ids) <= known:
            raise InvalidInput(_l("Choose buildings of this compound."), "building_ids")
    return {"title": title, "description": (data.get("description") or "").strip(),
            "basis": basis, "matter": matter, "count_per": count_per,
            "announced_at": announced_at, "opens_at": opens_at, "closes_at": closes_at,
            "secret": bool(data.get("secret")), "allow_change": bool(data.get("allow_change")),
            "live_counts": bool(data.get("live_counts")) and not data.get("secret"),
            "proxy_cap": proxy_cap, "building_ids": building_ids}


def _set_options(ballot, options):
    ballot.options.clear()
    db.session.flush()
    for position, (label, kind, ref) in enumerate(options):
        ballot.options.append(BallotOption(position=position, label=label, kind=kind,
                                           ref_kind=ref[0] if ref else None,
                                           ref_id=ref[1] if ref else None))


def create_ballot(actor, compound, *, options=(), **data):
    """A draft ballot for ``compound`` (object or id); the secretary chooses the
    rule (DESIGN §4).  Also offered to other features as "create_ballot"."""
    if isinstance(compound, int):
        from ..directory.models import Compound
        compound = db.session.get(Compound, compound)
        if compound is None:
            raise InvalidInput(_l("No such compound."), "compound_id")
    if actor is not None and not compound.can_manage(actor):
        raise NotAllowed(_l("Only the compound's secretaries can create ballots."))
    values = _validate(compound, data)
    cleaned = _normalise_options(list(options or []))
    ballot = Ballot(compound_id=compound.id, created_by_id=getattr(actor, "id", None), **values)
    db.session.add(ballot)
    _set_options(ballot, cleaned)
    db.session.flush()
    record(actor, "ballot.created", ballot, summary=ballot.title,
           community_id=compound.community_id)
    return ballot


TOPIC_FIELDS = ("title", "description", "basis", "matter", "building_ids")


def update_ballot(actor, ballot, *, options=(), now=None, **data):
    """Edit a ballot before it opens; once open its rules are locked.

    Changing the topic of an announced ballot (question, description, rule,
    options, buildings) is a new notice: the 15 days of an owners' ballot
    start again (Beijing property regulation: no vote on a topic not announced)."""
    now = now or utcnow()
    _transition(ballot, "edit")
    if ballot.status is S.announced:     # the announcement date is a fact, not an input
        data = {**data, "announced_at": ballot.announced_at}
    values = _validate(ballot.compound, data)
    cleaned = _normalise_options(list(options or []))
    changes = {key: (getattr(ballot, key), value) for key, value in values.items()
               if getattr(ballot, key) != value}
    old_labels = [o.label for o in ballot.options]
    options_changed = old_labels != [c[0] for c in cleaned] or any(
        o.ref != c[2] for o, c in zip(ballot.options, cleaned))
    if options_changed:
        changes["options"] = (" / ".join(old_labels), " / ".join(c[0] for c in cleaned))
    if ballot.status is S.announced and (options_changed or set(changes) & set(TOPIC_FIELDS)):
        if values["basis"] is Basis.owners and values["opens_at"] - now < NOTICE_PERIOD:
            raise InvalidInput(_l("Changing the topic after the announcement starts the 15 "
                                  "days' notice again: move the opening date."), "opens_at")
        values["announced_at"] = now
        changes["announced_at"] = (ballot.announced_at, now)
    for key, value in values.items():
        setattr(ballot, key, value)
    if options_changed:
        _set_options(ballot, cleaned)
    db.session.flush()
    record(actor, "ballot.edited", ballot, summary=ballot.title, changes=changes,
           community_id=ballot.community_id)
    return ballot


def scope_households(ballot):
    query = db.select(Household.id).where(Household.compound_id == ballot.compound_id)
    if ballot.building_ids:
        query = query.where(Household.building_id.in_(ballot.building_ids))
    return query


def electorate_user_ids(ballot):
    """Users told about the ballot: for owners' ballots everyone the community
    office linked to an owner of a unit in scope (they vote) and the residents
    who declared themselves owner or co-owner (the ballot page tells them how
    to be confirmed); for residents' ballots every resident."""
    households = scope_households(ballot).scalar_subquery()
    roles = db.select(RoleAssignment.user_id).where(
        RoleAssignment.kind == RoleKind.resident, RoleAssignment.household_id.in_(households))
    if ballot.is_owners:
        roles = roles.where(RoleAssignment.relation.in_([Relation.owner, Relation.co_owner]))
        linked = db.select(OwnerLink.user_id).join(
            Household, Household.owner_id == OwnerLink.owner_id).where(
            Household.id.in_(households))
        return set(db.session.scalars(roles)) | set(db.session.scalars(linked))
    return set(db.session.scalars(roles))


def _notify_electorate(ballot, kind, message, params, at=None):
    """In-app, and by SMS for those who chose it (the kinds in
    notifications.sms_kinds); ``at`` is the closing time the SMS names."""
    notify(electorate_user_ids(ballot), kind, message, params, f"/ballots/{ballot.id}", at=at)


def announce(actor, ballot, now=None):
    """Announce (公告) the ballot to its electorate."""
    now = now or utcnow()
    announced_at = min(ballot.announced_at, now)
    if (ballot.status is S.draft and ballot.is_owners
            and ballot.opens_at - announced_at < NOTICE_PERIOD):
        raise TransitionNotAllowed(_l("Announced now, voting would open less than 15 days "
                                      "later: move the opening date first."))
    old, new = _transition(ballot, "announce")
    ballot.announced_at = announced_at
    _notify_electorate(ballot, "ballot.announced", N_("New ballot announced: %(title)s"),
                      {"title": ballot.title})
    record(actor, "ballot.announced", ballot, summary=ballot.title,
           changes={"status": (old, new)}, community_id=ballot.community_id)
    return ballot


def freeze_electorate(ballot):
    """Freeze every eligible unit with its registered area and owner key (DESIGN §4)."""
    rows = db.session.execute(db.select(Household.id, Household.area_m2, Household.owner_id)
                              .where(Household.id.in_(scope_households(ballot)))).all()
    units = []
    for household_id, area, owner_id in rows:
        key = f"o{owner_id}" if ballot.is_owners and owner_id else f"h{household_id}"
        units.append({"ballot_id": ballot.id, "household_id": household_id,
                      "area_centi": int(area * 100), "owner_key": key,
                      "owner_id": owner_id if ballot.is_owners else None})
    if units:
        db.session.execute(db.insert(ElectorateUnit), units)
    if ballot.per_person:
        from ..auth.models import User
        people = db.session.execute(
            db.select(RoleAssignment.user_id, RoleAssignment.household_id, User.birth_year)
            .join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.kind == RoleKind.resident, User.active.is_(True),
                   RoleAssignment.household_id.in_(scope_households(ballot)))).all()
        year, seen, roll = utcnow().year, set(), []
        for user_id, household_id, birth_year in people:
            if user_id in seen or (birth_year is not None and year - birth_year < 18):
                continue
            seen.add(user_id)
            roll.append({"ballot_id": ballot.id, "user_id": user_id,
                         "household_id": household_id})
        if roll:
            db.session.execute(db.insert(ElectoratePerson), roll)
    return len(units)


def open_ballot(actor, ballot, now=None):
    """Open voting: not before ``opens_at`` and, for owners, not less than 15 days
    after the announcement; freezes the electorate and locks the rules."""
    now = now or utcnow()
    if ballot.status is S.announced:
        if now < ballot.opens_at:
            raise TransitionNotAllowed(_l("Voting opens at the announced time, not before."))
        if ballot.is_owners and now - ballot.announced_at < NOTICE_PERIOD:
            raise TransitionNotAllowed(_l("Owners' ballots open at least 15 days after the "
                                          "announcement."))
    old, new = _transition(ballot, "open")
    ballot.opened_at = now
    count = freeze_electorate(ballot)
    chain.start(ballot, now)    # the chain starts from a hash of the frozen electorate
    _notify_electorate(ballot, "ballot.opened", N_("Voting is open: %(title)s"),
                      {"title": ballot.title}, at=ballot.closes_at)
    record(actor, "ballot.opened", ballot, summary=f"{ballot.title} ({count})",
           changes={"status": (old, new)}, community_id=ballot.community_id)
    return ballot


def close_ballot(actor, ballot, now=None):
    """Close voting (manually or at ``closes_at``); the count is sealed into the
    published chain head, a secret ballot forgets who voted what
    (``chain.close``), and the "ballot.closed" event carries the result to
    other features."""
    old, new = _transition(ballot, "close")
    ballot.closed_at = now or utcnow()
    db.session.flush()          # the status update holds the ballot's row lock ...
    db.session.refresh(ballot, ["chain_tip", "chain_length"])   # ... so this tip is final
    chain.close(ballot, ballot.closed_at)
    db.session.flush()
    result = tally(ballot)
    record(actor, "ballot.closed", ballot,
           summary=f"{ballot.title}: {'passed' if result.passed else 'not passed'}",
           changes={"status": (old, new)}, community_id=ballot.community_id)
    signals.ballot_closed.send(ballot, ballot=ballot, result=result)
    return result


def publish(actor, ballot, now=None):
    """Post the results notice (公示) and tell the electorate."""
    old, new = _transition(ballot, "publish")
    ballot.published_at = now or utcnow()
    _notify_electorate(ballot, "ballot.published", N_("Results published: %(title)s"),
                      {"title": ballot.title})
    record(actor, "ballot.published", ballot, summary=ballot.title,
           changes={"status": (old, new)}, community_id=ballot.community_id)
    return ballot


ACTIONS = {"announce": announce, "open": open_ballot, "close": close_ballot,
           "publish": publish}


def apply(actor, ballot, action, now=None):
    if action not in ACTIONS:
        raise TransitionNotAllowed(_l("Unknown action."))
    if actor is not None and not ballot.can_manage(actor):
        raise NotAllowed(_l("Only the compound's secretaries can do this."))
    return ACTIONS[action](actor, ballot, now=now)


def is_due(ballot, now=None):
    """Open, and its ``closes_at`` has passed."""
    return ballot.status is S.open and (now or utcnow()) >= ballot.closes_at


def close_if_due(ballot, now=None):
    """Close an open ballot whose ``closes_at`` has passed (lazily or from
    cron), checked again under the ballot's lock: pages that saw it due at
    the same instant close it once, and the others show it closed."""
    now = now or utcnow()
    if is_due(ballot, now):
        _lock(ballot)
        if is_due(ballot, now):
            close_ballot(None, ballot, now=ballot.closes_at)
            return True
    return False


def close_due(now=None):
    now = now or utcnow()
    due = db.session.scalars(db.select(Ballot).where(Ballot.status == S.open,
                                                     Ballot.closes_at <= now)).all()
    for ballot in due:
        close_if_due(ballot, now)
    return due


def ballots_for(user, statuses=None):
    """Ballots the user may see: of the compounds they manage, or (once
    announced) of the compounds they live or work in, and the owners' ballots
    of compounds where they act for a registered owner."""
    from ..directory.owner_links import acting_compounds
    managed = user.managed_compound_ids()
    member = set(user.compound_ids())
    member |= {c.id for r in user.roles if r.organisation_id for c in r.organisation.compounds}
    query = db.select(Ballot).where(db.or_(
        Ballot.compound_id.in_(managed or {-1}),
        db.and_(Ballot.compound_id.in_(member or {-1}), Ballot.status != S.draft),
        # owners' ballots where they act for an owner
        db.and_(Ballot.compound_id.in_(acting_compounds(user)), Ballot.basis == Basis.owners,
                Ballot.status != S.draft)))
    if statuses:
        query = query.where(Ballot.status.in_(statuses))
    return query.order_by(Ballot.opens_at.desc(), Ballot.id.desc())

"""Entering a proxy vote (DESIGN §4): a secretary records what one proxy
holder votes for the households whose owners authorised them, under the
proxy cap, through the same chain and the same one-vote-per-unit rules as
every other channel (``casting``)."""
import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from ..audit.services import record
from ..directory import finding
from ..errors_domain import Conflict, InvalidInput
from ..extensions import db
from ..forms import PHONE_RE, normalise_phone
from .casting import (_BALLOT, AlreadyVoted, _staff_entry_checks, _store, electorate_unit,
                      option_of)
from .models import Channel, Proxy, ProxyPrincipal
from .paper import search_households


def principal(ballot, text, field="households"):
    """The household of the electorate one line of the form names, as the
    signed authorisation has it: its code, its flat (1-2-601, 1号楼601) or its
    owner's name — refused, with the flats it could be, when it is not one."""
    found = search_households(ballot, text)
    if len(found) == 1:
        return found[0]
    if not found:
        raise InvalidInput(_l("“%(text)s” is not a household of this ballot's electorate. "
                              "Write its flat (1-2-601), its code or its owner's name, one "
                              "household a line.", text=text), field)
    raise InvalidInput(_l("“%(text)s” could be %(flats)s. Write the building and the "
                          "entrance too (1-2-601), or the household's code.", text=text,
                          flats=finding.listed(h.label for h in found[:5])), field)


def _proxy_load(ballot, name, phone, id_tail=""):
    """Principals (distinct owner keys) the same person already represents in
    this ballot as a proxy.  The same person: the same mobile number; or the
    same name and the same ID tail (last 4 characters of the ID card); or the
    same name where nothing tells the entries apart — two different numbers
    or two different ID tails do.  So two proxies without a phone who share a
    name but not an ID are two people (issue 14.13), while leaving the number
    or the ID out cannot lift the cap."""
    same_name = Proxy.proxy_name == name
    told_apart = []
    if phone:
        told_apart.append(db.and_(Proxy.proxy_phone != "", Proxy.proxy_phone != phone))
    if id_tail:
        told_apart.append(db.and_(Proxy.proxy_id_tail != "", Proxy.proxy_id_tail != id_tail))
    same = db.and_(same_name, db.not_(db.or_(*told_apart))) if told_apart else same_name
    if id_tail:
        same = db.or_(same, db.and_(same_name, Proxy.proxy_id_tail == id_tail))
    if phone:
        same = db.or_(same, Proxy.proxy_phone == phone)
    return set(db.session.scalars(db.select(ProxyPrincipal.owner_key).join(Proxy).where(
        Proxy.ballot_id == ballot.id, same)))


# Proxy entries of one ballot are serialised on the ballot's row, taken before
# the cap is counted and held to the commit, so two entries for one proxy
# cannot both count the other's principals out (issue 14.4).  FOR NO KEY
# UPDATE, the chain lock's own mode: the entry's votes take that lock again
# without upgrading it, and rows that only refer to the ballot are not held up.
# (SQLite: a writing request holds the database's write lock from its start.)
_LOCK_PROXIES = (db.select(_BALLOT.c.id).where(_BALLOT.c.id == db.bindparam("ballot_id"))
                 .with_for_update(key_share=True))
ID_TAIL_RE = re.compile(r"^[0-9]{3}[0-9X]$")


def _lock_proxy_entries(ballot):
    db.session.execute(_LOCK_PROXIES, {"ballot_id": ballot.id})


def _clean_id_tail(value, phone):
    tail = "".join(unicodedata.normalize("NFKC", value or "").split()).upper()   # １２３ｘ
    if tail and not ID_TAIL_RE.match(tail):
        raise InvalidInput(_l("Enter the last 4 characters of the ID card number, e.g. 123X."),
                           "proxy_id_tail")
    if not tail and not phone:
        raise InvalidInput(_l("Without a mobile number, enter the last 4 characters of the "
                              "proxy's ID card: they tell apart proxies of the same name."),
                           "proxy_id_tail")
    return tail


def enter_proxy_vote(actor, ballot, *, proxy_name, proxy_phone, households, option_id,
                     authorisation, proxy_id_tail="", now=None):
    """A secretary records a written proxy (物业管理条例 art. 12) — proxy person
    (name, and mobile number or the last 4 characters of the ID card),
    principal households (one line each, as ``principal`` reads it), scan of
    the signed form — and the proxy's vote.
    A proxy represents at most ``ballot.proxy_cap`` principals per ballot,
    counted per person under the ballot's lock (``_lock_proxy_entries``)."""
    from ..uploads.services import store
    _staff_entry_checks(actor, ballot, now)
    if ballot.per_person:
        raise InvalidInput(_l("This ballot counts adult residents one by one: each votes in "
                              "person, from their account or on paper."), "households")
    proxy_name = " ".join((proxy_name or "").split())
    proxy_phone = normalise_phone((proxy_phone or "").strip())
    if not proxy_name or len(proxy_name) > 60:
        raise InvalidInput(_l("Enter the proxy's name."), "proxy_name")
    if proxy_phone and not PHONE_RE.match(proxy_phone):
        raise InvalidInput(_l("Enter an 11-digit mainland mobile number, e.g. 13800138000."),
                           "proxy_phone")
    proxy_id_tail = _clean_id_tail(proxy_id_tail, proxy_phone)
    lines = [" ".join(line.split()) for line in households or ()]
    lines = list(dict.fromkeys(line for line in lines if line))
    if not lines:
        raise InvalidInput(_l("Enter at least one principal household."), "households")
    households = list({h.id: h for h in (principal(ballot, line) for line in lines)}.values())
    units = [electorate_unit(ballot, h.id) for h in households]
    option = option_of(ballot, option_id)
    if authorisation is None or not getattr(authorisation, "filename", ""):
        raise InvalidInput(_l("Attach the scan of the signed authorisation."), "authorisation")
    principals = {u.owner_key for u in units}
    _lock_proxy_entries(ballot)     # the count and the writes below under one lock
    represented = _proxy_load(ballot, proxy_name, proxy_phone, proxy_id_tail)
    if len(represented | principals) > ballot.proxy_cap:
        raise Conflict(lazy_ngettext(
            "A proxy may represent at most %(num)d principal in this ballot.",
            "A proxy may represent at most %(num)d principals in this ballot.",
            ballot.proxy_cap), "households")
    taken = db.session.scalar(db.select(ProxyPrincipal.id).where(
        ProxyPrincipal.ballot_id == ballot.id,
        ProxyPrincipal.household_id.in_([h.id for h in households])))
    if taken is not None:
        raise AlreadyVoted(_l("One of these households has already authorised a proxy."),
                           "households")
    casts, done = [], set()
    with db.session.begin_nested():
        proxy = Proxy(ballot_id=ballot.id, proxy_name=proxy_name, proxy_phone=proxy_phone,
                      proxy_id_tail=proxy_id_tail, entered_by_id=actor.id)
        db.session.add(proxy)
        db.session.flush()
        for household, unit in zip(households, units):
            db.session.add(ProxyPrincipal(proxy_id=proxy.id, ballot_id=ballot.id,
                                          household_id=household.id, owner_key=unit.owner_key))
            if unit.owner_key in done:
                continue
            done.add(unit.owner_key)
            cast, _changed = _store(ballot, household.id, option, Channel.proxy, now=now,
                                    entered_by_id=actor.id, proxy_id=proxy.id)
            casts.append(cast)
        try:
            upload = store(authorisation, actor=actor, object_type="ballot_proxy",
                           object_id=proxy.id, allow_pdf=True)
        except InvalidInput as error:
            raise InvalidInput(error.message, "authorisation")
        proxy.upload_id = upload.id
        db.session.flush()
    record(actor, "ballot.proxy_vote", ballot,
           summary=f"{proxy_name}: {', '.join(h.code for h in households)}",
           community_id=ballot.community_id)
    return proxy, casts

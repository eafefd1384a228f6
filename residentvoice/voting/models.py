"""Ballots (表决): question, options, frozen electorate, votes and their hash
chain (DESIGN §3, §4)."""
import enum
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import TimestampMixin


class BallotStatus(enum.Enum):
    draft = _l("Draft")
    announced = _l("Announced")
    open = _l("Open for voting")
    closed = _l("Closed")
    published = _l("Results published")


class Basis(enum.Enum):
    """Who decides: owners (Civil Code art. 278) or residents."""
    owners = _l("Owners (Civil Code art. 278)")
    residents = _l("Residents (consultative or residents' meeting)")


class Matter(enum.Enum):
    """What is decided; it fixes the pass rule (DESIGN §4)."""
    common_parts_use = _l("Change of use of common parts, or using them for business")
    raise_fund = _l("Raising the special maintenance fund")
    rebuild = _l("Altering or rebuilding buildings and their facilities")
    use_fund = _l("Using the special maintenance fund")
    owners_other = _l("Other major matter of the owners")
    consultative = _l("Consultative vote")


# Matters (6), (7), (8) of art. 278: ≥ 3/4 of participating area and headcount.
QUALIFIED_MATTERS = frozenset({Matter.raise_fund, Matter.rebuild, Matter.common_parts_use})


class CountPer(enum.Enum):
    household = _l("One vote per household")
    person = _l("One vote per adult resident")


class OptionKind(enum.Enum):
    agree = _l("Agree")
    against = _l("Against")
    abstain = _l("Abstain")
    choice = _l("Alternative")


class Channel(enum.Enum):
    phone = _l("Phone")
    paper = _l("Paper ballot")
    proxy = _l("Proxy")


def _enum(cls, length=24):
    return db.Enum(cls, native_enum=False, length=length)


class Ballot(TimestampMixin, db.Model):
    """A ballot of one compound (or some of its buildings)."""
    id = db.Column(db.Integer, primary_key=True)
    compound_id = db.Column(db.ForeignKey("compound.id"), nullable=False, index=True)
    title = db.Column(db.String(200), nullable=False)
    description = db.Column(db.Text, nullable=False, default="")
    basis = db.Column(_enum(Basis), nullable=False)
    matter = db.Column(_enum(Matter), nullable=False)
    count_per = db.Column(_enum(CountPer), nullable=False, default=CountPer.household)
    status = db.Column(_enum(BallotStatus), nullable=False, default=BallotStatus.draft,
                       index=True)
    announced_at = db.Column(db.DateTime, nullable=False)
    opens_at = db.Column(db.DateTime, nullable=False)
    closes_at = db.Column(db.DateTime, nullable=False)
    secret = db.Column(db.Boolean, nullable=False, default=False)
    allow_change = db.Column(db.Boolean, nullable=False, default=False)
    live_counts = db.Column(db.Boolean, nullable=False, default=False)
    proxy_cap = db.Column(db.Integer, nullable=False, default=3)
    # Limit to some buildings of the compound (ids), or null for the whole compound.
    building_ids = db.Column(db.JSON)
    created_by_id = db.Column(db.ForeignKey("user.id"))
    opened_at = db.Column(db.DateTime)
    closed_at = db.Column(db.DateTime)
    # Why a secretary closed voting before ``closes_at`` (on the results notice).
    early_close_reason = db.Column(db.Text)
    published_at = db.Column(db.DateTime)
    # The chain grows under a row lock on the ballot: length and latest hash.
    chain_length = db.Column(db.Integer, nullable=False, default=0)
    chain_tip = db.Column(db.String(64), nullable=False, default="0" * 64)
    # The head published with the result (set when the ballot closes): it seals
    # the last link and the count (``chain.close``).
    chain_head = db.Column(db.String(64))
    # How the links are hashed: 1 — ballots opened before the chain committed to
    # the units, weights and supersession (``verification.check`` checks them as they
    # were); 2 — everything that determines the count (chain.py).
    chain_version = db.Column(db.Integer, nullable=False, default=2, server_default="1")
    compound = db.relationship("Compound")
    options = db.relationship("BallotOption", back_populates="ballot",
                              order_by="BallotOption.position", cascade="all, delete-orphan")

    @property
    def community_id(self):
        return self.compound.community_id

    @property
    def is_owners(self):
        return self.basis is Basis.owners

    @property
    def per_person(self):
        return self.basis is Basis.residents and self.count_per is CountPer.person

    @property
    def rules_locked(self):
        return self.status not in (BallotStatus.draft, BallotStatus.announced)

    @property
    def counts_visible(self):
        """Counts are hidden until closing, unless an open ballot has live counts."""
        if self.status in (BallotStatus.closed, BallotStatus.published):
            return True
        return self.status is BallotStatus.open and self.live_counts and not self.secret

    def can_manage(self, user):
        return self.compound.can_manage(user)

    def is_secretary(self, user):
        return bool(user) and user.is_authenticated and user.is_secretary_of(
            self.compound.community_id)

    def can_see_result(self, user):
        """A result page exists once the ballot is announced (drafts have none)."""
        return self.status is not BallotStatus.draft and self.can_view(user)

    def can_view(self, user):
        """Managers always; once announced, members of the compound and (owners'
        ballots) whoever acts for a registered owner of one of its units — an
        owner or an institution's representative need not live there."""
        if not (user and user.is_authenticated):
            return False
        if self.can_manage(user):
            return True
        if self.status is BallotStatus.draft:
            return False
        if self.compound.is_member(user):
            return True
        from ..directory.owner_links import acting_compound_ids
        return self.is_owners and self.compound_id in acting_compound_ids(user)

    @staticmethod
    def in_full():
        """Loader options: what a ballot's permission checks, a vote and most
        pages read — compound, community, options — with the ballot, in one query."""
        from ..directory.models import Compound
        return [joinedload(Ballot.compound).joinedload(Compound.community),
                joinedload(Ballot.options)]

    @classmethod
    def fetch(cls, ballot_id):
        """The ballot read ``in_full``; None if unknown."""
        return db.session.scalars(db.select(cls).where(cls.id == ballot_id)
                                  .options(*cls.in_full())).unique().one_or_none()


class BallotOption(db.Model):
    """One option: 同意/反对/弃权, or one of several alternatives (maybe a proposal)."""
    __tablename__ = "ballot_option"
    __table_args__ = (db.UniqueConstraint("ballot_id", "label"),)
    id = db.Column(db.Integer, primary_key=True)
    ballot_id = db.Column(db.ForeignKey("ballot.id"), nullable=False, index=True)
    position = db.Column(db.Integer, nullable=False)
    label = db.Column(db.String(200), nullable=False)
    kind = db.Column(_enum(OptionKind, 16), nullable=False, default=OptionKind.choice)
    ref_kind = db.Column(db.String(16))
    ref_id = db.Column(db.Integer)
    ballot = db.relationship(Ballot, back_populates="options")

    @property
    def ref(self):
        return (self.ref_kind, self.ref_id) if self.ref_kind and self.ref_id else None

    @property
    def judged(self):
        """Agree and alternatives can pass; against and abstain cannot."""
        return self.kind in (OptionKind.agree, OptionKind.choice)


class ElectorateUnit(db.Model):
    """The electorate frozen when the ballot opens: one row per eligible unit with
    its registered area (in 0.01 m², an exact integer) and its owner key —
    ``o<owner id>`` or, without a registered owner, ``h<household id>`` — so an
    owner of several units counts once in the headcount (法释〔2020〕17号 art. 9)."""
    __tablename__ = "ballot_electorate"
    # Every vote finds the owner's other units by (owner, ballot).  Owner first:
    # led by the ballot, the index would lure the tally (grouped by owner) into
    # reading the whole electorate in owner order, a row at a time.
    __table_args__ = (db.UniqueConstraint("ballot_id", "household_id"),
                      db.Index("ix_ballot_electorate_owner", "owner_key", "ballot_id"))
    id = db.Column(db.Integer, primary_key=True)
    ballot_id = db.Column(db.ForeignKey("ballot.id"), nullable=False, index=True)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False, index=True)
    area_centi = db.Column(db.BigInteger, nullable=False)
    owner_key = db.Column(db.String(24), nullable=False)
    owner_id = db.Column(db.ForeignKey("owner.id"))

    @property
    def area_m2(self):
        return Decimal(self.area_centi).scaleb(-2)


class ElectoratePerson(db.Model):
    """Per-person residents' ballots: the adult residents frozen at opening."""
    __tablename__ = "ballot_roll"
    __table_args__ = (db.UniqueConstraint("ballot_id", "user_id"),)
    id = db.Column(db.Integer, primary_key=True)
    ballot_id = db.Column(db.ForeignKey("ballot.id"), nullable=False, index=True)
    user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False)


class Cast(TimestampMixin, db.Model):
    """One act of voting — a link of the ballot's hash chain.  A phone vote, a paper
    ballot or a proxy vote; it covers one or more units (an owner's units).

    The link's hash covers the previous link, its option, the link it replaces
    (``supersedes``, a changed vote) and the units it covers with their weights
    — in the clear for open ballots, for secret ballots as ``commitment``, a
    salted hash of them (chain.py).  In a secret ballot the columns that tie a
    link to its voter (``households``, ``commit_salt``, ``voter_id``,
    ``entered_by_id``, ``proxy_id``, ``serial``, ``witness``, ``channel``, the
    time) are erased when it closes (``chain.forget_voters``)."""
    __tablename__ = "ballot_cast"
    __table_args__ = (db.UniqueConstraint("ballot_id", "seq"),
                      db.UniqueConstraint("ballot_id", "serial"))
    id = db.Column(db.Integer, primary_key=True)
    ballot_id = db.Column(db.ForeignKey("ballot.id"), nullable=False, index=True)
    seq = db.Column(db.Integer, nullable=False)
    option_id = db.Column(db.ForeignKey("ballot_option.id"), nullable=False)
    channel = db.Column(_enum(Channel, 16))
    # Household ids covered, sorted and comma-joined; unbounded: an institution
    # may own hundreds of units of a compound (SQLite keeps its VARCHAR(2000),
    # whose length it never enforces).
    households = db.Column(db.Text().with_variant(db.String(2000), "sqlite"))
    # Secret ballots: sha256 of ``commit_salt`` and the units with their weights.
    commitment = db.Column(db.String(64))
    commit_salt = db.Column(db.String(32))
    # The seq of the link this one replaces (a changed vote).
    supersedes = db.Column(db.Integer)
    receipt = db.Column(db.String(16), nullable=False, unique=True)
    salt = db.Column(db.String(32), nullable=False)
    prev_hash = db.Column(db.String(64), nullable=False)
    hash = db.Column(db.String(64), nullable=False)
    voter_id = db.Column(db.ForeignKey("user.id"))
    entered_by_id = db.Column(db.ForeignKey("user.id"))
    serial = db.Column(db.String(40))
    witness = db.Column(db.String(60))
    proxy_id = db.Column(db.ForeignKey("ballot_proxy.id"))
    superseded_at = db.Column(db.DateTime)
    option = db.relationship(BallotOption)
    voter = db.relationship("User", foreign_keys=[voter_id])
    entered_by = db.relationship("User", foreign_keys=[entered_by_id])

    @property
    def household_ids(self):
        return [int(h) for h in self.households.split(",")] if self.households else []


class Vote(db.Model):
    """One unit (or, per-person ballots, one resident) that took part, and while
    the ballot is open its current vote: ``option_id`` and ``cast_id``.

    ``one_per_household`` holds the household id except in per-person ballots and
    ``one_per_person`` the voter's id only in them: the two unique constraints make
    the database refuse a second vote whatever the channel.  When a secret
    ballot closes, its rows keep only who took part (household, person,
    channel): ``option_id`` and ``cast_id`` are erased and the rows written
    again in household order, so no row joins a voter to a choice
    (``chain.forget_voters``); the count is then the sealed one."""
    __tablename__ = "ballot_vote"
    __table_args__ = (db.UniqueConstraint("ballot_id", "one_per_household"),
                      db.UniqueConstraint("ballot_id", "one_per_person"),
                      db.Index("ix_ballot_vote_tally", "ballot_id", "option_id"))
    id = db.Column(db.Integer, primary_key=True)
    ballot_id = db.Column(db.ForeignKey("ballot.id"), nullable=False)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False, index=True)
    option_id = db.Column(db.ForeignKey("ballot_option.id"))
    cast_id = db.Column(db.ForeignKey("ballot_cast.id"), index=True)
    channel = db.Column(_enum(Channel, 16), nullable=False)
    one_per_household = db.Column(db.Integer)
    one_per_person = db.Column(db.Integer)
    cast = db.relationship(Cast)


class Checkpoint(db.Model):
    """The chain's head recorded at a moment: at opening (the genesis, which
    commits to the frozen electorate), at each day's end while the ballot is
    open (``flask ballots checkpoint`` / ``close-due``) and at closing (the
    seal of the last link and the count, ``totals``).  ``flask ballots
    verify`` checks that the chain still extends every one of them, so links
    removed from its end are found."""
    __tablename__ = "ballot_checkpoint"
    id = db.Column(db.Integer, primary_key=True)
    ballot_id = db.Column(db.ForeignKey("ballot.id"), nullable=False, index=True)
    kind = db.Column(db.String(8), nullable=False)     # open | day | close
    taken_at = db.Column(db.DateTime, nullable=False)
    length = db.Column(db.Integer, nullable=False)
    head = db.Column(db.String(64), nullable=False)
    totals = db.Column(db.Text)                        # close: the sealed count


class Proxy(TimestampMixin, db.Model):
    """A written proxy authorisation (物业管理条例 art. 12) for one ballot."""
    __tablename__ = "ballot_proxy"
    id = db.Column(db.Integer, primary_key=True)
    ballot_id = db.Column(db.ForeignKey("ballot.id"), nullable=False, index=True)
    proxy_name = db.Column(db.String(60), nullable=False)
    proxy_phone = db.Column(db.String(20), nullable=False, default="")
    # The last 4 characters of the proxy's ID card: proxies without a mobile
    # number are told apart by name and these (issue 14.13), never lumped together.
    proxy_id_tail = db.Column(db.String(4), nullable=False, default="", server_default="")
    upload_id = db.Column(db.ForeignKey("upload.id"))
    entered_by_id = db.Column(db.ForeignKey("user.id"))
    principals = db.relationship("ProxyPrincipal", back_populates="proxy")

    @property
    def identity(self):
        if self.proxy_phone:
            return self.proxy_phone
        return f"{self.proxy_name} …{self.proxy_id_tail}" if self.proxy_id_tail \
            else self.proxy_name


class ProxyPrincipal(db.Model):
    __tablename__ = "ballot_proxy_principal"
    __table_args__ = (db.UniqueConstraint("ballot_id", "household_id"),)
    id = db.Column(db.Integer, primary_key=True)
    proxy_id = db.Column(db.ForeignKey("ballot_proxy.id"), nullable=False, index=True)
    ballot_id = db.Column(db.ForeignKey("ballot.id"), nullable=False)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False)
    owner_key = db.Column(db.String(24), nullable=False)
    proxy = db.relationship(Proxy, back_populates="principals")


class PaperBallot(db.Model):
    """A paper ballot the system issued for one household of a ballot — in
    per-person residents' ballots for one adult resident on the roll — and
    printed with its serial.

    The serial is the key to entering it: 8 characters of an alphabet without
    0/O and 1/I (32^8, about 10^12 values), so nobody enters another
    household's ballot by making a serial up, and short enough to type.
    Printing again prints the same serial; a lost or spoilt ballot is
    replaced: the old one is voided (when, by whom, why) and a new serial
    issued (``replaces_id``).  Whether it was entered is not stored here —
    the votes and the chain say so — because a time of entry kept beside the
    household would tie it to its link of a secret ballot."""
    __tablename__ = "ballot_paper"
    __table_args__ = (
        # One live (not voided) paper ballot per household (or resident) and ballot.
        db.Index("uq_ballot_paper_live", "ballot_id", "holder", unique=True,
                 sqlite_where=db.text("voided_at IS NULL"),
                 postgresql_where=db.text("voided_at IS NULL")),)
    id = db.Column(db.Integer, primary_key=True)
    ballot_id = db.Column(db.ForeignKey("ballot.id"), nullable=False, index=True)
    household_id = db.Column(db.ForeignKey("household.id"), nullable=False, index=True)
    person_id = db.Column(db.ForeignKey("user.id"))
    # "h<household id>", or "p<user id>" in per-person ballots.
    holder = db.Column(db.String(24), nullable=False)
    serial = db.Column(db.String(8), nullable=False, unique=True)
    issued_at = db.Column(db.DateTime, nullable=False)
    issued_by_id = db.Column(db.ForeignKey("user.id"))
    voided_at = db.Column(db.DateTime)
    voided_by_id = db.Column(db.ForeignKey("user.id"))
    void_reason = db.Column(db.String(200))
    replaces_id = db.Column(db.ForeignKey("ballot_paper.id"))
    household = db.relationship("Household")
    person = db.relationship("User", foreign_keys=[person_id])
    issued_by = db.relationship("User", foreign_keys=[issued_by_id])
    voided_by = db.relationship("User", foreign_keys=[voided_by_id])

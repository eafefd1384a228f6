"""Search (issue 19 §3): which documents match the words, among those the
user may see.

Who sees what is never decided here: each kind is narrowed by its own
feature's query — ``spaces.queries.proposals_query``,
``tickets.queries.visible_to``, ``meetings.services.meetings_for`` (minutes
are indexed only once published, and are read by whoever sees the meeting)
and ``voting.services.ballots_for``."""
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..meetings.models import Meeting, MeetingStatus
from ..meetings.services import meetings_for
from ..spaces.models import Proposal, ProposalStatus
from ..spaces.queries import proposals_query
from ..tickets.models import Status as TicketStatus
from ..tickets.models import Ticket
from ..tickets.queries import visible_to as tickets_visible_to
from ..voting.models import Ballot, BallotStatus
from ..voting.services import ballots_for
from .models import SearchDocument

TRIGRAM = 3            # the trigram index finds words of at least this many characters
MAX_WORDS = 6
PER_PAGE = 20

KIND_LABELS = {"proposal": _l("Proposal"), "ticket": _l("Ticket"), "meeting": _l("Meeting"),
               "minutes": _l("Minutes"), "ballot": _l("Ballot")}
STATUS_ENUMS = {"proposal": ProposalStatus, "ticket": TicketStatus, "meeting": MeetingStatus,
                "minutes": MeetingStatus, "ballot": BallotStatus}
PATHS = {"proposal": "/spaces/proposals/{}", "ticket": "/tickets/{}", "meeting": "/meetings/{}",
         "minutes": "/meetings/{}/minutes", "ballot": "/ballots/{}"}


def words_of(query):
    """The words to find, each a substring (Chinese has no spaces: 电梯漏水 is
    one word here, found inside 3号楼电梯漏水).  At most ``MAX_WORDS``."""
    seen = []
    for word in re.split(r"\s+", (query or "").strip()):
        if word and word.lower() not in [w.lower() for w in seen]:
            seen.append(word)
    return seen[:MAX_WORDS]


def _ids(select, model):
    return select.with_only_columns(model.id).order_by(None)


def visible(user):
    """SQL condition on ``SearchDocument``: documents of records ``user`` may see."""
    D = SearchDocument
    meetings = _ids(meetings_for(user), Meeting)
    return db.or_(
        db.and_(D.kind == "proposal", D.ref_id.in_(_ids(proposals_query(user), Proposal))),
        db.and_(D.kind == "ticket",
                D.ref_id.in_(db.select(Ticket.id).where(tickets_visible_to(user)))),
        db.and_(D.kind.in_(("meeting", "minutes")), D.ref_id.in_(meetings)),
        db.and_(D.kind == "ballot", D.ref_id.in_(_ids(ballots_for(user), Ballot))))


def _like_pattern(word):
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(word):
    return '"' + word.replace('"', '""') + '"'


def matching(word):
    """SQL condition: the document's text contains ``word`` (any case).

    PostgreSQL: ILIKE, which the GIN pg_trgm index answers for three or more
    characters.  SQLite: the FTS5 trigram table for three or more
    characters; a shorter word (the trigram index cannot hold it) is matched
    with LIKE on the document table, which the query has already narrowed to
    the user's records and the other filters."""
    D = SearchDocument
    if db.session.get_bind().dialect.name == "postgresql":
        return D.text.ilike(_like_pattern(word), escape="\\")
    if len(word) >= TRIGRAM:
        return D.id.in_(db.select(db.literal_column("rowid"))
                        .select_from(db.table("search_fts"))
                        .where(db.literal_column("search_fts").op("MATCH")(_fts_phrase(word))))
    return D.text.like(_like_pattern(word), escape="\\")


@dataclass
class Filters:
    kind: str = ""
    compound_id: int = 0
    state: str = ""            # "active", "finished" or "" for both
    since: object = None       # date
    until: object = None       # date


def search_query(user, words, filters=None):
    """The SELECT of matching documents ``user`` may see, newest first."""
    filters = filters or Filters()
    D = SearchDocument
    query = db.select(D).where(visible(user), *[matching(w) for w in words])
    if filters.kind in KIND_LABELS:
        query = query.where(D.kind == filters.kind)
    if filters.compound_id:
        query = query.where(D.compound_id == filters.compound_id)
    if filters.state in ("active", "finished"):
        query = query.where(D.active.is_(filters.state == "active"))
    if filters.since:
        query = query.where(D.happened_at >= datetime.combine(filters.since, time()))
    if filters.until:
        query = query.where(D.happened_at < datetime.combine(filters.until, time())
                            + timedelta(days=1))
    return query.order_by(D.happened_at.desc(), D.id.desc())


@dataclass
class Result:
    document: SearchDocument
    url: str
    kind_label: object
    status_label: object
    before: str
    match: str
    after: str


SNIPPET = 40


def snippet(text, words):
    """(before, match, after) around the first word found in ``text``."""
    lowered = text.lower()
    for word in words:
        at = lowered.find(word.lower())
        if at >= 0:
            start = max(0, at - SNIPPET)
            end = at + len(word)
            return (("…" if start else "") + text[start:at], text[at:end],
                    text[end:end + SNIPPET * 2] + ("…" if len(text) > end + SNIPPET * 2 else ""))
    return text[:SNIPPET * 3] + ("…" if len(text) > SNIPPET * 3 else ""), "", ""


def present(document, words):
    enum_cls = STATUS_ENUMS[document.kind]
    status = enum_cls[document.status].value if document.status in enum_cls.__members__ else ""
    body = document.text.split("\n", 1)[1] if "\n" in document.text else document.text
    before, match, after = snippet(body, words)
    return Result(document, PATHS[document.kind].format(document.ref_id),
                  KIND_LABELS[document.kind], status, before, match, after)


def search(user, query, filters=None, page=1, per_page=PER_PAGE):
    """One page of results for ``query``: ``(pagination, [Result])``; an empty
    query finds nothing."""
    words = words_of(query)
    if not words:
        return None, []
    pagination = db.paginate(search_query(user, words, filters), page=page, per_page=per_page,
                             error_out=False, count=True)
    return pagination, [present(d, words) for d in pagination.items]

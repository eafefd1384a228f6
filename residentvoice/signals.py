"""The signals features send each other, all declared here (blinker, which
Flask ships).

A feature that needs a service of another imports that feature's service
module.  A signal is used only where that import would run against the
direction features depend on each other (``tests/test_architecture.py``):
the lower feature announces, the higher one answers.

``ballot_closed``  sent by voting when a ballot closes, with ``ballot`` and
    ``result``.  Spaces marks the proposals the ballot decided.
``problem_observed``  sent by renovation when a supervisor records a problem
    at a supervision step, with ``actor``, ``step`` and ``observation``.
    Tickets files a ticket for it and sets ``observation.ticket_id`` (or
    ``observation.ticket_note`` saying why it could not).
``open_tickets_wanted``  sent by renovation's demand report with
    ``compound_id``; tickets answers its open tickets per building and
    category: ``[{"building_id", "building", "category", "count"}]``.
``links_wanted``  sent with a record kind as the sender (``"proposal"``,
    ``"ballot"``, ``"meeting"``), ``ids`` and ``user`` by a feature that holds
    references to records of another (an agenda item pointing at a proposal,
    a ballot option standing for one); the feature that owns the kind answers
    ``{id: Link}`` for the records ``user`` may see.  Use ``look_up_links``.
``link_choices_wanted``  sent with a record kind as the sender, ``compound_ids``
    and ``user`` by a feature whose form links to records of another (the
    agenda item's "linked ballot or proposal" list); the owner of the kind
    answers ``[Link]`` of those records in the compounds that ``user`` may
    see, newest first.  Use ``link_choices``.
``reminders_due``  sent by ``flask notifications remind`` with ``now``; a
    feature sends the reminders due by then (with ``notify_once``, so a
    reminder goes out once however often cron runs) and answers how many.
"""
from dataclasses import dataclass, field

from blinker import Namespace

_signals = Namespace()

ballot_closed = _signals.signal("ballot-closed")
problem_observed = _signals.signal("problem-observed")
open_tickets_wanted = _signals.signal("open-tickets-wanted")
links_wanted = _signals.signal("links-wanted")
link_choices_wanted = _signals.signal("link-choices-wanted")
reminders_due = _signals.signal("reminders-due")


@dataclass
class Link:
    """A record of another feature, as the holder of a reference shows it."""
    kind: str
    id: int
    title: str
    url: str
    summary: str = ""
    extra: dict = field(default_factory=dict)


def look_up_links(refs, user):
    """``[(kind, id)]`` → ``{(kind, id): Link}`` for the records that exist and
    ``user`` may see (answered by the features owning each kind)."""
    by_kind = {}
    for kind, ident in refs:
        by_kind.setdefault(kind, set()).add(ident)
    found = {}
    for kind, ids in by_kind.items():
        for _receiver, answer in links_wanted.send(kind, ids=sorted(ids), user=user):
            for ident, link in (answer or {}).items():
                found[(kind, ident)] = link
    return found


def link_choices(kind, compound_ids, user):
    """``[Link]``: the records of ``kind`` in ``compound_ids`` that ``user``
    may see, to pick one from a list instead of typing its number."""
    choices = []
    for _receiver, answer in link_choices_wanted.send(kind, compound_ids=list(compound_ids),
                                                      user=user):
        choices.extend(answer or [])
    return choices

"""Links between features without imports between them.

A feature that owns a kind of record registers a resolver:
``register("proposal", resolve)`` where ``resolve(ids, user)`` returns
``{id: Link}`` for the records the user may see.  Another feature that holds
a ``(kind, id)`` reference (an agenda item pointing at a proposal, a ballot
option standing for one) calls ``resolve_links([(kind, id), ...], user)``.
Features react to each other through ``on(event, handler)`` /
``emit(event, **data)`` (e.g. ``"ballot.closed"`` with the ballot and result)."""
from dataclasses import dataclass, field

RESOLVERS = {}
HANDLERS = {}


@dataclass
class Link:
    kind: str
    id: int
    title: str
    url: str
    summary: str = ""
    extra: dict = field(default_factory=dict)


def register(kind, resolver):
    RESOLVERS[kind] = resolver


def resolve_links(refs, user):
    """``[(kind, id)]`` → ``{(kind, id): Link}`` for what exists and ``user`` may see."""
    by_kind = {}
    for kind, ident in refs:
        by_kind.setdefault(kind, set()).add(ident)
    found = {}
    for kind, ids in by_kind.items():
        resolver = RESOLVERS.get(kind)
        if resolver is None:
            continue
        for ident, link in resolver(sorted(ids), user).items():
            found[(kind, ident)] = link
    return found


def on(event, handler):
    HANDLERS.setdefault(event, []).append(handler)


def emit(event, **data):
    """Call every handler of ``event`` in registration order (same transaction)."""
    for handler in HANDLERS.get(event, []):
        handler(**data)


PROVIDERS = {}


def provide(name, fn):
    """Offer a service function to other features under a stable name."""
    PROVIDERS[name] = fn


def provided(name):
    """The function offered under ``name``, or None if that feature is absent."""
    return PROVIDERS.get(name)

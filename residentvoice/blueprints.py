"""The features, each attached to the app by its own ``register(app)``.

A feature's ``__init__`` creates its blueprint and defines ``register``, which
imports the feature's view modules (they attach the routes), registers the
blueprint and adds the feature's CLI commands.  Views are imported only from
``register``, at app creation, which keeps the services free of import cycles."""
from . import (api, audit, auth, directory, follow, main, meetings, notifications, open311, ops,
               renovation, search, siteplan, spaces, tickets, uploads, voting)

# ``api`` comes last: the features' API modules add their routes to its blueprint,
# which Flask allows only before the blueprint is registered.
FEATURES = (main, auth, directory, audit, notifications, uploads, spaces, renovation, tickets,
            open311, voting, meetings, search, follow, siteplan, ops, api)


def register(app):
    for feature in FEATURES:
        feature.register(app)

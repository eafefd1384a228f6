"""The list of feature blueprints. Each feature adds its blueprint here.

A feature's ``__init__`` only creates the blueprint; importing its ``views``
module attaches the routes.  Importing views only here keeps services free
of import cycles."""
import importlib

FEATURES = ["main", "auth", "directory", "audit", "notifications", "uploads", "spaces", "api"]
VIEW_MODULES = {"spaces": ["views", "proposal_views", "api"], "api": ["views", "spec_views"]}
FEATURES.insert(FEATURES.index("api"), "renovation")  # renovation
VIEW_MODULES["renovation"] = ["views", "views_household", "api"]  # renovation
FEATURES[FEATURES.index("api"):FEATURES.index("api")] = ["tickets", "open311"]  # tickets
VIEW_MODULES["tickets"] = ["views", "views_work", "views_admin", "api"]  # tickets
FEATURES.insert(FEATURES.index("api"), "voting")  # voting
VIEW_MODULES["voting"] = ["views", "entry_views", "api"]  # voting
FEATURES.insert(FEATURES.index("api"), "meetings")  # meetings
VIEW_MODULES["meetings"] = ["views", "agenda_views", "live_views", "attendance_views", "minutes_views", "api", "api_write"]  # meetings


def BLUEPRINTS():
    blueprints = []
    for feature in FEATURES:
        for module in VIEW_MODULES.get(feature, ["views"]):
            importlib.import_module(f"residentvoice.{feature}.{module}")
        blueprints.append(importlib.import_module(f"residentvoice.{feature}").bp)
    return blueprints

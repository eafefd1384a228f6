"""Registries that let each feature add to the home page and the menu
without editing shared templates.

``home_section(order, template)`` decorates ``loader(user) -> dict | None``;
the section renders ``template`` with the dict, or is skipped on None.
``nav_item(order, endpoint, label, visible)`` adds a menu entry shown when
``visible(user)`` is true.
"""
from werkzeug.local import LocalProxy

HOME_SECTIONS = []
NAV_ITEMS = []


def home_section(order, template):
    def decorator(loader):
        HOME_SECTIONS.append((order, template, loader))
        HOME_SECTIONS.sort(key=lambda s: s[0])
        return loader
    return decorator


def nav_item(order, endpoint, label, visible=lambda user: user.is_authenticated):
    NAV_ITEMS.append((order, endpoint, label, visible))
    NAV_ITEMS.sort(key=lambda s: s[0])


def _itself(user):
    """The user rather than Flask-Login's ``current_user`` proxy, which looks
    the user up again on every attribute read (the loaders and the menu's
    tests read it dozens of times a request)."""
    return user._get_current_object() if isinstance(user, LocalProxy) else user


def home_sections_for(user):
    user = _itself(user)
    sections = []
    for _order, template, loader in HOME_SECTIONS:
        data = loader(user)
        if data is not None:
            sections.append((template, data))
    return sections


def nav_for(user):
    user = _itself(user)
    return [(endpoint, label) for _o, endpoint, label, visible in NAV_ITEMS if visible(user)]

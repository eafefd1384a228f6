"""Registries that let each feature add to the home page and the menu
without editing shared templates.

``home_section(order, template)`` decorates ``loader(user) -> dict | None``;
the section renders ``template`` with the dict, or is skipped on None.
``nav_item(order, endpoint, label, visible)`` adds a menu entry shown when
``visible(user)`` is true.
"""
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


def home_sections_for(user):
    sections = []
    for _order, template, loader in HOME_SECTIONS:
        data = loader(user)
        if data is not None:
            sections.append((template, data))
    return sections


def nav_for(user):
    return [(endpoint, label) for _o, endpoint, label, visible in NAV_ITEMS if visible(user)]

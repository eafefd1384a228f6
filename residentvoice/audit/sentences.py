"""Audit entries read as sentences in the reader's language (issue 17 §1).

"王书记 受理了工单 T000032 · 状态：已派单 → 已受理", not "ticket.acknowledge
Ticket #32 status: routed → acknowledged".  The records an entry names are
read in one query per kind for a page of entries; an enum value stored by
its name is shown with its label, found through the mapped column that holds
it, so this module needs no feature's import."""
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..templating import format_moment
from .phrases import (CHANGED, FIELD_NAMES, LOCATION_FIELDS, SENTENCES, SHOWS_SUMMARY,
                      TYPE_NAMES, VALUE_HIDDEN)

ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
LONGEST_VALUE = 40
# How a record is named, in order of preference: its own words, then its parent's.
NAME_ATTRIBUTES = ("number", "title", "name")
NAMED_BY_PARENT = {
    "Comment": ("Proposal", "proposal"), "MinutesComment": ("Meeting", "meeting"),
    "Attendance": ("Meeting", "meeting"), "AgendaSuggestion": ("Meeting", "meeting"),
    "ActionItem": ("Meeting", "meeting"), "SurveyResponse": ("Household", "household"),
    "SupervisionSignup": ("SupervisionStep", "step"), "InvitationCode": ("Household", "household"),
    "SpeechRequest": ("Motion", "motion"),
}
PARENT_ATTRIBUTES = ("household", "proposal", "measure", "step", "survey", "project",
                     "meeting", "motion")


@dataclass
class Line:
    """One entry as shown: the sentence, a quoted detail, the changes."""
    entry: object
    sentence: str
    detail: str = ""
    changes: list = field(default_factory=list)


@lru_cache(maxsize=None)
def model_class(name):
    """The mapped class the log calls ``name`` (its class name), or None."""
    for mapper in db.Model.registry.mappers:
        if mapper.class_.__name__ == name:
            return mapper.class_
    return None


@lru_cache(maxsize=None)
def _enums_of(field_name, type_name):
    """Enum classes of columns named ``field_name``: the record's own first."""
    found = []
    own = model_class(type_name)
    mappers = sorted(db.Model.registry.mappers, key=lambda m: m.class_ is not own)
    for mapper in mappers:
        column = mapper.columns.get(field_name)
        enum_class = getattr(getattr(column, "type", None), "enum_class", None)
        if enum_class is not None and enum_class not in found:
            found.append(enum_class)
    return tuple(found)


def _records(entries):
    """{(type, id): record} for the entries' records, one query per kind."""
    wanted = {}
    for entry in entries:
        if entry.object_id is not None and model_class(entry.object_type):
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    found = {}
    for type_name, ids in wanted.items():
        cls = model_class(type_name)
        query = db.select(cls).where(cls.id.in_(ids)).options(*_naming_loads(cls))
        for record in db.session.scalars(query):
            found[(type_name, record.id)] = record
    return found


def _naming_loads(cls):
    """Load what names the records with them: a flat's building, a record's
    parent (and the parent flat's building), one query each for the page."""
    relationships = cls.__mapper__.relationships
    loads = []
    for name in ("building", *PARENT_ATTRIBUTES):
        if name not in relationships:
            continue
        load = selectinload(getattr(cls, name))
        target = relationships[name].mapper.class_
        if name == "household" and "building" in target.__mapper__.relationships:
            load = load.selectinload(target.building)
        loads.append(load)
    return loads


def _own_name(record):
    if type(record).__name__ == "Household":
        return record.label
    if type(record).__name__ == "Building":
        return _("Building %(n)s", n=record.number)
    for attribute in NAME_ATTRIBUTES:
        value = getattr(record, attribute, None)
        if isinstance(value, str) and value:
            return value
    text = getattr(record, "text", None)
    if isinstance(text, str) and text:
        return _short(text)
    return ""


def record_name(record):
    """The record in words: its number, title or name, else its parent's."""
    if record is None:
        return ""
    name = _own_name(record)
    if name:
        return name
    for attribute in PARENT_ATTRIBUTES:
        parent = getattr(record, attribute, None)
        if parent is not None and not isinstance(parent, (str, int)):
            return _own_name(parent)
    return ""


def describe(type_name, record):
    """``工单 T000032``, ``表决“装充电桩”``, ``1号楼601``, or the kind alone.
    A record that lives inside another (a comment, a check-in) is named by
    that one: the sentence says what was done to it ("commented on …")."""
    if type_name in NAMED_BY_PARENT and record is not None:
        parent_type, attribute = NAMED_BY_PARENT[type_name]
        parent = getattr(record, attribute, None)
        parent_id = getattr(record, attribute + "_id", None)
        if parent is None and parent_id is not None and model_class(parent_type):
            parent = db.session.get(model_class(parent_type), parent_id)
        if parent is not None:
            return describe(parent_type, parent)
    kind = TYPE_NAMES.get(type_name)
    name = record_name(record)
    if type_name in ("Household", "User", "Owner", "Building") and name:
        return name
    if type_name == "Ticket" and name:
        return _("%(kind)s %(name)s", kind=kind, name=name)
    if kind and name:
        return _("%(kind)s “%(name)s”", kind=kind, name=name)
    return str(kind) if kind else (name or _("a record"))


def _short(text, limit=LONGEST_VALUE):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def value_text(field_name, type_name, value):
    """A stored change value as words: an enum's label, yes/no, Beijing time."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return _short(", ".join(value_text(field_name, type_name, v) for v in value))
    if isinstance(value, str):
        for enum_class in _enums_of(field_name, type_name):
            if value in enum_class.__members__:
                return str(enum_class[value].value)
        if ISO_MOMENT.match(value):
            return format_moment(datetime.fromisoformat(value), "short")
        return _short(value)
    return str(value)


def change_lines(entry):
    """``状态：已派单 → 已受理`` for each named field; the rest counted."""
    lines, unnamed, location = [], 0, False
    for name, pair in (entry.changes or {}).items():
        old, new = (list(pair) + [None, None])[:2]
        if name in LOCATION_FIELDS:
            location = True
        elif name in VALUE_HIDDEN and name in FIELD_NAMES:
            lines.append(_("%(field)s changed", field=FIELD_NAMES[name]))
        elif name in FIELD_NAMES and name not in VALUE_HIDDEN:
            lines.append(_("%(field)s: %(old)s → %(new)s", field=FIELD_NAMES[name],
                           old=value_text(name, entry.object_type, old),
                           new=value_text(name, entry.object_type, new)))
        else:
            unnamed += 1
    if location:
        lines.append(_("The place on the map changed"))
    if unnamed:
        lines.append(ngettext("%(num)d other detail changed",
                              "%(num)d other details changed", unnamed))
    return lines


def sentence(entry, record):
    actor = entry.actor.name if entry.actor else _("The system")
    template = SENTENCES.get(entry.action, CHANGED)
    text = str(template) % {"actor": actor, "object": describe(entry.object_type, record)}
    return text[:1].upper() + text[1:]


def lines(entries):
    """The entries of a page as ``Line``s."""
    records = _records(entries)
    shown = []
    for entry in entries:
        record = records.get((entry.object_type, entry.object_id))
        detail = entry.summary if entry.action in SHOWS_SUMMARY and entry.summary else ""
        shown.append(Line(entry, sentence(entry, record), _short(detail, 200) if detail else "",
                          change_lines(entry)))
    return shown


def type_choices(type_names):
    """The filter's record kinds in words, those without a name left out."""
    return sorted(((t, str(TYPE_NAMES[t])) for t in type_names if t in TYPE_NAMES),
                  key=lambda pair: pair[1])

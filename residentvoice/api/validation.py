"""Request bodies checked against the schema their route publishes (issue 16 §5).

A view declares its body once, in ``@documented(body=...)``; the OpenAPI
document shows that schema and ``helpers.json_body`` holds the request to
it (through ``checked``), so
what a client reads and what the server accepts cannot drift apart.  The
first wrong field answers 422 ``{"error": {"code", "message", "field"}}``
with the message in the reader's language; a body that is not a JSON object
answers 400.  Fields the schema gives ``format: date`` / ``date-time`` come
back parsed (a date; a naive UTC datetime), inside the accepted window
(``dates``).

The schemas are OpenAPI 3.0 (JSON Schema draft 4 with ``nullable``);
draft 4 is also the draft whose integers are JSON integers only — 1.0 and
true are not ids."""
from flask import current_app
from flask_babel import gettext as _
from jsonschema import Draft4Validator

from .. import dates
from .spec import SCHEMAS


class Invalid(Exception):
    """What is wrong with a body: the answer's status, code, message and field."""

    def __init__(self, status, code, message, field=None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def checked(endpoint, data, *, sent=True):
    """``data`` (the parsed JSON; ``sent``: whether the request had a body at
    all) checked against the body schema ``endpoint`` declares → the body with
    its dates parsed; Invalid for the first thing wrong.  No body counts as
    ``{}`` where no field is required."""
    schema = declared(endpoint)
    if not sent and not schema.get("required"):
        data = {}
    if not isinstance(data, dict):
        raise Invalid(400, "bad_json",
                      _("Send a JSON object with Content-Type: application/json."))
    errors = sorted(_validator(endpoint).iter_errors(data), key=_first)
    if errors:
        raise Invalid(*explain(errors[0]))
    return _parse_dates(data, schema)


_VALIDATORS = {}
ORDER = {"required": 0, "additionalProperties": 1}


def _first(error):
    """Missing fields first, then unknown ones, then wrong values; by place."""
    return (ORDER.get(error.validator, 2), [str(p) for p in error.absolute_path])


def declared(endpoint):
    """The body schema of ``endpoint``'s ``@documented``."""
    return current_app.view_functions[endpoint].openapi["body"]


def _validator(endpoint):
    """The compiled schema, once per view function."""
    view = current_app.view_functions[endpoint]
    if view not in _VALIDATORS:
        _VALIDATORS[view] = Draft4Validator(json_schema(view.openapi["body"]))
    return _VALIDATORS[view]


def json_schema(schema):
    """OpenAPI 3.0 → JSON Schema: ``nullable`` becomes a ``null`` type (and
    a ``None`` choice of an enum); component ``$ref`` are written out."""
    if isinstance(schema, list):
        return [json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return json_schema(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
    out = {key: json_schema(value) if key in ("items", "allOf", "anyOf", "oneOf", "not",
                                               "additionalProperties") else value
           for key, value in schema.items() if key != "nullable"}
    if "properties" in schema:
        out["properties"] = {name: json_schema(s) for name, s in schema["properties"].items()}
    if schema.get("nullable"):
        if "type" in schema:
            out["type"] = [schema["type"], "null"]
        if "enum" in schema and None not in schema["enum"]:
            out["enum"] = [*schema["enum"], None]
    return out


def _where(error, name=None):
    """``refs[0].id``: the field's place in the body."""
    place = ""
    for part in [*error.absolute_path, *([name] if name is not None else [])]:
        place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else part)
    return place


TYPE_MESSAGES = {
    "integer": lambda f: _("%(field)s must be a whole number.", field=f),
    "number": lambda f: _("%(field)s must be a number.", field=f),
    "string": lambda f: _("%(field)s must be text.", field=f),
    "boolean": lambda f: _("%(field)s must be true or false.", field=f),
    "array": lambda f: _("%(field)s must be a list.", field=f),
    "object": lambda f: _("%(field)s must be an object with named fields.", field=f),
}


def explain(error):
    """``(status, code, message, field)`` for a jsonschema error."""
    keyword, schema, value = error.validator, error.schema, error.validator_value
    if keyword == "required":
        field = _where(error, next(n for n in value if n not in error.instance))
        return 422, "missing_fields", _("%(field)s is missing.", field=field), field
    if keyword == "additionalProperties":
        known = set(schema.get("properties", {}))
        field = _where(error, sorted(k for k in error.instance if k not in known)[0])
        return 422, "unknown_field", _("%(field)s is not a field of this request.",
                                       field=field), field
    field = _where(error) or _("The body")
    if keyword == "type":
        kind = value[0] if isinstance(value, list) else value
        message = TYPE_MESSAGES[kind](field)
    elif keyword == "enum":
        message = _("%(field)s must be one of: %(choices)s.", field=field,
                    choices=", ".join(str(v) for v in value if v is not None))
    elif keyword in ("minimum", "maximum") and "minimum" in schema and "maximum" in schema:
        message = _("%(field)s must be from %(minimum)s to %(maximum)s.", field=field,
                    minimum=schema["minimum"], maximum=schema["maximum"])
    elif keyword == "minimum":
        message = _("%(field)s must be %(minimum)s or more.", field=field, minimum=value)
    elif keyword == "maximum":
        message = _("%(field)s must be %(maximum)s or less.", field=field, maximum=value)
    elif keyword == "minLength" and value == 1:
        message = _("%(field)s must not be empty.", field=field)
    elif keyword == "maxLength":
        message = _("%(field)s must be at most %(count)s characters long.", field=field,
                    count=value)
    else:
        message = _("%(field)s is not valid.", field=field)
    return 422, "invalid", message, field


def _parse_dates(data, schema):
    out = dict(data)
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("format")
        if kind not in ("date", "date-time") or not isinstance(out.get(name), str):
            continue
        try:
            out[name] = dates.parse_date(out[name]) if kind == "date" else \
                dates.parse_datetime(out[name], require_zone=True)
        except dates.DateOutOfRange as error:
            raise Invalid(422, "out_of_range", _("%(name)s is out of range. %(window)s",
                                                 name=name, window=error.message), name)
        except ValueError:
            if kind == "date":
                raise Invalid(422, "invalid", _("%(name)s must be a date such as %(example)s.",
                                                name=name, example="2026-05-01"), name)
            raise Invalid(422, "invalid", _("%(name)s must be a date-time with a time zone, "
                                            "such as %(example)s.", name=name,
                                            example="2026-05-01T09:00:00+08:00"), name)
    return out

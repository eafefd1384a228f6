"""Dates are bounded where they enter, and pages survive any stored date
(issue 14 §9).

A ballot closing in 9999 was accepted, and every ballots page of its compound
then answered 500.  Now every form date field, every date the JSON API and
Open311 parse, and every imported cell must lie between 1 January 2000 and
five years from today (``residentvoice.dates``); and a date already stored at
either end of the calendar is shown, not a failed page."""
import io
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from wtforms.fields.datetime import DateTimeField

from residentvoice import dates
from residentvoice.dates import beijing_today
from residentvoice.extensions import db as _db
from residentvoice.forms import BaseForm
from residentvoice.models import utcnow

from .test_access import _cases

FAR_FUTURE = datetime(9999, 12, 31, 23, 59)
LONG_AGO = datetime(1, 1, 1, 0, 0)


# ---- the window --------------------------------------------------------------

def test_the_window_runs_from_2000_to_five_years_ahead():
    today = date(2026, 5, 7)
    assert dates.latest(today) == date(2031, 5, 7)
    assert dates.latest(date(2028, 2, 29)) == date(2033, 2, 28)
    assert dates.in_range(date(2000, 1, 1), today) and dates.in_range(date(2031, 5, 7), today)
    assert not dates.in_range(date(1999, 12, 31), today)
    assert not dates.in_range(date(2031, 5, 8), today)
    assert not dates.in_range(FAR_FUTURE, today)


def test_parsing_refuses_what_is_outside_or_not_a_date():
    assert dates.parse_datetime("2026-05-01T08:00:00+08:00") == datetime(2026, 5, 1, 0, 0)
    assert dates.parse_datetime("2026-05-01T08:00:00Z") == datetime(2026, 5, 1, 8, 0)
    for text in ("9999-12-31T23:00:00-05:00", "9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z",
                 "1999-12-31T23:59:59+00:00"):
        with pytest.raises(dates.DateOutOfRange):
            dates.parse_datetime(text)
    for text in ("", "tomorrow", "2026-13-01T00:00:00Z", None, 5):
        with pytest.raises(ValueError):
            dates.parse_datetime(text)
    with pytest.raises(ValueError):
        dates.parse_datetime("2026-05-01T08:00:00", require_zone=True)
    with pytest.raises(dates.DateOutOfRange):
        dates.parse_date("9999-12-31")


def test_stored_values_at_the_ends_of_the_calendar_never_overflow():
    from zoneinfo import ZoneInfo
    zone = ZoneInfo("Asia/Shanghai")
    assert dates.shift(FAR_FUTURE, timedelta(hours=8)) == datetime.max
    assert dates.shift(LONG_AGO, -timedelta(days=1)) == datetime.min
    assert dates.shift(date.max, timedelta(days=1)) == date.max
    assert dates.to_zone(FAR_FUTURE, zone) == datetime.max
    assert dates.to_zone(datetime(2026, 5, 1), zone) == datetime(2026, 5, 1, 8)
    assert dates.plain(FAR_FUTURE) == "9999-12-31 23:59 UTC"


# ---- forms -------------------------------------------------------------------

def _form_classes():
    found, pending = [], [BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("residentvoice."):
                found.append(sub)
    return found


def test_every_date_field_of_every_form_refuses_dates_outside_the_window(app):
    checked = []
    with app.test_request_context(headers={"Cookie": "rv_lang=en"}):
        for cls in _form_classes():
            names = [name for name, unbound in vars(cls).items()
                     if getattr(unbound, "field_class", None)
                     and issubclass(unbound.field_class, DateTimeField)]
            names += [name for name in dir(cls) if name.startswith("starts_on_")
                      and name not in names]
            for name in names:
                for moment in (FAR_FUTURE, datetime(1999, 12, 31, 12, 0)):
                    form = cls(formdata=MultiDict(), meta={"csrf": False})
                    field = form[name]
                    text = moment.strftime(field.format[0])
                    form = cls(formdata=MultiDict({name: text}), meta={"csrf": False})
                    form[name].validate(form)
                    assert any("Enter a date from" in str(e) for e in form[name].errors), \
                        (cls.__name__, name, text, form[name].errors)
                checked.append(f"{cls.__name__}.{name}")
    # the forms the audit reached, and every other date field
    for expected in ("BallotForm.closes_at", "MeetingForm.starts_at", "ActionForm.due_on",
                     "StartForm.planned_for", "ProgressForm.expected_on",
                     "ProjectForm.planned_end", "WarrantyForm.signed_on"):
        assert expected in checked, checked


def test_a_date_inside_the_window_is_still_accepted(app):
    from residentvoice.meetings.forms import ActionForm
    with app.test_request_context():
        form = ActionForm(formdata=MultiDict({"due_on": (beijing_today() + timedelta(days=30))
                                              .isoformat()}), meta={"csrf": False})
        form.due_on.validate(form)
        assert form.due_on.errors == []


def test_a_ballot_closing_in_9999_is_refused_beside_the_field_and_nothing_saved(
        client, auth, factory, db):
    from residentvoice.voting.models import Ballot
    w = factory.world()
    w.secretary.locale = "en"
    auth.login(w.secretary)
    now = datetime.now()
    data = {"title": "充电桩", "basis": "residents", "matter": "consultative",
            "count_per": "household", "announced_at": now.strftime("%Y-%m-%dT%H:%M"),
            "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": "9999-12-31T23:59", "proxy_cap": "3"}
    response = client.post(f"/ballots/new/{w.compound_a.id}", data=data)
    page = response.get_data(True)
    assert response.status_code in (200, 422)
    assert "Enter a date from" in page and "充电桩" in page
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0


# ---- API and Open311 ------------------------------------------------------------

def _out_of_range(response):
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "out_of_range"


def test_api_refuses_dates_outside_the_window(api, factory, db):
    w = factory.world()
    api.login(w.secretary)
    now = utcnow()
    ballot = {"compound_id": w.compound_a.id, "title": "充电桩", "basis": "residents",
              "matter": "consultative", "announced_at": now.isoformat() + "Z",
              "opens_at": (now + timedelta(days=1)).isoformat() + "Z"}
    for closes in ("9999-12-31T23:59:00Z", "9999-12-31T23:00:00-05:00"):
        _out_of_range(api.post("/api/v1/ballots", json={**ballot, "closes_at": closes}))
    _out_of_range(api.post("/api/v1/ballots", json={
        **ballot, "announced_at": "0001-01-01T00:00:00+08:00",
        "closes_at": (now + timedelta(days=9)).isoformat() + "Z"}))
    meeting = {"compound_id": w.compound_a.id, "title": "议事会", "kind": "council",
               "starts_at": "9999-12-31T23:00:00-05:00", "chair_id": w.secretary.id,
               "recorder_id": w.secretary.id}
    _out_of_range(api.post("/api/v1/meetings", json=meeting))
    ticket = factory_ticket(w)
    api.login(w.staff)
    _out_of_range(api.post(f"/api/v1/tickets/{ticket.id}/transitions",
                           json={"action": "start", "planned_for": "9999-12-31"}))


def factory_ticket(w):
    from residentvoice.tickets import services
    services.set_rule(w.secretary, w.compound_a, "roads", w.organisation.id)
    return services.create_ticket(w.resident, compound_id=w.compound_a.id, category="roads",
                                  description="路面塌陷", household_id=w.household_a.id)


def test_open311_refuses_filter_dates_outside_the_window(client, db):
    for query in ("start_date=9999-12-01T00:00:00Z",
                  "end_date=0001-01-01T00:00:00Z",
                  "start_date=9999-12-31T00:00:00-05:00&end_date=9999-12-31T23:00:00-05:00"):
        response = client.get(f"/open311/v2/requests.json?{query}")
        assert response.status_code == 400, (query, response.get_data(True)[:300])
        body = response.get_json()
        assert body[0]["code"] == 400 and "must lie between" in body[0]["description"]


# ---- imports -----------------------------------------------------------------

def test_an_imported_cell_styled_as_a_date_beyond_the_calendar_is_a_bad_row(factory, db):
    from openpyxl import Workbook

    from residentvoice.directory.importer import plan_import
    w = factory.world()
    book = Workbook()
    sheet = book.active
    sheet.append(["building", "unit", "floor", "area_m2"])
    sheet.append(["1", "0501", 5, "60.00"])
    sheet.append(["1", "0601", 10 ** 10, "60.00"])
    sheet.cell(row=3, column=3).number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    plan = plan_import(w.compound_a, out.getvalue())
    assert [p.line for p in plan.problems] == [3]
    assert not plan.clean


# ---- stored values: every page still renders ----------------------------------

def _auth_tables():
    return {mapper.local_table.name for mapper in _db.Model.registry.mappers
            if mapper.class_.__module__.startswith("residentvoice.auth")}


def _set_every_date(db, moment):
    """Every date and date-time column of every row (accounts and sessions
    aside) set to ``moment``, straight in the database."""
    skip = _auth_tables()
    for table in _db.metadata.sorted_tables:
        if table.name in skip:
            continue
        values = {}
        for column in table.columns:
            if isinstance(column.type, sa.DateTime):
                values[column.name] = moment
            elif isinstance(column.type, sa.Date):
                values[column.name] = moment.date()
        if values:
            db.session.execute(table.update().values(**values))
    db.session.commit()


@pytest.mark.parametrize("moment", [FAR_FUTURE, LONG_AGO], ids=["9999", "0001"])
def test_every_page_renders_with_dates_at_the_ends_of_the_calendar(app, factory, db,
                                                                   monkeypatch, moment):
    monkeypatch.setitem(app.config, "PROPAGATE_UNEXPECTED", False)
    w = factory.world()
    cases = [(endpoint, url) for endpoint, method, url, _e in _cases(app, w) if method == "GET"]
    _set_every_date(db, moment)
    failures = []
    for role in ("resident", "secretary", "staff", "street_admin"):
        user = getattr(w, role)
        client = app.test_client()
        assert client.post("/login", data={"phone": user.phone,
                                           "password": w.password}).status_code == 302
        token = client.post("/api/v1/auth/token",
                            json={"phone": user.phone, "password": w.password}).json["token"]
        for endpoint, url in cases:
            response = client.get(url, headers={"Authorization": f"Bearer {token}"})
            if response.status_code >= 500:
                failures.append(f"{role}: GET {url} ({endpoint}) → {response.status_code}")
    assert failures == []

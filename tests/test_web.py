"""The one request layer (issue 16 §2, ``residentvoice/web.py``): what every
form and button does around a service call, and the one answer to a
refusal that reached no form."""
import pytest
from flask import get_flashed_messages
from wtforms import StringField

from residentvoice import web
from residentvoice.errors_domain import Conflict, DomainError, NotFound
from residentvoice.forms import BaseForm


@pytest.fixture
def w(factory, db):
    world = factory.world()
    db.session.commit()     # what was there before the request
    return world


class NameForm(BaseForm):
    name = StringField()


def renamed_then_refused(compound, db, field=None):
    def action():
        compound.name = "改了一半"
        db.session.flush()
        raise DomainError("不行", field=field)
    return action


def stored_name(db, compound):
    db.session.expire_all()
    return db.session.get(type(compound), compound.id).name


def test_a_refused_button_keeps_nothing_and_says_why(app, db, w):
    before = w.compound_a.name
    with app.test_request_context("/x", method="POST"):
        response = web.attempted(renamed_then_refused(w.compound_a, db), done="好了", to="/after",
                                 back="/before")
        assert response.status_code == 302 and response.location == "/before"
        assert get_flashed_messages(with_categories=True) == [("error", "不行")]
    assert stored_name(db, w.compound_a) == before


def test_a_refused_form_keeps_nothing_and_shows_the_error_beside_its_field(app, db, w):
    before = w.compound_a.name
    with app.test_request_context("/x", method="POST", data={"name": "新名字"}):
        form = NameForm(meta={"csrf": False})
        assert web.submitted(form, renamed_then_refused(w.compound_a, db, field="name"),
                             done="好了", to="/after") is None
        assert form.name.errors == ["不行"] and form.name.data == "新名字"
        assert web.form_status() == 422
        assert get_flashed_messages() == []
    assert stored_name(db, w.compound_a) == before


def test_an_error_for_no_field_goes_above_the_form(app, db, w):
    with app.test_request_context("/x", method="POST", data={"name": "x"}):
        form = NameForm(meta={"csrf": False})
        web.submitted(form, renamed_then_refused(w.compound_a, db, field="nonesuch"))
        assert form.form_errors == ["不行"]


def test_success_flashes_and_goes_where_the_result_says(app, db, w):
    with app.test_request_context("/x", method="POST", data={"name": "x"}):
        form = NameForm(meta={"csrf": False})
        response = web.submitted(form, lambda: 42, done=lambda n: f"第{n}号已保存",
                                 to=lambda n: f"/things/{n}")
        assert response.location == "/things/42"
        assert get_flashed_messages() == ["第42号已保存"]


def test_a_form_not_sent_runs_nothing(app, db):
    ran = []
    with app.test_request_context("/x", method="GET"):
        assert web.submitted(NameForm(meta={"csrf": False}), lambda: ran.append(1)) is None
        assert web.form_status() == 200
    assert ran == []


def test_a_result_that_is_a_page_of_its_own(app, db):
    with app.test_request_context("/x", method="POST", data={"name": "x"}):
        assert web.submitted(NameForm(meta={"csrf": False}), lambda: "一次性密码",
                             then=lambda code: f"<p>{code}</p>") == "<p>一次性密码</p>"


def test_refusal_status_reports_the_refusal(app, db):
    with app.test_request_context("/x", method="POST", data={"name": "x"}):
        web.submitted(NameForm(meta={"csrf": False}), lambda: (_ for _ in ()).throw(
            Conflict("已经有人改过了")))
        assert web.refusal_status() == 409


@pytest.mark.parametrize("path, json", [("/api/v1/anything", True), ("/anything", False)])
def test_a_refusal_no_form_waits_for_is_answered_once_with_its_status(app, db, w, path, json):
    before = w.compound_a.name
    with app.test_request_context(path):
        w.compound_a.name = "改了一半"
        db.session.flush()
        body, status = web.answer_refusal(NotFound("没有这项议程"))
    assert status == 404
    if json:
        assert body.get_json() == {"error": {"code": "not_found", "message": "没有这项议程"}}
    else:
        assert "没有这项议程" in body
    assert stored_name(db, w.compound_a) == before


def test_only_paths_on_this_site_are_followed():
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/a\nb", ""):
        assert web.safe_next(target) is None
    assert web.safe_next("/meetings/3/live") == "/meetings/3/live"

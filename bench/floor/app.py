"""The floor (`make bench`): the least a page of this stack can cost — Flask,
Jinja and SQLAlchemy (Flask-SQLAlchemy, as the app) over the benchmark's own
database, no login: one indexed query (a household by its primary key) and a
template extending a ~40-line base.  Served like the app (gunicorn.conf.py,
2 workers); the pages' CPU per request is reported as a ratio to this one's."""
import os

from flask import Flask, abort, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column


def _url():
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = _url()
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "floor")
db = SQLAlchemy(app)


class Household(db.Model):
    __tablename__ = "household"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str]
    unit: Mapped[str]
    floor: Mapped[int]
    compound_id: Mapped[int]


@app.route("/households/<int:household_id>")
def household(household_id):
    found = db.session.get(Household, household_id)
    if found is None:
        abort(404)
    return render_template("household.html", household=found)

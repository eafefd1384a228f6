"""The baseline: a bare Flask endpoint returning "ok", served exactly like the app."""
from flask import Flask

app = Flask(__name__)


@app.route("/ok")
def ok():
    return "ok"

from flask import Blueprint

bp = Blueprint("voting", __name__, url_prefix="/ballots")

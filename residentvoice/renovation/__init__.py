from flask import Blueprint

bp = Blueprint("renovation", __name__, url_prefix="/renovation")

from flask import Blueprint

bp = Blueprint("spaces", __name__, url_prefix="/spaces")

from flask import Blueprint

bp = Blueprint("uploads", __name__, url_prefix="/uploads")

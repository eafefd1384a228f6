"""Complaint tickets (DESIGN §5): filing, routing, SLA, confirmation, dashboard."""
from flask import Blueprint

bp = Blueprint("tickets", __name__, url_prefix="/tickets")

"""The ballot a route acts on, declared on the route (``access.guard``) for
pages and the API alike: read in one query with what its pages show
(``Ballot.in_full``), and closed first if its closing time has passed."""
from .. import access, web
from ..extensions import db
from . import services
from .models import Ballot


def _up_to_date(ballot):
    if services.is_due(ballot):
        web.about_to_write()
        if services.close_if_due(ballot):
            db.session.flush()


def ballot(up_to_date=True, **declared):
    """``@guards.ballot(can="can_manage")``: the route's ``ballot_id``, checked
    with ``Ballot`` permissions.  ``up_to_date=False`` leaves a ballot whose time
    is up as it is (the API's open and close act on the ballot as stored)."""
    return access.guard(Ballot, "ballot_id", options=Ballot.in_full,
                        then=_up_to_date if up_to_date else None, **declared)

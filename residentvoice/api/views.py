from flask import current_app, g, jsonify
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from .. import access
from ..auth import services as auth_services
from ..auth.views import login_limits
from ..auth.models import ApiToken
from ..directory.models import Compound, Household
from ..extensions import db
from ..forms import normalise_phone
from ..web import about_to_write, reads_first
from . import bp, serializers
from .helpers import PAGE_PARAMS, fail, json_body, paginate, user
from .spec import documented, page_of, ref


@bp.route("/auth/token", methods=["POST"])
@access.api(public=True)
@login_limits
@documented("Exchange phone and password for a bearer token", auth=False,
            statuses=[201, 400, 401, 422, 429], success=ref("Token"),
            body={"type": "object", "required": ["phone", "password"], "properties": {
                "phone": {"type": "string"}, "password": {"type": "string"}}}, tag="auth")
def token():
    reads_first()           # the password is checked before SQLite's write lock is taken
    data = json_body()
    account = auth_services.authenticate(normalise_phone(data["phone"]), data["password"])
    if account is None:
        fail(401, "bad_credentials", _("The mobile number or the password is not correct."))
    about_to_write()
    raw, issued = ApiToken.issue(account, current_app.config["API_TOKEN_HOURS"])
    return jsonify(token=raw, expires_at=serializers.iso(issued.expires_at)), 201


@bp.route("/auth/token", methods=["DELETE"])
@access.api()
@documented("Revoke the bearer token this request is made with", statuses=[204, 401],
            tag="auth")
def revoke_token():
    db.session.delete(g.api_token)
    return "", 204


@bp.route("/me")
@access.api()
@documented("The signed-in user, roles and households", statuses=[200], success=ref("Me"),
            tag="auth")
def me():
    u = user()
    households = sorted((r.household for r in u.resident_roles()), key=lambda h: h.code)
    return jsonify(id=u.id, name=u.name, phone=u.phone,
                   roles=[serializers.role(r) for r in u.roles],
                   households=[serializers.household(h) for h in households])


def visible_compounds_query(u):
    ids = set(u.compound_ids()) | u.managed_compound_ids()
    ids |= {c.id for r in u.roles if r.organisation_id for c in r.organisation.compounds}
    return db.select(Compound).where(Compound.id.in_(ids)).order_by(Compound.id)


@bp.route("/compounds")
@access.api()
@documented("Compounds the user lives in, manages or works in", statuses=[200, 422],
            success=page_of("Compound"), params=PAGE_PARAMS, tag="directory")
def compounds():
    query = visible_compounds_query(user()).options(joinedload(Compound.community))
    return paginate(query, serializers.compound, "api.compounds")


@bp.route("/compounds/<int:compound_id>/households")
@access.api()
@documented("Households of a compound (secretaries and street office: all; residents: "
            "their own)", statuses=[200, 404, 422], success=page_of("Household"),
            params=PAGE_PARAMS, tag="directory")
@access.guard(Compound, "compound_id", can_view="is_member")
def compound_households(compound):
    query = db.select(Household).where(Household.compound_id == compound.id)
    if not compound.can_manage(user()):
        query = query.where(Household.id.in_(user().household_ids() or {-1}))
    query = query.options(joinedload(Household.building), joinedload(Household.owner)) \
        .order_by(Household.code)
    return paginate(query, serializers.household, "api.compound_households",
                    compound_id=compound.id)

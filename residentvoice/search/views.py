from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import access
from ..forms import choices
from ..main.sections import nav_item
from ..spaces.queries import compounds_for
from . import bp, services
from .forms import SearchForm

nav_item(15, "search.index", _l("Search"))


@bp.route("/")
@access.login
def index():
    form = SearchForm(request.args)
    compounds = compounds_for(current_user)
    form.compound_id.choices = choices([(0, _l("All my compounds"))]
                                       + [(c.id, c.name) for c in compounds])
    pagination, results = None, []
    if request.args.get("q") is not None and form.validate():
        filters = services.Filters(kind=form.kind.data or "", compound_id=form.compound_id.data or 0,
                                   state=form.state.data or "", since=form.since.data,
                                   until=form.until.data)
        pagination, results = services.search(current_user, form.q.data, filters,
                                               page=request.args.get("page", 1, type=int))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("search/index.html", form=form, pagination=pagination,
                           results=results, args=args, searched=pagination is not None)

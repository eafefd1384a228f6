from ..access_matrix import FORBIDDEN, HIDDEN, expect, only
from .helpers import upload

# The plan page: the compound's members (compound A here); managing it: its secretary
# and the street office over it.
MEMBERS = expect(other_resident=HIDDEN, other_secretary=HIDDEN)
MANAGERS = only("secretary", "street_admin", others=FORBIDDEN,
                other_resident=HIDDEN, other_secretary=HIDDEN)


def _plan(w):
    if not getattr(w, "_siteplan", None):
        w._siteplan = upload(w)
    return w._siteplan


def _mark(w):
    from residentvoice.siteplan import services
    return services.mark(w.secretary, _plan(w), f"b:{w.building_a.id}", 0.5, 0.5)


# A POST without fields is a refused form (422, counted OK) for those allowed.
EXAMPLES = {
    "siteplan.show": lambda w: [("GET", f"/plan/compounds/{_plan(w).compound_id}", MEMBERS),
                                ("GET", "/plan/compounds/999999", expect(HIDDEN))],
    "siteplan.edit": lambda w: [("GET", f"/plan/compounds/{w.compound_a.id}/edit", MANAGERS),
                                ("POST", f"/plan/compounds/{w.compound_a.id}/edit", MANAGERS)],
    "siteplan.mark": lambda w: [("POST", f"/plan/compounds/{_plan(w).compound_id}/marks",
                                 MANAGERS)],
    "siteplan.unmark": lambda w: [
        ("POST", f"/plan/compounds/{w.compound_a.id}/marks/{_mark(w).id}/delete", MANAGERS)],
}

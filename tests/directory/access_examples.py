from ..access_matrix import FORBIDDEN, HIDDEN, expect, only

EXAMPLES = {
    "directory.compound": lambda w: [
        ("GET", f"/directory/compounds/{w.compound_a.id}",
         only("secretary", "street_admin", other_secretary=HIDDEN)),
    ],
    "api.compound_households": lambda w: [
        ("GET", f"/api/v1/compounds/{w.compound_a.id}/households",
         expect(other_resident=HIDDEN, other_secretary=HIDDEN)),
    ],
}

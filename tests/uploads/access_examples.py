from ..access_matrix import HIDDEN, expect

EXAMPLES = {
    # Who may see an existing upload is decided by its owning feature (see their tests);
    # an unknown id is hidden from everyone and anonymous users are sent to log in.
    "uploads.show": lambda w: [("GET", "/uploads/999999", expect(HIDDEN))],
}

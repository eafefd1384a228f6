from residentvoice.auth import sessions

from ..access_matrix import HIDDEN, expect


def residents_session(w):
    """A session of the resident's on another phone: only they may end it."""
    sessions.start(w.resident)
    return w.resident.session_row.id


EXAMPLES = {
    "auth.end_session": lambda w: [
        ("POST", f"/account/sessions/{residents_session(w)}/end",
         expect(HIDDEN, resident="ok")),
    ],
}

from residentvoice.extensions import db
from residentvoice.notifications.models import Notification

from ..access_matrix import HIDDEN, expect


def residents_notification(w):
    note = Notification(user_id=w.resident.id, kind="test", message="Welcome.", params={},
                        url="/")
    db.session.add(note)
    db.session.flush()
    return note.id


EXAMPLES = {
    # A notification is private to its recipient: everyone else gets 404.
    "notifications.open": lambda w: [
        ("GET", f"/notifications/{residents_notification(w)}",
         expect(HIDDEN, resident="ok")),
    ],
}

from residentvoice.extensions import db
from residentvoice.notifications.models import Notification

from ..access_matrix import HIDDEN, PUBLIC, ROLES, expect


def residents_notification(w):
    note = Notification(user_id=w.resident.id, kind="test", message="Welcome.", params={},
                        url="/")
    db.session.add(note)
    db.session.flush()
    return note.id


EXAMPLES = {
    # The provider's reply callback: without SMS_REPLY_TOKEN (and with a wrong
    # one) it does not exist for anyone.
    "notifications.sms_reply": lambda w: [
        ("POST", "/notifications/sms/reply/guessed", {role: HIDDEN for role in ROLES}),
    ],
    # An SMS's short link forwards anyone; the page it leads to decides.
    "notifications.go": lambda w: [("GET", "/notifications/go/b1", PUBLIC)],
    # A notification is private to its recipient: everyone else gets 404.
    "notifications.open": lambda w: [
        ("GET", f"/notifications/{residents_notification(w)}",
         expect(HIDDEN, resident="ok")),
    ],
}

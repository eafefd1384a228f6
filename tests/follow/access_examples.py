from ..access_matrix import HIDDEN, ROLES, expect
from ..meetings.access_examples import meeting

# Following needs sight of the record (a meeting of compound A here).
VIEWERS = expect(other_resident=HIDDEN, other_secretary=HIDDEN)
NOTHING = expect(HIDDEN)
NO_SUCH_URL = {role: HIDDEN for role in ROLES}      # a kind nobody follows is no URL at all


def _m(w):
    return meeting(w, "follow").id


EXAMPLES = {
    "follow.follow": lambda w: [("POST", f"/follow/meeting/{_m(w)}", VIEWERS),
                                ("POST", "/follow/nonsense/1", NO_SUCH_URL),
                                ("POST", "/follow/ticket/999999", NOTHING)],
    "follow.unfollow": lambda w: [("POST", f"/follow/meeting/{_m(w)}/stop", VIEWERS)],
}

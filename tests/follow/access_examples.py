from ..access_matrix import HIDDEN, expect
from ..meetings.access_examples import meeting

# Following needs sight of the record (a meeting of compound A here).
VIEWERS = expect(other_resident=HIDDEN, other_secretary=HIDDEN)
NOTHING = expect(HIDDEN)


def _m(w):
    return meeting(w, "follow").id


EXAMPLES = {
    "follow.follow": lambda w: [("POST", f"/follow/meeting/{_m(w)}", VIEWERS),
                                ("POST", "/follow/nonsense/1", NOTHING),
                                ("POST", "/follow/ticket/999999", NOTHING)],
    "follow.unfollow": lambda w: [("POST", f"/follow/meeting/{_m(w)}/stop", VIEWERS)],
}

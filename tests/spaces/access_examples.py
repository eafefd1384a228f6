from ..access_matrix import FORBIDDEN, HIDDEN, expect, only
from .helpers import spaces_world as sw

MANAGERS = ("secretary", "street_admin")
VIEW = expect(other_resident=HIDDEN, other_secretary=HIDDEN)
MANAGE = only(*MANAGERS, other_resident=HIDDEN, other_secretary=HIDDEN)
PROPOSE = expect(staff=FORBIDDEN, other_resident=HIDDEN, other_secretary=HIDDEN)
# Before review a proposal is the proposer's (and, once submitted, the secretaries').
PROPOSER_ONLY = only("resident", others=HIDDEN)
PROPOSER_OF_PUBLIC = only("resident", other_resident=HIDDEN, other_secretary=HIDDEN)
SUPPORTERS = only("resident", other_resident=HIDDEN, other_secretary=HIDDEN)
COMMENTERS = expect(staff=FORBIDDEN, other_resident=HIDDEN, other_secretary=HIDDEN)
REVIEWERS = only(*MANAGERS, staff=HIDDEN, other_resident=HIDDEN, other_secretary=HIDDEN)


def _s(w, tail=""):
    return f"/spaces/{sw(w).sp_space.id}{tail}"


def _p(w, name="sp_open", tail=""):
    return f"/spaces/proposals/{getattr(sw(w), name).id}{tail}"


def _c(w, name="sp_comment", tail=""):
    return f"/spaces/comments/{getattr(sw(w), name).id}{tail}"


def _api_p(w, name="sp_open", tail=""):
    return f"/api/v1/proposals/{getattr(sw(w), name).id}{tail}"


EXAMPLES = {
    "spaces.new_space": lambda w: [
        ("GET", f"/spaces/new?compound_id={w.compound_a.id}",
         only(*MANAGERS, other_secretary=HIDDEN)),
        ("POST", f"/spaces/new?compound_id={w.compound_a.id}",
         only(*MANAGERS, other_secretary=HIDDEN))],
    "spaces.space": lambda w: [("GET", _s(w), VIEW),
                               ("GET", "/spaces/999999", expect(HIDDEN))],
    "spaces.edit_space": lambda w: [("GET", _s(w, "/edit"), MANAGE),
                                    ("POST", _s(w, "/edit"), MANAGE)],
    "spaces.space_photo": lambda w: [("POST", _s(w, "/photos"), MANAGE)],
    "spaces.space_status": lambda w: [("POST", _s(w, "/status"), MANAGE)],
    "spaces.space_progress": lambda w: [("POST", _s(w, "/progress"), MANAGE)],
    "spaces.compare": lambda w: [("GET", _s(w, "/compare"), VIEW)],
    "spaces.handoff_agenda": lambda w: [("POST", _s(w, "/agenda"), MANAGE)],
    "spaces.handoff_ballot": lambda w: [("GET", _s(w, "/ballot"), MANAGE)],
    "spaces.new_proposal": lambda w: [("GET", _s(w, "/proposals/new"), PROPOSE),
                                      ("POST", _s(w, "/proposals/new"), PROPOSE)],
    "spaces.proposal": lambda w: [
        ("GET", _p(w), VIEW),
        ("GET", _p(w, "sp_draft"), PROPOSER_ONLY),
        ("GET", _p(w, "sp_submitted"), only("resident", *MANAGERS, staff=HIDDEN,
                                            other_resident=HIDDEN, other_secretary=HIDDEN))],
    "spaces.edit_proposal": lambda w: [("GET", _p(w, "sp_draft", "/edit"), PROPOSER_ONLY),
                                       ("POST", _p(w, "sp_draft", "/edit"), PROPOSER_ONLY)],
    "spaces.proposal_photo": lambda w: [("POST", _p(w, "sp_draft", "/photos"),
                                         PROPOSER_ONLY)],
    "spaces.submit_proposal": lambda w: [("POST", _p(w, "sp_draft2", "/submit"),
                                          PROPOSER_ONLY)],
    "spaces.withdraw_proposal": lambda w: [("POST", _p(w, "sp_for_withdraw", "/withdraw"),
                                            PROPOSER_OF_PUBLIC)],
    "spaces.review_proposal": lambda w: [("GET", _p(w, "sp_submitted", "/review"),
                                          dict(REVIEWERS, resident=FORBIDDEN))],
    "spaces.decide_proposal": lambda w: [("POST", _p(w, "sp_open", "/decision"), MANAGE)],
    "spaces.support": lambda w: [("POST", _p(w, "sp_open", "/support"), SUPPORTERS)],
    "spaces.unsupport": lambda w: [("POST", _p(w, "sp_open", "/unsupport"), SUPPORTERS)],
    "spaces.add_comment": lambda w: [("POST", _p(w, "sp_open", "/comments"), COMMENTERS)],
    "spaces.edit_comment": lambda w: [("GET", _c(w, tail="/edit"), PROPOSER_OF_PUBLIC)],
    "spaces.delete_comment": lambda w: [("POST", _c(w, "sp_comment2", "/delete"),
                                         PROPOSER_OF_PUBLIC)],
    "spaces.flag_comment": lambda w: [("POST", _c(w, tail="/flag"), VIEW)],
    "spaces.hide_comment": lambda w: [("GET", _c(w, tail="/hide"), MANAGE)],
    "api.space_detail": lambda w: [("GET", f"/api/v1/spaces/{sw(w).sp_space.id}", VIEW)],
    "api.space_transition": lambda w: [
        ("POST", f"/api/v1/spaces/{sw(w).sp_space.id}/transitions", MANAGE)],
    "api.proposal_detail": lambda w: [("GET", _api_p(w), VIEW),
                                      ("GET", _api_p(w, "sp_draft"), PROPOSER_ONLY)],
    "api.proposal_submit": lambda w: [("POST", _api_p(w, "sp_draft", "/submit"),
                                       PROPOSER_ONLY)],
    "api.proposal_review": lambda w: [("POST", _api_p(w, "sp_submitted", "/review"),
                                       dict(REVIEWERS, resident=FORBIDDEN))],
    "api.proposal_withdraw": lambda w: [("POST", _api_p(w, "sp_for_withdraw", "/withdraw"),
                                         PROPOSER_OF_PUBLIC)],
    "api.proposal_support": lambda w: [("POST", _api_p(w, tail="/support"), SUPPORTERS)],
    "api.proposal_unsupport": lambda w: [("DELETE", _api_p(w, tail="/support"), SUPPORTERS)],
    "api.proposal_comments": lambda w: [("GET", _api_p(w, tail="/comments"), VIEW)],
    "api.proposal_comment_create": lambda w: [("POST", _api_p(w, tail="/comments"),
                                               COMMENTERS)],
    "api.comment_edit": lambda w: [
        ("PATCH", f"/api/v1/proposal-comments/{sw(w).sp_comment.id}", PROPOSER_OF_PUBLIC)],
    "api.comment_delete": lambda w: [
        ("DELETE", f"/api/v1/proposal-comments/{sw(w).sp_comment2.id}", PROPOSER_OF_PUBLIC)],
    "api.comment_flag": lambda w: [
        ("POST", f"/api/v1/proposal-comments/{sw(w).sp_comment.id}/flag", VIEW)],
    "api.comment_hide": lambda w: [
        ("POST", f"/api/v1/proposal-comments/{sw(w).sp_comment.id}/hide", MANAGE)],
    "api.space_update": lambda w: [("PATCH", f"/api/v1/spaces/{sw(w).sp_space.id}", MANAGE)],
    "spaces.support_threshold": lambda w: [
        ("GET", f"/spaces/compounds/{w.compound_a.id}/support-needed", MANAGE),
        ("POST", f"/spaces/compounds/{w.compound_a.id}/support-needed", MANAGE)],
}

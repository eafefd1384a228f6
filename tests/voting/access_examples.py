from ..access_matrix import FORBIDDEN, HIDDEN, expect, only
from .helpers import make_ballot


def ballot(w, name="voting_open", state="open"):
    """One ballot per role of the world, created on first use."""
    if not hasattr(w, name):
        setattr(w, name, make_ballot(w.secretary, w.compound_a, state=state))
    return getattr(w, name).id


def paper(w):
    """The paper ballot of household A in the open ballot, issued on first use."""
    if not hasattr(w, "voting_paper"):
        from residentvoice.extensions import db
        from residentvoice.voting.models import Ballot
        from residentvoice.voting.paper import issue_paper_ballots
        papers, _issued = issue_paper_ballots(w.secretary, db.session.get(Ballot, ballot(w)),
                                              w.household_a.id)
        w.voting_paper = papers[0]
    return w.voting_paper


MEMBERS = expect(other_resident=HIDDEN, other_secretary=HIDDEN)
MANAGERS = only("secretary", "street_admin", other_secretary=HIDDEN)
SECRETARY = only("secretary", other_secretary=HIDDEN)
API_MANAGERS = only("secretary", "street_admin", other_secretary=HIDDEN)
API_RESIDENT = only("resident", other_resident=HIDDEN)
API_SECRETARY = only("secretary", other_secretary=HIDDEN)

EXAMPLES = {
    "voting.new": lambda w: [("GET", f"/ballots/new/{w.compound_a.id}", MANAGERS),
                             ("POST", f"/ballots/new/{w.compound_a.id}", MANAGERS)],
    "voting.edit": lambda w: [
        ("GET", f"/ballots/{ballot(w, 'voting_draft', 'draft')}/edit", MANAGERS),
        ("POST", f"/ballots/{ballot(w, 'voting_draft', 'draft')}/edit", MANAGERS)],
    "voting.show": lambda w: [("GET", f"/ballots/{ballot(w)}", MEMBERS),
                              ("GET", f"/ballots/{ballot(w, 'voting_draft', 'draft')}",
                               only("secretary", "street_admin", others=HIDDEN))],
    "voting.vote": lambda w: [("GET", f"/ballots/{ballot(w)}/vote", MEMBERS),
                              ("POST", f"/ballots/{ballot(w)}/vote", MEMBERS)],
    "voting.transition": lambda w: [
        ("POST", f"/ballots/{ballot(w, 'voting_draft2', 'draft')}/do/announce", MANAGERS)],
    "voting.close": lambda w: [("GET", f"/ballots/{ballot(w, 'voting_closing2')}/close", MANAGERS),
                               ("POST", f"/ballots/{ballot(w, 'voting_closing2')}/close",
                                MANAGERS)],
    "voting.result": lambda w: [("GET", f"/ballots/{ballot(w)}/result", MEMBERS)],
    "voting.notice": lambda w: [
        ("GET", f"/ballots/{ballot(w, 'voting_closed', 'closed')}/notice", MEMBERS)],
    "voting.paper": lambda w: [("GET", f"/ballots/{ballot(w)}/paper", SECRETARY),
                               ("POST", f"/ballots/{ballot(w)}/paper", SECRETARY)],
    "voting.paper_ballots": lambda w: [("GET", f"/ballots/{ballot(w)}/paper-ballots",
                                        SECRETARY)],
    "voting.paper_issue": lambda w: [("POST", f"/ballots/{ballot(w)}/paper-ballots/issue",
                                      SECRETARY)],
    "voting.paper_print": lambda w: [("GET", f"/ballots/{ballot(w)}/paper-ballots/print",
                                      SECRETARY)],
    "voting.paper_replace": lambda w: [
        (method, f"/ballots/{ballot(w)}/paper-ballots/{paper(w).id}/replace", SECRETARY)
        for method in ("GET", "POST")] + [
        # a paper ballot of another ballot, through this one: not found
        ("GET", f"/ballots/{ballot(w, 'voting_other')}/paper-ballots/{paper(w).id}/replace",
         only(secretary=HIDDEN, other_secretary=HIDDEN))],
    "voting.paper_scan": lambda w: [("GET", f"/ballots/paper/{paper(w).serial}", MEMBERS)],
    "voting.announcement": lambda w: [("GET", f"/ballots/{ballot(w)}/announcement", MEMBERS)],
    "voting.proxy": lambda w: [("GET", f"/ballots/{ballot(w)}/proxy", SECRETARY),
                               ("POST", f"/ballots/{ballot(w)}/proxy", SECRETARY)],
    "voting.export": lambda w: [
        ("GET", f"/ballots/{ballot(w, 'voting_closed', 'closed')}/export/results.csv",
         MANAGERS),
        ("GET", f"/ballots/{ballot(w)}/export/voters.xlsx", MANAGERS)],
    "api.ballot_detail": lambda w: [("GET", f"/api/v1/ballots/{ballot(w)}", MEMBERS)],
    "api.ballot_result": lambda w: [("GET", f"/api/v1/ballots/{ballot(w)}/result", MEMBERS)],
    "api.ballot_open": lambda w: [
        ("POST", f"/api/v1/ballots/{ballot(w, 'voting_announced', 'announced')}/open",
         API_MANAGERS)],
    "api.ballot_close": lambda w: [
        ("POST", f"/api/v1/ballots/{ballot(w, 'voting_closing')}/close", API_MANAGERS)],
    "api.ballot_vote": lambda w: [("POST", f"/api/v1/ballots/{ballot(w)}/votes",
                                   API_RESIDENT)],
    "api.ballot_paper_vote": lambda w: [("POST", f"/api/v1/ballots/{ballot(w)}/paper-votes",
                                         API_SECRETARY)],
}
assert FORBIDDEN

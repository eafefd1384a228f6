"""Every demo account the README names works with the password it gives
(issue 17 §11: the example owner account it named was refused)."""
import re

import pytest

from residentvoice.config import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def named_phones():
    table = re.findall(r"^\| [^|]+ \| (1\d{10}) \| demo1234 \|", README, flags=re.M)
    inline = re.findall(r"`(151\d{8})`", README)
    return sorted(set(table + inline))


def test_the_readme_names_the_accounts():
    assert len(named_phones()) >= 10


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    from residentvoice import create_app
    from residentvoice.extensions import db
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads"))})
    with app.app_context():
        db.create_all()
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    return app


def test_every_account_the_readme_names_logs_in(demo_app):
    from residentvoice.auth import services
    with demo_app.app_context():
        refused = [p for p in named_phones() if services.authenticate(p, "demo1234") is None]
    assert refused == []


DEMO_RESIDENTS = ["13800000001", "13800000002", "13800000003", "13800000004"]
REPRESENTATIVES = ["13500000001", "13500000002", "13500000003"]


def _waiting_for(user):
    """(open ballots the user may still vote in, with their basis; tickets they
    filed that are not closed; open proposals of their compounds their
    household does not support yet)."""
    from residentvoice.extensions import db
    from residentvoice.spaces.discussion_models import Support
    from residentvoice.spaces.models import Proposal, ProposalStatus
    from residentvoice.tickets.models import Status, Ticket
    from residentvoice.voting import services
    from residentvoice.voting.models import BallotStatus
    from residentvoice.voting.presenters import my_households
    ballots = [b.basis.name for b in db.session.scalars(
        services.ballots_for(user, [BallotStatus.open]))
        if any(c.eligible and c.vote is None for c in my_households(b, user))]
    tickets = db.session.scalars(db.select(Ticket.id).where(
        Ticket.reporter_id == user.id, Ticket.status != Status.closed)).all()
    proposals = db.session.scalars(db.select(Proposal.id).where(
        Proposal.compound_id.in_(user.compound_ids() or [-1]),
        Proposal.status == ProposalStatus.open,
        Proposal.id.notin_(db.select(Support.proposal_id).where(
            Support.household_id.in_(user.household_ids() or [-1]))))).all()
    return ballots, tickets, proposals


@pytest.mark.parametrize("phone", DEMO_RESIDENTS)
def test_each_demo_resident_has_something_to_do(demo_app, phone):
    """Issue 17 §11: an open ballot they can vote in (an owners' ballot for an
    owner), a ticket to follow and a proposal to support."""
    from residentvoice.auth.models import Relation
    from residentvoice.auth.services import authenticate
    with demo_app.app_context(), demo_app.test_request_context():
        user = authenticate(phone, "demo1234")
        ballots, tickets, proposals = _waiting_for(user)
        assert ballots and tickets and proposals, (ballots, tickets, proposals)
        confirmed_owner = phone not in ("13800000002", "13800000004")
        assert user.resident_roles()[0].relation in (Relation.owner, Relation.tenant)
        assert ("owners" in ballots) == confirmed_owner, ballots


@pytest.mark.parametrize("phone", REPRESENTATIVES)
def test_each_representative_has_an_owners_ballot_to_vote_in(demo_app, phone):
    from residentvoice.auth.services import authenticate
    with demo_app.app_context(), demo_app.test_request_context():
        ballots, _tickets, _proposals = _waiting_for(authenticate(phone, "demo1234"))
        assert ballots == ["owners"]


def test_the_readme_names_each_accounts_standing():
    rows = re.findall(r"^\| ([^|]+) \| (1\d{10}) \| demo1234 \|", README, flags=re.M)
    standing = {phone: role for role, phone in rows}
    for phone in DEMO_RESIDENTS:
        assert re.search(r"owner|tenant", standing[phone]), standing[phone]
    for phone in REPRESENTATIVES:
        assert "representative" in standing[phone]


def test_make_run_says_how_to_use_another_port():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "PORT ?= 5000" in makefile and "--port $(PORT)" in makefile
    assert "make run PORT=" in makefile and "make run PORT=" in README

"""The demo ballots of DESIGN §7: 长青园's closed ballot shows the art. 278
headcount rule at work; the loader is idempotent."""
from fractions import Fraction

from residentvoice.voting.counting import tally
from residentvoice.voting.demo import CHARGING, LIGHTING, TRASH
from residentvoice.voting.models import Ballot, BallotStatus, Vote


def test_demo_ballots(runner, db):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    ballots = {b.title: b for b in db.session.scalars(db.select(Ballot))}
    charging = ballots[CHARGING]
    assert charging.status is BallotStatus.published and charging.chain_head
    result = tally(charging)
    agree = result.options[0].totals
    part = result.participation
    # one household, one vote would pass it; art. 278 (institutions count once) does not
    assert Fraction(agree.units, part.units) >= Fraction(3, 4)
    assert Fraction(agree.headcount, part.headcount) < Fraction(3, 4)
    assert result.participation_met and not result.passed
    assert result.electorate.units - result.electorate.headcount >= 26   # 29 units, 3 owners
    assert ballots[TRASH].status is BallotStatus.open
    assert ballots[LIGHTING].basis.name == "residents" and ballots[LIGHTING].status.name == "open"
    votes = db.session.scalar(db.select(db.func.count(Vote.id)))
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(db.select(db.func.count(Ballot.id))) == len(ballots)
    assert db.session.scalar(db.select(db.func.count(Vote.id))) == votes

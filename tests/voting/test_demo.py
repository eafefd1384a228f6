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


def test_demo_paper_votes_carry_serials_issued_for_their_household(runner, db):
    """Paper ballots of the demo were printed for their households: each
    entered serial is an issued one, of the same ballot and household."""
    from residentvoice.voting.models import Cast, Channel, PaperBallot
    assert runner.invoke(args=["demo"]).exit_code == 0
    entered = db.session.execute(
        db.select(Cast.ballot_id, Cast.households, PaperBallot.ballot_id,
                  PaperBallot.household_id)
        .outerjoin(PaperBallot, PaperBallot.serial == Cast.serial)
        .where(Cast.channel == Channel.paper)).all()
    assert entered
    for ballot_id, households, paper_ballot, household_id in entered:
        assert paper_ballot == ballot_id
        assert str(household_id) in households.split(",")

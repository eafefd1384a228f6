"""An institution owning hundreds of units of a compound votes once for all of
them (a 单位's public housing): its cast's household list is not cut short."""
from residentvoice.directory.models import OwnerKind
from residentvoice.voting.counting import tally
from residentvoice.voting.models import Cast
from residentvoice.voting.paper_entry import enter_paper_vote

from .helpers import make_ballot, option, paper_serial


def test_an_owner_of_600_units_votes_for_all_of_them(db, factory):
    world = factory.world()
    owner = factory.owner(world.community_a, name="某机关事务管理局", kind=OwnerKind.institution)
    held = [factory.household(world.building_a, area="60.00", owner=owner, floor=11 + i // 50,
                              unit=f"{11 + i // 50:02d}{i % 50:02d}") for i in range(600)]
    ballot = make_ballot(world.secretary, world.compound_a)
    enter_paper_vote(world.secretary, ballot, serial=paper_serial(world.secretary, ballot, held[0]),
                     option_id=option(ballot, "同意").id, witness="监票人")
    cast = db.session.scalars(db.select(Cast).where(Cast.ballot_id == ballot.id)).one()
    assert len(cast.households.split(",")) == 600
    agreed = tally(ballot).options[0].totals
    assert (agreed.units, agreed.headcount, agreed.area_centi) == (600, 1, 600 * 6000)

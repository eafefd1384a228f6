"""Demo invitation codes: the households of 东四十条甲34号院 building 3 where
nobody has registered get a letter, so the letters page has something to
print (idempotent: nothing happens once the compound has codes)."""
from ..auth.models import InvitationCode
from ..auth.services import issue_invitations
from ..demo import demo_loader
from ..extensions import db
from .letters import households_for_letters
from .models import Household

DEMO_SECRETARY = "13900000001"


@demo_loader(20)
def load_invitations(ctx):
    compound = ctx.compound("DSST34")
    secretary = ctx.user(DEMO_SECRETARY)
    if compound is None or secretary is None:
        return
    issued = db.session.scalar(db.select(InvitationCode.id).join(InvitationCode.household)
                               .where(Household.compound_id == compound.id).limit(1))
    if issued is not None:
        return
    building = next((b for b in compound.buildings if b.number == "3"), None)
    households = households_for_letters(compound, building, only_unregistered=True)
    if households:
        issue_invitations(secretary, households, days=60)

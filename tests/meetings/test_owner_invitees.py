"""An owners' meeting invites the owners in the register, not whoever ticked
"owner" when registering (issue 14.5, the class beyond ballots): the accounts
the community office linked to a registered owner — an institution's
representative included, with every unit the institution holds."""
from residentvoice.auth.models import Relation
from residentvoice.directory.models import OwnerKind
from residentvoice.meetings import attendance, core, services
from residentvoice.meetings.models import InviteeScope, MeetingKind


def owners_meeting(mt, **kwargs):
    return mt.create(days=20, kind=MeetingKind.owners, invitees=InviteeScope.owners, **kwargs)


def test_a_self_declared_owner_is_not_invited_to_an_owners_meeting(mt, factory):
    stranger = factory.resident(mt.household3, relation=Relation.owner, owner_of=False,
                                name="自称业主")
    meeting = owners_meeting(mt)
    invited = core.invitee_households(meeting)
    assert stranger.id not in invited and not core.is_invited(meeting, stranger)
    assert mt.resident.id in invited and core.is_invited(meeting, mt.resident)
    assert mt.tenant.id not in invited


def test_an_institutions_representative_is_invited_for_all_its_units(mt, factory):
    w = mt.world
    institute = factory.owner(w.community_a, name="某研究所", kind=OwnerKind.institution)
    units = [factory.household(w.building_a, floor=7, unit=f"07{i:02d}", owner=institute)
             for i in range(3)]
    representative = factory.user(name="研究所代表")
    factory.link(institute, representative)
    meeting = owners_meeting(mt)
    invited = core.invitee_households(meeting)
    assert invited[representative.id] == {u.id for u in units}
    assert core.is_invited(meeting, representative)
    services.transition(mt.secretary, meeting, "announce")
    services.transition(mt.chair, meeting, "open")
    attendance.check_in_other(mt.secretary, meeting, representative.id)
    summary = attendance.summary(meeting)
    assert summary["present_households"] == 3
    assert summary["owners"]["units"] == 3 and summary["owners"]["headcount"] == 1

"""What each kind of audit entry says, in words (issue 17 §1).

The log stores a stable event name (``ticket.acknowledge``), the record's
class name and id, and field changes; these tables turn them into a sentence
in the reader's language.  They name features' events by their strings only:
the audit package imports no feature (setup.cfg, the import contracts).
``%(actor)s`` is who did it, ``%(object)s`` the record in words."""
from flask_babel import lazy_gettext as _l

# Events whose ``summary`` is what a person typed (a reason, a comment, a title
# the record itself no longer shows): it is quoted after the sentence.  Other
# summaries are the writer's own notes, partly in English, and are not shown.
SHOWS_SUMMARY = frozenset({
    "comment.flagged", "comment.hidden", "comment.deleted", "comment.created",
    "meeting.agenda_removed", "meeting.action_added", "meeting.minutes_comment",
    "renovation.observation_recorded", "renovation.notice_posted", "space.progress",
    "proposal.return", "proposal.reject", "proposal.withdraw", "proposal.set_aside",
    "space.back_to_vacated", "space.photo_added", "proposal.photo_added",
})

SENTENCES = {
    # accounts and the directory
    "invitation.used": _l("%(actor)s registered for %(object)s with an invitation code"),
    "invitation.issued": _l("%(actor)s printed invitation letters for %(object)s"),
    "invitation.revoked": _l("%(actor)s revoked %(object)s"),
    "resident.bound": _l("%(actor)s added a resident to %(object)s"),
    "resident.registered_in_person": _l("%(actor)s registered a resident of %(object)s in "
                                        "person"),
    "resident.relation_changed": _l("%(actor)s changed how a resident of %(object)s is "
                                    "related to it"),
    "resident.unbound": _l("%(actor)s removed a resident from %(object)s"),
    "user.password_changed": _l("%(actor)s changed their password"),
    "user.password_reset": _l("%(actor)s set a new password with a reset code"),
    "user.reset_code_issued": _l("%(actor)s printed a password reset code for %(object)s"),
    "role.granted": _l("%(actor)s gave %(object)s a new role"),
    "session.ended": _l("%(actor)s signed out of a device"),
    "session.remember_reused": _l("An old sign-in of %(object)s was used again; that "
                                  "session was ended"),
    "compound.created": _l("%(actor)s added %(object)s"),
    "compound.updated": _l("%(actor)s changed %(object)s"),
    "building.created": _l("%(actor)s added %(object)s"),
    "building.updated": _l("%(actor)s changed %(object)s"),
    "household.created": _l("%(actor)s added %(object)s"),
    "household.updated": _l("%(actor)s changed %(object)s"),
    "household.imported": _l("%(actor)s imported households into %(object)s"),
    "household.owner_assigned": _l("%(actor)s recorded the owner of %(object)s"),
    "owner.created": _l("%(actor)s added %(object)s"),
    "owner.updated": _l("%(actor)s changed %(object)s"),
    "owner.linked": _l("%(actor)s confirmed who votes for %(object)s"),
    "owner.unlinked": _l("%(actor)s removed someone voting for %(object)s"),
    # tickets
    "ticket.created": _l("%(actor)s filed %(object)s"),
    "ticket.routed": _l("%(object)s was sent to who handles it"),
    "ticket.route": _l("%(actor)s sent %(object)s to who handles it"),
    "ticket.reroute": _l("%(actor)s sent %(object)s to someone else"),
    "ticket.acknowledge": _l("%(actor)s took on %(object)s"),
    "ticket.start": _l("%(actor)s started work on %(object)s"),
    "ticket.resolve": _l("%(actor)s marked %(object)s as fixed"),
    "ticket.confirm": _l("%(actor)s confirmed %(object)s is fixed"),
    "ticket.reopen": _l("%(actor)s reopened %(object)s: not fixed"),
    "ticket.auto_close": _l("%(object)s was closed without the resident's confirmation"),
    "ticket.hand_back": _l("%(actor)s handed %(object)s back: not their responsibility"),
    "ticket.refuse": _l("%(actor)s closed %(object)s as not fixed"),
    "ticket.mark_duplicate": _l("%(actor)s merged %(object)s into an earlier ticket"),
    "ticket.me_too": _l("%(actor)s said %(object)s affects their household too"),
    "ticket.update": _l("%(actor)s posted an update on %(object)s"),
    "ticket.redacted": _l("%(actor)s removed personal details from %(object)s"),
    "ticket.escalated": _l("%(object)s was overdue and was escalated"),
    "ticket.rule_set": _l("%(actor)s set who handles a kind of complaint"),
    "ticket.rule_deleted": _l("%(actor)s removed a rule on who handles complaints"),
    "ticket.sla_changed": _l("%(actor)s changed the time limits for complaints"),
    # spaces and proposals
    "space.created": _l("%(actor)s added %(object)s"),
    "space.updated": _l("%(actor)s changed %(object)s"),
    "space.photo_added": _l("%(actor)s added a photo to %(object)s"),
    "space.progress": _l("%(actor)s reported progress on %(object)s"),
    "space.deliberate": _l("%(actor)s opened %(object)s for deliberation"),
    "space.decide": _l("%(actor)s recorded the decision on %(object)s"),
    "space.start_construction": _l("%(actor)s started construction on %(object)s"),
    "space.complete": _l("%(actor)s marked %(object)s as in use"),
    "space.back_to_vacated": _l("%(actor)s put %(object)s back to vacated"),
    "proposal.created": _l("%(actor)s wrote %(object)s"),
    "proposal.updated": _l("%(actor)s changed %(object)s"),
    "proposal.photo_added": _l("%(actor)s added a photo to %(object)s"),
    "proposal.supported": _l("%(actor)s supported %(object)s for their household"),
    "proposal.support_withdrawn": _l("%(actor)s withdrew their household's support for "
                                     "%(object)s"),
    "proposal.submit": _l("%(actor)s submitted %(object)s for review"),
    "proposal.start_review": _l("%(actor)s started reviewing %(object)s"),
    "proposal.open": _l("%(actor)s opened %(object)s for support"),
    "proposal.return": _l("%(actor)s returned %(object)s for revision"),
    "proposal.put_on_agenda": _l("%(actor)s put %(object)s on a meeting agenda"),
    "proposal.start_vote": _l("%(actor)s put %(object)s to a vote"),
    "proposal.back_to_open": _l("%(actor)s took %(object)s off the agenda"),
    "proposal.accept": _l("%(actor)s recorded %(object)s as accepted"),
    "proposal.reject": _l("%(actor)s recorded %(object)s as rejected"),
    "proposal.implement": _l("%(actor)s marked %(object)s as implemented"),
    "proposal.set_aside": _l("%(actor)s set %(object)s aside for the chosen proposal"),
    "proposal.withdraw": _l("%(actor)s withdrew %(object)s"),
    "spaces.support_threshold": _l("%(actor)s set how many households must support a "
                                   "proposal in %(object)s"),
    "comment.created": _l("%(actor)s commented on %(object)s"),
    "comment.edited": _l("%(actor)s edited a comment on %(object)s"),
    "comment.deleted": _l("%(actor)s deleted a comment on %(object)s"),
    "comment.flagged": _l("%(actor)s reported a comment on %(object)s for moderation"),
    "comment.hidden": _l("%(actor)s hid a comment on %(object)s"),
    # ballots
    "ballot.created": _l("%(actor)s drafted %(object)s"),
    "ballot.edited": _l("%(actor)s changed %(object)s"),
    "ballot.announced": _l("%(actor)s announced %(object)s"),
    "ballot.opened": _l("%(actor)s opened %(object)s for voting"),
    "ballot.closed": _l("%(actor)s closed %(object)s and counted the votes"),
    "ballot.published": _l("%(actor)s published the result of %(object)s"),
    "ballot.voted": _l("%(actor)s voted in %(object)s"),
    "ballot.vote_changed": _l("%(actor)s changed their vote in %(object)s"),
    "ballot.paper_vote": _l("%(actor)s entered a paper ballot for %(object)s"),
    "ballot.proxy_vote": _l("%(actor)s entered proxy votes for %(object)s"),
    "ballot.paper_issued": _l("%(actor)s printed paper ballots for %(object)s"),
    "ballot.paper_replaced": _l("%(actor)s replaced a household's paper ballot for %(object)s"),
    # meetings
    "meeting.created": _l("%(actor)s planned %(object)s"),
    "meeting.updated": _l("%(actor)s changed %(object)s"),
    "meeting.announce": _l("%(actor)s announced %(object)s"),
    "meeting.open": _l("%(actor)s opened %(object)s"),
    "meeting.adjourn": _l("%(actor)s adjourned %(object)s"),
    "meeting.draft_minutes": _l("%(actor)s started the minutes of %(object)s"),
    "meeting.publish": _l("%(actor)s published the minutes of %(object)s"),
    "meeting.agenda_added": _l("%(actor)s added %(object)s to the agenda"),
    "meeting.agenda_updated": _l("%(actor)s changed %(object)s"),
    "meeting.agenda_moved": _l("%(actor)s moved %(object)s on the agenda"),
    "meeting.agenda_removed": _l("%(actor)s removed an item from the agenda of %(object)s"),
    "meeting.current_item": _l("%(actor)s moved the meeting on to %(object)s"),
    "meeting.checked_in": _l("%(actor)s checked in at %(object)s"),
    "meeting.suggested": _l("%(actor)s suggested an item for %(object)s"),
    "meeting.suggestion_accepted": _l("%(actor)s put a resident's suggestion on the agenda "
                                      "of %(object)s"),
    "meeting.suggestion_declined": _l("%(actor)s declined a resident's suggestion for "
                                      "%(object)s"),
    "meeting.minutes_edited": _l("%(actor)s edited the minutes of %(object)s"),
    "meeting.minutes_approved": _l("%(actor)s approved the minutes of %(object)s"),
    "meeting.minutes_comment": _l("%(actor)s commented on the minutes of %(object)s"),
    "meeting.action_added": _l("%(actor)s added a follow-up task to %(object)s"),
    "meeting.action_done": _l("%(actor)s marked a follow-up task of %(object)s done"),
    "motion.moved": _l("%(actor)s moved %(object)s"),
    "motion.second": _l("%(actor)s seconded %(object)s"),
    "motion.debate": _l("%(actor)s opened the debate on %(object)s"),
    "motion.call_vote": _l("%(actor)s called the vote on %(object)s"),
    "motion.pass": _l("%(actor)s recorded %(object)s as carried"),
    "motion.fail": _l("%(actor)s recorded %(object)s as not carried"),
    "motion.withdraw": _l("%(actor)s withdrew %(object)s"),
    "motion.refer": _l("%(actor)s referred %(object)s to an owners' ballot"),
    "motion.referred": _l("%(actor)s drafted a ballot for %(object)s"),
    "motion.floor_requested": _l("%(actor)s asked to speak on %(object)s"),
    "motion.floor_withdrawn": _l("%(actor)s no longer asks to speak on %(object)s"),
    "motion.speaker_called": _l("%(actor)s gave the floor on %(object)s"),
    # renovation
    "renovation.project_created": _l("%(actor)s added %(object)s"),
    "renovation.project_updated": _l("%(actor)s changed %(object)s"),
    "renovation.project_start": _l("%(actor)s started work on %(object)s"),
    "renovation.project_cancel": _l("%(actor)s cancelled %(object)s"),
    "renovation.project_suspend": _l("%(actor)s suspended %(object)s"),
    "renovation.project_resume": _l("%(actor)s resumed %(object)s"),
    "renovation.project_complete": _l("%(actor)s marked %(object)s as completed"),
    "renovation.scope_added": _l("%(actor)s added %(object)s to the works"),
    "renovation.measure_added": _l("%(actor)s added %(object)s to the progress chart"),
    "renovation.progress_recorded": _l("%(actor)s recorded progress on %(object)s"),
    "renovation.notice_posted": _l("%(actor)s posted %(object)s"),
    "renovation.plans_created": _l("%(actor)s started household plans for %(object)s"),
    "renovation.plan_updated": _l("%(actor)s changed %(object)s"),
    "renovation.plan_visited": _l("%(actor)s recorded a home visit for %(object)s"),
    "renovation.plan_visit": _l("%(actor)s marked %(object)s as visited"),
    "renovation.plan_agree": _l("%(actor)s recorded %(object)s as agreed"),
    "renovation.plan_schedule": _l("%(actor)s scheduled the work of %(object)s"),
    "renovation.plan_reschedule": _l("%(actor)s put %(object)s back to agreed"),
    "renovation.plan_start_work": _l("%(actor)s recorded that work started for %(object)s"),
    "renovation.plan_restore": _l("%(actor)s recorded the floor restored for %(object)s"),
    "renovation.plan_sign_warranty": _l("%(actor)s recorded the warranty signed for "
                                        "%(object)s"),
    "renovation.warranty_signed": _l("%(actor)s recorded %(object)s as signed"),
    "renovation.survey_opened": _l("%(actor)s opened %(object)s"),
    "renovation.survey_closed": _l("%(actor)s closed %(object)s"),
    "renovation.survey_answered": _l("%(actor)s recorded the survey answer of %(object)s"),
    "renovation.survey_absent": _l("%(actor)s recorded nobody at home for %(object)s"),
    "renovation.step_created": _l("%(actor)s added %(object)s for residents to watch"),
    "renovation.supervision_signup": _l("%(actor)s signed up to watch %(object)s"),
    "renovation.observation_recorded": _l("%(actor)s recorded what they saw at %(object)s"),
}

# An event not listed above still reads as a sentence, never as its name.
CHANGED = _l("%(actor)s changed %(object)s")

# Record kinds, by the class name the log stores (the API's "not found" names them too).
TYPE_NAMES = {
    "User": _l("account"), "InvitationCode": _l("invitation code"),
    "Compound": _l("compound"), "Building": _l("building"), "Household": _l("household"),
    "Owner": _l("owner"), "Ticket": _l("ticket"), "RoutingRule": _l("routing rule"),
    "SlaPolicy": _l("time limits"), "Space": _l("vacated space"), "Proposal": _l("proposal"),
    "Comment": _l("comment"), "Ballot": _l("ballot"), "Meeting": _l("meeting"),
    "AgendaItem": _l("agenda item"), "Motion": _l("motion"),
    "RenovationProject": _l("renovation project"), "ScopeItem": _l("works item"),
    "ProgressMeasure": _l("progress measure"), "ProgressEntry": _l("progress reading"),
    "ProjectNotice": _l("notice"), "HouseholdPlan": _l("household plan"),
    "NeedsSurvey": _l("survey"), "SurveyResponse": _l("survey answer"),
    "WarrantyAgreement": _l("warranty"), "SupervisionStep": _l("works step"),
    "SupervisionSignup": _l("sign-up"), "Observation": _l("observation"),
    "Attendance": _l("attendance"), "ActionItem": _l("follow-up task"),
    "AgendaSuggestion": _l("suggestion"), "MinutesComment": _l("comment on the minutes"),
    "Community": _l("community"), "OwnerLink": _l("owner link"), "PlanVisit": _l("home visit"),
    "Notification": _l("notification"), "TicketEvent": _l("ticket update"),
    "Organisation": _l("organisation"), "AuditEntry": _l("audit entry"),
    "RoleAssignment": _l("role"), "UserSession": _l("signed-in device"), "Vote": _l("vote"),
}

# Fields whose change is shown with its name; any other field is counted.
FIELD_NAMES = {
    "status": _l("Status"), "closure": _l("How it ended"), "title": _l("Title"),
    "name": _l("Name"), "description": _l("Description"), "phone": _l("Phone"),
    "kind": _l("Kind"), "number": _l("Number"), "floors": _l("Floors"),
    "floor": _l("Floor"), "unit": _l("Unit"), "area_m2": _l("Area (m²)"),
    "occupancy": _l("Occupancy"), "code": _l("Code"), "address": _l("Address"),
    "built_year": _l("Year built"), "place": _l("Place"), "starts_at": _l("Starts at"),
    "duration_minutes": _l("Duration (minutes)"), "time_box_minutes": _l("Time box (minutes)"),
    "presenter": _l("Presenter"), "owner": _l("Owner"), "relation": _l("Relation"),
    "done": _l("Done"), "escalation_level": _l("Escalation level"),
    "ack_minutes": _l("Time to acknowledge (minutes)"),
    "resolve_minutes": _l("Time to resolve (minutes)"), "location": _l("Location"),
    "origin": _l("Origin"), "opens_at": _l("Opens at"), "closes_at": _l("Closes at"),
    "options": _l("Options"), "matter": _l("Matter"), "basis": _l("Who decides"),
    "needs": _l("Needs"), "concerns": _l("Concerns"), "window_start": _l("Window from"),
    "window_end": _l("Window to"), "planned_start": _l("Planned start"),
    "planned_end": _l("Planned end"), "affected_count": _l("Households affected"),
    "link": _l("Votes for the owner"), "households": _l("Households"),
}

# Fields never shown with their values: coordinates are shown as the place's
# description or not at all; internal ids and long texts say only that they changed.
VALUE_HIDDEN = frozenset({"latitude", "longitude", "body", "description", "needs",
                          "concerns", "minutes_text"})
LOCATION_FIELDS = frozenset({"latitude", "longitude"})

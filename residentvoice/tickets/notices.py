"""What a ticket's notifications say (issue 17 §6): who did what, to which
ticket — its number and its subject, the first words of the complaint — in
one line, e.g. "北京城建 孙工 posted an update on T000032 “空调外机震动…”"."""
from ..i18n import N_
from ..notifications.services import notify

SUBJECT_CHARS = 18

ACKNOWLEDGED = N_("%(who)s acknowledged %(number)s “%(subject)s”.")
STARTED = N_("%(who)s started work on %(number)s “%(subject)s”.")
RESOLVED = N_("%(who)s marked %(number)s “%(subject)s” resolved: is it really fixed? "
              "Please confirm.")
CONFIRMED = N_("%(who)s confirmed %(number)s “%(subject)s” is fixed.")
REOPENED = N_("%(who)s reopened %(number)s “%(subject)s”: it is not fixed.")
HANDED_BACK = N_("%(who)s handed back %(number)s “%(subject)s”: it needs rerouting.")
REFUSED = N_("%(who)s closed %(number)s “%(subject)s” without a fix.")
MERGED = N_("%(who)s merged %(number)s “%(subject)s” into another ticket.")
ROUTED = N_("New ticket %(number)s “%(subject)s” is waiting for you.")
UPDATED = N_("%(who)s posted an update on %(number)s “%(subject)s”.")
CHASED = N_("%(who)s is chasing %(number)s “%(subject)s”: it is overdue.")
ESCALATED = {
    1: N_("%(number)s “%(subject)s” is overdue and was escalated to the community's "
          "secretaries."),
    2: N_("%(number)s “%(subject)s” is still overdue and was escalated to the street office."),
}
# Notifications already sent keep their message id: these stay in the
# catalogues so they still read in the reader's language.
EARLIER = [
    N_("Ticket %(number)s was acknowledged."),
    N_("Work on ticket %(number)s has started."),
    N_("Ticket %(number)s is marked resolved. Is it really fixed? Please confirm."),
    N_("The reporter confirmed ticket %(number)s is fixed."),
    N_("Ticket %(number)s was reopened: the reporter says it is not fixed."),
    N_("Ticket %(number)s was handed back and needs rerouting."),
    N_("Ticket %(number)s was closed without a fix."),
    N_("Ticket %(number)s was merged into another ticket."),
    N_("New ticket %(number)s is waiting for you."),
    N_("Ticket %(number)s has a new update."),
    N_("Ticket %(number)s is overdue and was escalated to the community's secretaries."),
    N_("Ticket %(number)s is still overdue and was escalated to the street office."),
]


def subject(ticket):
    """The ticket's first words, on one line."""
    text = " ".join((ticket.description or "").split())
    return text if len(text) <= SUBJECT_CHARS else text[:SUBJECT_CHARS] + "…"


def who(actor, ticket):
    """The actor as the other side knows them: staff of the ticket's
    organisation with its name before theirs."""
    if actor is None:
        return ""
    if ticket.organisation_id is not None and any(
            r.organisation_id == ticket.organisation_id for r in actor.roles):
        return f"{ticket.organisation.name} {actor.name}"
    return actor.name


def tell(user_ids, kind, message, ticket, url, actor=None, **options):
    """``notify`` with the ticket's number, subject and (when the message
    names them) who acted."""
    params = {"number": ticket.number, "subject": subject(ticket)}
    if "%(who)s" in message:
        params["who"] = who(actor, ticket)
    return notify(user_ids, kind, message, params, url, **options)

"""On-site supervision (旁站监督): residents sign up to watch a work step and
record what they see; a problem becomes a ticket routed to the construction
party through the tickets feature's "create_ticket" provider."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import signals
from ..audit.services import record
from ..dates import beijing_today
from ..directory.models import Household
from ..errors_domain import Conflict, InvalidInput, NotAllowed
from ..extensions import db
from ..uploads import services as uploads
from .models_household import Observation, SupervisionSignup, SupervisionStep

TICKET_CATEGORIES = ("water_drainage", "facade_ac", "insulation", "roads", "rain_sewage",
                     "charging_piles", "bike_sheds", "trash_stations", "greenery", "noise",
                     "other")


def create_step(actor, project, *, title, scheduled_on, household_id=None):
    """Managers and the construction party announce a step residents may watch."""
    if not project.can_record_progress(actor):
        raise NotAllowed(_l("You may not do this."))
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_l("Enter a title."), "title")
    if scheduled_on is None:
        raise InvalidInput(_l("Enter a date."), "scheduled_on")
    if household_id is not None:
        household = db.session.get(Household, household_id)
        if household is None or household.compound_id != project.compound_id:
            raise InvalidInput(_l("Choose a household of this project's compound."),
                               "household_id")
    step = SupervisionStep(project_id=project.id, title=title, scheduled_on=scheduled_on,
                           household_id=household_id, created_by_id=actor.id)
    db.session.add(step)
    db.session.flush()
    record(actor, "renovation.step_created", step, summary=title,
           community_id=project.compound.community_id)
    return step


def can_sign_up(user, step):
    return bool(user and user.is_authenticated) and \
        step.project.compound_id in user.compound_ids()


def sign_up(actor, step):
    """A resident of the compound volunteers to supervise the step."""
    if not can_sign_up(actor, step):
        raise NotAllowed(_l("Only residents of this compound can supervise its work."))
    if step.is_supervisor(actor):
        raise Conflict(_l("You have already signed up for this step."))
    try:  # the unique key decides between two sign-ups sent at once
        with db.session.begin_nested():
            signup = SupervisionSignup(step_id=step.id, user_id=actor.id)
            db.session.add(signup)
    except IntegrityError:
        raise Conflict(_l("You have already signed up for this step."))
    db.session.expire(step, ["signups"])
    record(actor, "renovation.supervision_signup", step, summary=step.title,
           community_id=step.project.compound.community_id)
    return signup


def record_observation(actor, step, *, text, is_problem=False, category="other", photos=(),
                       today=None, kept=()):
    """A supervisor's observation with photos (``kept``: those kept from the
    same form sent back before).  A problem is filed as a ticket routed to
    the construction party; without the tickets feature the observation stays
    recorded and says so."""
    if not step.can_observe(actor):
        raise NotAllowed(_l("Sign up to supervise this step first."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_l("Describe what you saw."), "text")
    if category not in TICKET_CATEGORIES:
        raise InvalidInput(_l("Choose a category from the list."), "category")
    observation = Observation(step=step, author_id=actor.id, text=text,
                              is_problem=bool(is_problem), category=category)
    db.session.add(observation)
    db.session.flush()
    uploads.attach(kept, "renovation_observation", observation.id)
    for photo in photos:
        if photo and photo.filename:
            uploads.store(photo, actor=actor, object_type="renovation_observation",
                          object_id=observation.id)
    if observation.is_problem:
        # Tickets files it and notes the ticket on the observation.
        signals.problem_observed.send(observation, actor=actor, step=step,
                                      observation=observation)
    record(actor, "renovation.observation_recorded", observation, summary=text[:200],
           community_id=step.project.compound.community_id)
    return observation


def steps_of_project(project):
    return db.session.scalars(db.select(SupervisionStep).where(
        SupervisionStep.project_id == project.id)
        .order_by(SupervisionStep.scheduled_on, SupervisionStep.id)).all()


def signups_of(user, limit=10):
    return db.session.scalars(db.select(SupervisionStep).join(SupervisionSignup).where(
        SupervisionSignup.user_id == user.id)
        .order_by(SupervisionStep.scheduled_on.desc()).limit(limit)).all()


def upcoming_steps_for(user, today=None, limit=5):
    """Steps in the user's compounds they could still sign up for: the next
    ``limit`` they have not signed up for (those they have are listed apart)."""
    ids = user.compound_ids()
    if not ids:
        return []
    from .models import RenovationProject
    signed_up = db.select(SupervisionSignup.step_id).where(SupervisionSignup.user_id == user.id)
    return db.session.scalars(db.select(SupervisionStep).join(RenovationProject).where(
        RenovationProject.compound_id.in_(ids), SupervisionStep.id.not_in(signed_up),
        SupervisionStep.scheduled_on >= (today or beijing_today()))
        .order_by(SupervisionStep.scheduled_on).limit(limit)).all()


def observation_visible(observation_id, user):
    observation = db.session.get(Observation, observation_id)
    return observation is not None and observation.step.can_view(user)



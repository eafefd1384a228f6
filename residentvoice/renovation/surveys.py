"""Needs surveys (改造意愿征集): which scope items each household wants and
its most pressing problems, answered on a phone or on a door-to-door visit."""
from collections import defaultdict
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..dates import beijing_today
from ..directory.models import Building, Household
from ..errors_domain import Conflict, InvalidInput, NotAllowed
from ..extensions import db
from ..models import utcnow
from .models import SCOPE_KINDS, lock
from .models_household import (NeedsSurvey, ResponseStatus, SurveyOption, SurveyResponse,
                               SurveyStatus, survey_choice)


def open_survey(actor, compound, *, title, kinds):
    """A manager opens a survey listing the scope kinds households may want."""
    if not compound.can_manage(actor):
        raise NotAllowed(_l("You may not do this."))
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_l("Enter a title."), "title")
    kinds = [k for k in dict.fromkeys(kinds or []) if k]
    if not kinds:
        raise InvalidInput(_l("Choose at least one item to ask about."), "kinds")
    if any(k not in SCOPE_KINDS for k in kinds):
        raise InvalidInput(_l("Choose items from the list."), "kinds")
    survey = NeedsSurvey(compound_id=compound.id, title=title, opened_by_id=actor.id)
    for kind in kinds:
        # no stored title: the kind's label is shown in each reader's language
        survey.options.append(SurveyOption(kind=kind, title=""))
    db.session.add(survey)
    db.session.flush()
    record(actor, "renovation.survey_opened", survey, summary=title,
           community_id=compound.community_id)
    return survey


def close_survey(actor, survey):
    if not survey.can_manage(actor):
        raise NotAllowed(_l("You may not do this."))
    lock(survey)
    if survey.status is SurveyStatus.closed:
        raise Conflict(_l("This survey is already closed."))
    survey.status = SurveyStatus.closed
    survey.closed_at = utcnow()
    record(actor, "renovation.survey_closed", survey, community_id=survey.compound.community_id)
    return survey


def can_answer(user, survey, household):
    """Residents answer for their own household; managers record visits."""
    if household.compound_id != survey.compound_id:
        return False
    return household.id in user.household_ids() or survey.can_manage(user)


def response_of(survey, household):
    return db.session.scalar(db.select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.household_id == household.id)
        .execution_options(populate_existing=True))


def answer(actor, survey, household, *, option_ids=(), problems="", absent=False,
           visited_on=None):
    """Record (or replace) the household's answer.  A manager's entry is a
    door-to-door visit with its date; ``absent`` records that nobody was home.
    Under the survey's lock: one answer per household when several members
    (or a visit) answer at once, and none after the survey closed."""
    if not can_answer(actor, survey, household):
        raise NotAllowed(_l("You may not do this."))
    lock(survey)
    if survey.status is not SurveyStatus.open:
        raise Conflict(_l("This survey is closed."))
    by_staff = survey.can_manage(actor)
    if by_staff:
        if visited_on is None:
            raise InvalidInput(_l("Enter the date of the visit."), "visited_on")
        if visited_on > beijing_today():
            raise InvalidInput(_l("A visit cannot be in the future."), "visited_on")
    elif absent:
        raise NotAllowed(_l("You may not do this."))
    options = {o.id: o for o in survey.options}
    if any(i not in options for i in option_ids):
        raise InvalidInput(_l("Choose items from the list."), "option_ids")
    problems = (problems or "").strip()
    if not absent and not option_ids and not problems:
        raise InvalidInput(_l("Tick at least one item or describe a problem."), "option_ids")
    response = response_of(survey, household)
    if response is None:
        response = SurveyResponse(survey_id=survey.id, household_id=household.id,
                                  status=ResponseStatus.answered)
        db.session.add(response)
    elif absent and response.status is ResponseStatus.answered:
        raise Conflict(_l("This household has already answered."), "absent")
    response.status = ResponseStatus.absent if absent else ResponseStatus.answered
    response.choices = [] if absent else [options[i] for i in option_ids]
    response.problems = "" if absent else problems
    if by_staff:
        response.visited_by_id = actor.id
        response.visited_on = visited_on
    if not absent:
        response.answered_by_id = actor.id
    db.session.flush()
    record(actor, "renovation.survey_" + ("absent" if absent else "answered"), response,
           summary=household.code, community_id=survey.compound.community_id)
    return response


def results(survey):
    """Per option: households that want it and their total area."""
    rows = db.session.execute(
        db.select(survey_choice.c.option_id, db.func.count(Household.id),
                  db.func.coalesce(db.func.sum(Household.area_m2), 0))
        .join(SurveyResponse, SurveyResponse.id == survey_choice.c.response_id)
        .join(Household, Household.id == SurveyResponse.household_id)
        .where(SurveyResponse.survey_id == survey.id,
               SurveyResponse.status == ResponseStatus.answered)
        .group_by(survey_choice.c.option_id)).all()
    found = {oid: (count, Decimal(area).quantize(Decimal("0.01"))) for oid, count, area in rows}
    return [(o, *found.get(o.id, (0, Decimal("0.00")))) for o in survey.options]


def coverage(survey):
    """Buildings → floors (top first) → households with their response (or
    None when nobody has reached them), plus totals per state."""
    households = db.session.scalars(db.select(Household).where(
        Household.compound_id == survey.compound_id)
        .order_by(Household.building_id, Household.floor.desc(), Household.unit)).all()
    responses = {r.household_id: r for r in db.session.scalars(
        db.select(SurveyResponse).where(SurveyResponse.survey_id == survey.id))}
    buildings = {b.id: b for b in db.session.scalars(db.select(Building).where(
        Building.compound_id == survey.compound_id))}
    grid = defaultdict(lambda: defaultdict(list))
    totals = {"answered": 0, "absent": 0, "unreached": 0}
    for household in households:
        response = responses.get(household.id)
        grid[household.building_id][household.floor].append((household, response))
        totals[response.status.name if response else "unreached"] += 1
    ordered = [(buildings[bid], sorted(floors.items(), reverse=True))
               for bid, floors in sorted(grid.items(), key=lambda kv: buildings[kv[0]].number)]
    return ordered, totals


def problems_list(survey, limit=20):
    return db.session.scalars(db.select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.problems != "")
        .order_by(SurveyResponse.id.desc()).limit(limit)).all()


def open_surveys_for(user):
    ids = user.compound_ids()
    if not ids:
        return []
    return db.session.scalars(db.select(NeedsSurvey).where(
        NeedsSurvey.compound_id.in_(ids), NeedsSurvey.status == SurveyStatus.open)
        .order_by(NeedsSurvey.id)).all()


def surveys_of_compound(compound_id):
    return db.session.scalars(db.select(NeedsSurvey).where(
        NeedsSurvey.compound_id == compound_id).order_by(NeedsSurvey.id.desc())).all()

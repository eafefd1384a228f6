"""Demo renovation data from the district's 2023 report (DESIGN §7):
北官厅胡同2号院 water supply and drainage (49 risers, 39 done; 273 households,
228 done), 东四十条甲34号院 facade/AC brackets/insulation, 长青园 rain/sewage
separation.  Idempotent: a project that exists is left alone."""
from datetime import date, timedelta
from decimal import Decimal

from ..auth.models import RoleAssignment, RoleKind
from ..demo import demo_loader
from ..directory.models import Building, Household, Organisation, OrganisationKind
from ..extensions import db
from .models import (ProgressEntry, ProgressMeasure, ProjectNotice, ProjectStatus,
                     RenovationProject, ScopeClass, ScopeItem, WarrantyAgreement, WarrantyPart)
from .models_household import (HouseholdPlan, NeedsSurvey, PlanStatus, PlanVisit, Restoration,
                               ResponseStatus, SupervisionStep, SurveyOption, SurveyResponse,
                               SurveyStatus)
from .timeline import Milestone, Stage
from .warranties import add_months, period_end

MUNICIPAL = "北京市政管网工程有限公司"
URBAN = "北京城建建设工程有限公司"
SHOUKAI = "北京首开城市运营服务集团有限公司"


@demo_loader(50)
def load_renovation(ctx):
    shoukai = db.session.scalar(db.select(Organisation).where(Organisation.name == SHOUKAI))
    if shoukai is None:
        shoukai = Organisation(kind=OrganisationKind.property_manager, name=SHOUKAI,
                               phone="010-64000005")
        db.session.add(shoukai)
        db.session.flush()
    for copy in range(ctx.scale):
        suffix = "" if copy == 0 else f"-S{copy}"
        bgt = ctx.compound("BGT2" + suffix)
        if bgt is not None:
            _beiguanting(ctx, bgt)
        dsst = ctx.compound("DSST34" + suffix)
        if dsst is not None:
            _dongsi(ctx, dsst)
        cqy = ctx.compound("CQY" + suffix)
        if cqy is not None:
            _changqingyuan(ctx, cqy, shoukai)
    db.session.flush()


def _project(compound, name, **fields):
    existing = db.session.scalar(db.select(RenovationProject).where(
        RenovationProject.compound_id == compound.id, RenovationProject.name == name))
    if existing is not None:
        return None
    project = RenovationProject(compound_id=compound.id, name=name, **fields)
    db.session.add(project)
    db.session.flush()
    return project


def _measure(project, name, total, readings):
    measure = ProgressMeasure(project=project, name=name, total=total)
    for day, done in readings:
        measure.entries.append(ProgressEntry(recorded_on=day, done=done))
    db.session.add(measure)


def _scope(project, items):
    for scope_class, kind, title in items:
        db.session.add(ScopeItem(project=project, scope_class=scope_class, kind=kind,
                                 title=title))


def _warranty(project, org, *, household=None, building=None, parts, signed_on):
    w = WarrantyAgreement(project_id=project.id, compound_id=project.compound_id,
                          organisation_id=org.id, household_id=household.id if household else None,
                          building_id=building.id if building else None,
                          title="保修协议", signed_on=signed_on)
    for kind, starts_on, months in parts:
        w.parts.append(WarrantyPart(kind=kind, starts_on=starts_on, period_months=months,
                                    ends_on=period_end(starts_on, months)))
    db.session.add(w)
    return w


GROUND_FLOOR = {
    # unit: (status, plan fields)
    "0101": (PlanStatus.visited, dict(elderly=True, mobility=True, enters_home=True,
                                      needs="主管道穿过客厅，需拆除地面。", concerns="老人行动不便，担心搬家。",
                                      concern_category="water_drainage")),
    "0102": (PlanStatus.warranty_signed, dict(
        enters_home=True, restoration=Restoration.above_basic, owner_pays=Decimal("3500.00"),
        needs="客厅实木地板，高于基本恢复标准。", window=(date(2023, 6, 5), date(2023, 6, 20)))),
    "0103": (PlanStatus.warranty_signed, dict(enters_home=True,
                                              window=(date(2023, 6, 21), date(2023, 7, 5)))),
    "0104": (PlanStatus.restored, dict(enters_home=True,
                                       window=(date(2023, 7, 6), date(2023, 7, 20)))),
    "0105": (PlanStatus.in_work, dict(
        enters_home=True, elderly=True, relocates=True, relocation_place="女儿家（交道口）",
        window=(date(2023, 7, 21), date(2023, 8, 10)),
        relocation=(date(2023, 7, 20), date(2023, 8, 12)),
        concerns="卧室地面恢复后是否平整？", concern_category="water_drainage")),
    "0106": (PlanStatus.scheduled, dict(enters_home=True, elderly=True, relocates=True,
                                        relocation_place="社区协调的周转房（北官厅胡同6号）",
                                        window=(date(2023, 8, 11), date(2023, 8, 30)),
                                        relocation=(date(2023, 8, 10), date(2023, 9, 1)))),
    "0107": (PlanStatus.agreed, dict(enters_home=True, needs="希望在孩子暑假后施工。",
                                     concerns="施工噪音影响夜班休息。", concern_category="noise")),
    "0108": (PlanStatus.to_visit, {}),
    "0109": (PlanStatus.to_visit, {}),
}


def _beiguanting(ctx, compound):
    org = ctx.organisation(MUNICIPAL)
    community_org = db.session.scalar(db.select(Organisation).where(
        Organisation.community_id == compound.community_id))
    project = _project(
        compound, "北官厅胡同2号院上下水改造",
        description="更换锈蚀的自来水管道和漏水的排水管道。1号楼公共管道穿过一层住户客厅和卧室，"
                    "需拆除一层地面，按基本标准恢复，超出标准部分由业主自担。",
        implementing_body_id=community_org.id if community_org else None,
        construction_party_id=org.id if org else None, status=ProjectStatus.in_progress,
        planned_start=date(2023, 3, 1), planned_end=date(2023, 9, 30),
        actual_start=date(2023, 3, 15))
    if project is None or org is None:
        return
    _scope(project, [
        (ScopeClass.basic, "water_drainage", "更换上下水立管及入户管"),
        (ScopeClass.basic, "water_drainage", "1号楼一层地面拆除与基本恢复"),
        (ScopeClass.improvement, "lighting", "楼道照明更新")])
    _measure(project, "立管（趟）", 49, [(date(2023, 5, 1), 12), (date(2023, 7, 1), 30),
                                   (date(2023, 9, 15), 39)])
    _measure(project, "户", 273, [(date(2023, 5, 1), 70), (date(2023, 7, 1), 170),
                                 (date(2023, 9, 15), 228)])
    secretary = ctx.user("13900000002")
    db.session.add_all([
        ProjectNotice(project=project, title="居民诉求分析会",
                      body="每周三下午在群众接待室召开，欢迎一层住户参加。",
                      posted_by_id=secretary.id if secretary else None),
        ProjectNotice(project=project, title="1号楼一层施工安排",
                      body="施工前社区工作人员将逐户上门，商定工期、周转住处和恢复标准。",
                      posted_by_id=secretary.id if secretary else None)])
    buildings = {b.number: b for b in compound.buildings}
    households = db.session.scalars(db.select(Household).where(
        Household.compound_id == compound.id).order_by(Household.code)).all()
    signed = 0
    for household in households:
        if household.building_id != buildings["1"].id or household.floor != 1:
            continue
        status, fields = GROUND_FLOOR.get(household.unit, (PlanStatus.to_visit, {}))
        _plan(project, household, status, dict(fields), secretary)
        if status is PlanStatus.warranty_signed:
            _warranty(project, org, household=household, signed_on=date(2023, 8, 1),
                      parts=[("water_drainage", date(2023, 8, 1), 60)])
            signed += 1
    _household_warranties(project, org, households, buildings, 228 - signed)
    _survey(ctx, compound, households, secretary)
    step = SupervisionStep(project_id=project.id, title="1号楼0105室地面开挖",
                           scheduled_on=date(2023, 7, 22),
                           household_id=_unit(households, buildings["1"], "0105"))
    upcoming = SupervisionStep(project_id=project.id, title="1号楼0106室地面开挖",
                               scheduled_on=date.today() + timedelta(days=3),
                               household_id=_unit(households, buildings["1"], "0106"))
    db.session.add_all([step, upcoming])


def _unit(households, building, unit):
    return next(h.id for h in households if h.building_id == building.id and h.unit == unit)


def _plan(project, household, status, fields, secretary):
    window = fields.pop("window", None)
    relocation = fields.pop("relocation", None)
    plan = HouseholdPlan(project_id=project.id, household_id=household.id, status=status,
                         **fields)
    if window:
        plan.window_start, plan.window_end = window
    if relocation:
        plan.relocation_from, plan.relocation_to = relocation
    if status is not PlanStatus.to_visit and secretary is not None:
        plan.visits.append(PlanVisit(visited_by_id=secretary.id, visited_on=date(2023, 5, 10),
                                     note="逐户上门了解需求"))
    db.session.add(plan)


def _household_warranties(project, org, households, buildings, count):
    """Warranties for the other completed households; three end within the
    next 30 days so the secretary's expiry list has something to show."""
    today = date.today()
    others = [h for h in households if h.building_id != buildings["1"].id][:count]
    for n, household in enumerate(others):
        if n < 3:
            ends = today + timedelta(days=10 + 5 * n)
            starts = add_months(ends + timedelta(days=1), -24)
            months = 24
        else:
            starts = date(2023, 6, 1) + timedelta(days=n % 90)
            months = 60
        _warranty(project, org, household=household, signed_on=starts,
                  parts=[("water_drainage", starts, months)])


def _survey(ctx, compound, households, secretary):
    survey = NeedsSurvey(compound_id=compound.id, title="北官厅胡同2号院改造意愿征集",
                         status=SurveyStatus.closed,
                         opened_by_id=secretary.id if secretary else None)
    options = [SurveyOption(kind=k, title=t) for k, t in (
        ("water_drainage", "上下水改造"), ("lighting", "楼道照明"), ("roads", "院内路面"),
        ("bike_sheds", "自行车棚"))]
    survey.options.extend(options)
    db.session.add(survey)
    db.session.flush()
    rng = ctx.rng
    for n, household in enumerate(households):
        roll = rng.random()
        if roll < 0.08:
            continue
        if roll < 0.15:
            db.session.add(SurveyResponse(survey_id=survey.id, household_id=household.id,
                                          status=ResponseStatus.absent,
                                          visited_by_id=secretary.id if secretary else None,
                                          visited_on=date(2022, 11, 5)))
            continue
        wanted = [options[0]] + [o for o in options[1:] if rng.random() < 0.35]
        db.session.add(SurveyResponse(
            survey_id=survey.id, household_id=household.id, status=ResponseStatus.answered,
            problems=rng.choice(["自来水发黄，常年在外买水", "排水管漏到楼下邻居家", "", "下水返味"]),
            choices=wanted, visited_by_id=secretary.id if secretary and n % 2 else None,
            visited_on=date(2022, 11, 5) if n % 2 else None))


def _dongsi(ctx, compound):
    org = ctx.organisation(URBAN)
    project = _project(
        compound, "东四十条甲34号院外立面、空调支架及保温改造",
        description="外立面整治，统一更换空调支架和空调罩，外墙保温；腾退空间建设垃圾桶站、充电桩和车棚。",
        construction_party_id=org.id if org else None, status=ProjectStatus.completed,
        planned_start=date(2024, 4, 1), planned_end=date(2024, 10, 31),
        actual_start=date(2024, 4, 8), actual_end=date(2024, 10, 25))
    if project is None or org is None:
        return
    _scope(project, [
        (ScopeClass.basic, "facade_ac", "外立面整治及空调支架、空调罩更换"),
        (ScopeClass.basic, "insulation", "外墙保温"),
        (ScopeClass.improvement, "trash_stations", "垃圾桶站"),
        (ScopeClass.improvement, "bike_sheds", "自行车棚"),
        (ScopeClass.upgrade, "charging_piles", "电动汽车充电桩")])
    _measure(project, "楼栋外立面", 3, [(date(2024, 7, 1), 1), (date(2024, 10, 25), 3)])
    _measure(project, "空调支架（套）", 156, [(date(2024, 7, 1), 60), (date(2024, 10, 25), 156)])
    for building in compound.buildings:
        _warranty(project, org, building=building, signed_on=date(2024, 10, 28),
                  parts=[("facade_ac", date(2024, 11, 1), 36),
                         ("insulation", date(2024, 11, 1), 60)])
    _building_story(project, org, compound)


def _building_story(project, org, compound):
    """Building 1's timeline as the construction party posted it (issue 19
    §8); the demo has no photographs of the site, so its steps carry none."""
    building = next((b for b in compound.buildings if b.number == "1"), None)
    if building is None:
        return
    poster = db.session.scalar(db.select(RoleAssignment.user_id).where(
        RoleAssignment.kind == RoleKind.staff, RoleAssignment.organisation_id == org.id)
        .order_by(RoleAssignment.id).limit(1))
    for day, stage, title, note in (
            (date(2024, 4, 8), Stage.before, "开工前：空调支架老化生锈，空调罩缺失",
             "开工前逐户拍照留底，共 52 套空调支架需更换。"),
            (date(2024, 7, 1), Stage.during, "外墙保温层施工，拆除旧空调支架", ""),
            (date(2024, 10, 25), Stage.after, "外立面完工，空调支架和空调罩统一更换",
             "已通过竣工验收，保修协议见项目页。")):
        db.session.add(Milestone(project_id=project.id, building_id=building.id,
                                 happened_on=day, stage=stage, title=title, note=note,
                                 recorded_by_id=poster))


def _changqingyuan(ctx, compound, shoukai):
    org = ctx.organisation(MUNICIPAL)
    project = _project(
        compound, "长青园22、24号楼雨污分流改造",
        description="院内雨水、污水管线分流，汛期不再倒灌，消除异味。",
        implementing_body_id=shoukai.id, construction_party_id=org.id if org else None,
        status=ProjectStatus.completed, planned_start=date(2023, 3, 1),
        planned_end=date(2023, 6, 30), actual_start=date(2023, 3, 10),
        actual_end=date(2023, 6, 20))
    if project is None or org is None:
        return
    _scope(project, [(ScopeClass.basic, "rain_sewage", "院内雨污分流管线"),
                     (ScopeClass.basic, "roads", "管线开挖后路面恢复")])
    _measure(project, "雨污管线（米）", 860, [(date(2023, 4, 15), 400), (date(2023, 6, 20), 860)])
    _measure(project, "检查井", 24, [(date(2023, 4, 15), 10), (date(2023, 6, 20), 24)])
    for building in db.session.scalars(db.select(Building).where(
            Building.compound_id == compound.id)):
        _warranty(project, org, building=building, signed_on=date(2023, 6, 25),
                  parts=[("rain_sewage", date(2023, 7, 1), 60), ("roads", date(2023, 7, 1), 24)])

"""Demo spaces and proposals for 东四十条甲34号院 (DESIGN §7, district report 2023):
more than ten illegal structures were demolished and the freed space is to hold
a trash station, charging piles, a bike shed and flower boxes.  Made through the
services, so history, audit and notifications are real.  Idempotent: a compound
that already has spaces is left alone; every scaled copy gets the same."""
from datetime import date

from ..auth.models import RoleAssignment, RoleKind, User
from ..demo import demo_loader
from ..directory.models import Compound, Household
from ..extensions import db
from . import discussion, proposals, services
from .models import Space
from .workflow import transition_proposal

CHECKLIST_OK = {"fire_lanes": "ok", "window_distance": "ok", "electrical_capacity": "ok",
                "accessibility": "ok", "other": "not_applicable"}


def _manager(compound):
    """A secretary of the compound's community, else the street office's admin."""
    secretary = db.session.scalar(
        db.select(User).join(RoleAssignment).where(
            RoleAssignment.kind == RoleKind.secretary,
            RoleAssignment.community_id == compound.community_id).order_by(User.id))
    if secretary is not None:
        return secretary
    return db.session.scalar(
        db.select(User).join(RoleAssignment).where(
            RoleAssignment.kind == RoleKind.street_admin,
            RoleAssignment.street_office_id == compound.community.street_office_id)
        .order_by(User.id))


def _residents(compound):
    """One resident account per household of the compound, demo account first."""
    rows = db.session.execute(
        db.select(User, RoleAssignment.household_id).join(RoleAssignment)
        .join(Household, Household.id == RoleAssignment.household_id)
        .where(RoleAssignment.kind == RoleKind.resident, Household.compound_id == compound.id)
        .order_by(User.phone)).all()
    seen, users = set(), []
    for user, household_id in rows:
        if household_id not in seen:
            seen.add(household_id)
            users.append(user)
    return users


SPACES = [
    {"name": "1号楼北侧拆违腾退空地", "location": "1号楼北侧，原自建储物棚（已拆除）",
     "area_m2": "120.00", "origin": "illegal_structure", "latitude": "39.938620",
     "longitude": "116.428150",
     "description": "本次改造拆除十多处违建之一，腾出的空地紧邻平安大街一侧围墙。"},
    {"name": "3号楼西侧腾退空间", "location": "3号楼（6层楼梯楼）西山墙外",
     "area_m2": "36.50", "origin": "illegal_structure",
     "description": "原违建小厨房拆除后的空地，适合设置分类垃圾桶站。"},
    {"name": "院门内侧原违建小房", "location": "院门内右侧", "area_m2": "18.00",
     "origin": "vacated_room", "description": "原违建门房，已腾退。"},
    {"name": "2号楼东侧空地", "location": "2号楼东侧绿地旁", "area_m2": "45.00",
     "origin": "unused_ground", "description": ""},
]


@demo_loader(60)
def load_spaces(ctx):
    compounds = db.session.scalars(db.select(Compound).where(
        db.or_(Compound.code == "DSST34", Compound.code.like("DSST34-S%")))
        .order_by(Compound.id)).all()
    for compound in compounds:
        if db.session.scalar(db.select(Space.id).where(Space.compound_id == compound.id)):
            continue
        manager = _manager(compound)
        residents = _residents(compound)
        if manager is None or len(residents) < 3:
            continue
        _load_compound(compound, manager, residents)
        db.session.flush()


def _load_compound(compound, manager, residents):
    north, west, gate, _east = [services.create_space(manager, compound, data)
                                for data in SPACES]
    a, b, c = residents[0], residents[1], residents[2]

    piles = proposals.create_proposal(a, north, {
        "kind": "charging_piles", "title": "北侧空地建电动车充电桩12个",
        "description": "沿北墙设置12个电动自行车充电口，带雨棚，扫码付费。",
        "quantity": 12, "estimated_cost": "36000", "payer": "operator"}, submit=True)
    proposals.review_proposal(manager, piles, "return", dict(
        CHECKLIST_OK, fire_lanes="problem",
        reason="充电桩排布占用了北侧消防通道，请退后1.5米并减少数量后再提交。"))
    proposals.update_proposal(a, piles, {
        "kind": "charging_piles", "title": "北侧空地建电动车充电桩10个（避开消防通道）",
        "description": "沿北墙退后1.5米设置10个充电口，保留4米消防通道，带雨棚。",
        "quantity": 10, "estimated_cost": "30000", "payer": "operator"})
    proposals.submit_proposal(a, piles)
    proposals.review_proposal(manager, piles, "open", dict(
        CHECKLIST_OK, notes="供电公司确认小区变压器余量可承载10个充电口。"))

    shed = proposals.create_proposal(b, north, {
        "kind": "bike_shed", "title": "建带顶棚的自行车棚（约60辆）",
        "description": "钢结构顶棚，地面划线，夜间照明。", "quantity": 60,
        "estimated_cost": "45000", "payer": "renovation_fund"}, submit=True)
    proposals.review_proposal(manager, shed, "open", dict(
        CHECKLIST_OK, electrical_capacity="not_applicable", notes="照明用电量很小。"))

    proposals.create_proposal(manager, north, {
        "kind": "flower_boxes", "title": "沿围墙设置花箱", "quantity": 8,
        "estimated_cost": "6400", "payer": "renovation_fund",
        "on_behalf_of": "3号楼居民（联名12户）"}, submit=True)

    for user in residents[1:14]:
        discussion.support(user, shed)
    for user in residents[2:10]:
        discussion.support(user, piles)
    first = discussion.add_comment(c, shed, "车棚很需要，现在自行车都停在楼道里。")
    discussion.add_comment(b, shed, "谢谢支持，车棚会留出电动车位置。", parent_id=first.id)
    rude = discussion.add_comment(residents[3], shed, "谁反对车棚谁就是自私（人名略）")
    discussion.flag_comment(c, rude, "人身攻击")
    discussion.hide_comment(manager, rude, "含有针对个人的攻击性言论")
    discussion.add_comment(residents[4], piles, "充电桩能不能也给电动汽车用？")

    station = proposals.create_proposal(manager, west, {
        "kind": "trash_station", "title": "设置四分类垃圾桶站", "quantity": 1,
        "estimated_cost": "28000", "payer": "renovation_fund",
        "on_behalf_of": "居民议事会"}, submit=True)
    proposals.review_proposal(manager, station, "open", dict(
        CHECKLIST_OK, electrical_capacity="not_applicable", notes="距最近窗户9米。"))
    for user in residents[:6]:
        discussion.support(user, station)
    transition_proposal(manager, station, "put_on_agenda", reason="居民议事会")
    proposals.record_council_decision(manager, station, "accept",
                                      "居民议事会表决：赞成21人，反对2人")
    services.change_space_status(manager, west, "start_construction", "施工方进场")
    services.record_progress(manager, west, {
        "percent": 60, "started_on": date(2023, 9, 25), "expected_on": date(2023, 10, 31),
        "note": "地面硬化和顶棚已完成，待安装桶位和洗手池。"})

    proposals.create_proposal(c, gate, {
        "kind": "other", "title": "改作快递柜和老年人休息角",
        "description": "草稿：再和邻居商量。"})


# Every demo resident has a neighbour's proposal to support (issue 17 §11):
# 长青园 and 北官厅胡同2号院 get one space each with one proposal open for support.
NEIGHBOUR_SPACES = {
    "CQY": ({"name": "24号楼南侧拆违腾退空地", "location": "24号楼南侧，原自建煤棚（已拆除）",
             "area_m2": "42.00", "origin": "illegal_structure",
             "description": "雨污分流施工时一并拆除的违建煤棚，空地临近院内主路。"},
            {"kind": "bike_shed", "title": "建带雨棚的自行车棚（约30辆）",
             "description": "钢结构雨棚，地面划线，夜间照明；电动车另设充电区。",
             "quantity": 30, "estimated_cost": "24000", "payer": "renovation_fund"}),
    "BGT2": ({"name": "2号楼与3号楼之间腾退空间", "location": "2号楼与3号楼之间，原违建库房（已拆除）",
              "area_m2": "28.00", "origin": "illegal_structure",
              "description": "上下水改造时拆除的违建库房，地面已硬化。"},
             {"kind": "flower_boxes", "title": "设置花箱和两张休息座椅",
              "description": "沿墙设置6个花箱，中间放两张带靠背的座椅，方便老人歇脚。",
              "quantity": 6, "estimated_cost": "7800", "payer": "renovation_fund"}),
}
DEMO_RESIDENT_PHONES = ("13800000001", "13800000002", "13800000003", "13800000004")


@demo_loader(61)
def load_neighbour_proposals(ctx):
    for code, (space_data, proposal_data) in NEIGHBOUR_SPACES.items():
        compounds = db.session.scalars(db.select(Compound).where(
            db.or_(Compound.code == code, Compound.code.like(f"{code}-S%")))
            .order_by(Compound.id)).all()
        for compound in compounds:
            if db.session.scalar(db.select(Space.id).where(
                    Space.compound_id == compound.id, Space.name == space_data["name"])):
                continue
            manager = _manager(compound)
            neighbours = [u for u in _residents(compound) if u.phone not in DEMO_RESIDENT_PHONES]
            if manager is None or len(neighbours) < 4:
                continue
            space = services.create_space(manager, compound, space_data)
            proposal = proposals.create_proposal(neighbours[0], space, proposal_data,
                                                 submit=True)
            proposals.review_proposal(manager, proposal, "open", dict(
                CHECKLIST_OK, electrical_capacity="not_applicable",
                notes="不占消防通道，距最近窗户6米。"))
            for user in neighbours[1:4]:
                discussion.support(user, proposal)
            discussion.add_comment(neighbours[1], proposal, "赞成，希望尽快建起来。")
            db.session.flush()

"""Demo directory: 东四十条甲34号院, 北官厅胡同2号院, 长青园22、24号楼 (DESIGN §7)."""
import random
from decimal import Decimal

from werkzeug.security import generate_password_hash

from ..auth.models import Relation, RoleAssignment, RoleKind, User
from ..directory.models import (Building, BuildingKind, Community, Compound, District,
                                Household, LinkCapacity, Occupancy, Organisation,
                                OrganisationKind, Owner, OwnerKind, OwnerLink, StreetOffice)
from ..extensions import db
from ..models import utcnow
from . import demo_loader

DEMO_PASSWORD = "demo1234"

# Demo accounts, one per role (listed in the README).
ACCOUNTS = [
    # phone, name, role, place
    ("13800000001", "王秀兰", "resident", "DSST34-1-0601"),
    # CQY-22-0301 belongs to the research institute: 李建国 rents it (issue 14.6)
    ("13800000002", "李建国", "resident", "CQY-22-0301"),
    ("13800000003", "张桂芳", "resident", "BGT2-1-0101"),
    # declared herself owner when registering; the office has not confirmed it yet
    ("13800000004", "周丽华", "resident", "CQY-24-0502"),
    ("13900000001", "刘书记", "secretary", "东四十条社区"),
    ("13900000002", "陈书记", "secretary", "北官厅社区"),
    ("13900000003", "赵书记", "secretary", "长青园社区"),
    ("13700000001", "孙工", "staff", "北京城建建设工程有限公司"),
    ("13700000002", "周经理", "staff", "东城物业管理有限公司"),
    ("13600000001", "吴主任", "street_admin", "东四街道"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["秀英", "桂英", "秀兰", "玉兰", "建华", "建国", "国强", "志明", "淑珍", "凤英",
         "文博", "海燕", "丽华", "德明", "春生", "永福", "金凤", "卫东", "红梅", "振华",
         "淑兰", "宝山", "学军", "玉珍", "晓东", "立新", "桂兰", "树林", "秀珍", "长海"]

INSTITUTIONS = [
    # name, number of units held in 长青园
    ("北京天坛置业发展集团有限公司", 14),
    ("中国工商银行北京体育馆路支行", 6),
    ("北京市建筑材料科学研究所", 9),
]

# Each institution votes through the representative the community office
# recorded (listed in the README): phone, name, institution.
REPRESENTATIVES = [
    ("13500000001", "高志远", "北京天坛置业发展集团有限公司"),
    ("13500000002", "林晓梅", "中国工商银行北京体育馆路支行"),
    ("13500000003", "郑国平", "北京市建筑材料科学研究所"),
]
# How the demo residents relate to their households: a person-owned flat's
# demo resident is its owner (confirmed by the office, except 周丽华's claim);
# an institution's flat is rented.
UNCONFIRMED = {"13800000004"}


def _compounds_spec():
    """(street office, community, code, name, address, built, buildings)
    where buildings are (number, floors, per_floor, kind)."""
    return [
        ("东四街道", "东四十条社区", "DSST34", "东四十条甲34号院", "东城区东四十条甲34号", 1998,
         [("1", 18, 4, BuildingKind.tower), ("2", 18, 4, BuildingKind.tower),
          ("3", 6, 2, BuildingKind.walkup)]),
        ("北新桥街道", "北官厅社区", "BGT2", "北官厅胡同2号院", "东城区北官厅胡同2号", 1985,
         [("1", 5, 9, BuildingKind.walkup), ("2", 6, 10, BuildingKind.walkup),
          ("3", 6, 10, BuildingKind.walkup), ("4", 6, 9, BuildingKind.walkup),
          ("5", 6, 9, BuildingKind.walkup)]),
        ("体育馆路街道", "长青园社区", "CQY", "长青园22、24号楼", "东城区体育馆路长青园22、24号楼",
         1994, [("22", 9, 11, BuildingKind.walkup), ("24", 9, 10, BuildingKind.walkup)]),
    ]


class DemoContext:
    def __init__(self, scale, password_hash, tickets=0):
        self.scale = scale
        self.password_hash = password_hash
        self.tickets = tickets      # in all, with generated history (``--tickets``)
        self.rng = random.Random(278)

    def user(self, phone):
        return db.session.scalar(db.select(User).where(User.phone == phone))

    def compound(self, code):
        return db.session.scalar(db.select(Compound).where(Compound.code == code))

    def compounds(self):
        return db.session.scalars(db.select(Compound).order_by(Compound.id)).all()

    def organisation(self, name):
        return db.session.scalar(db.select(Organisation).where(Organisation.name == name))


def _get_or_create(model, defaults=None, **keys):
    obj = db.session.scalar(db.select(model).filter_by(**keys))
    if obj is None:
        obj = model(**keys, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
    return obj


def _person_name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


@demo_loader(10)
def load_directory(ctx):
    district = _get_or_create(District, name="东城区")
    for copy in range(ctx.scale):
        suffix = "" if copy == 0 else f"-S{copy}"
        for office_name, community_name, code, name, address, built, buildings in _compounds_spec():
            office = _get_or_create(StreetOffice, name=office_name,
                                    defaults={"district_id": district.id})
            community = _get_or_create(Community, name=community_name + suffix,
                                       defaults={"street_office_id": office.id})
            if ctx.compound(code + suffix) is not None:
                continue
            compound = Compound(community=community, code=code + suffix,
                                name=name + (f"（{copy}）" if copy else ""), address=address,
                                built_year=built)
            db.session.add(compound)
            db.session.flush()
            _load_households(ctx, compound, buildings)
    _load_organisations(ctx)
    _load_accounts(ctx)


def _load_households(ctx, compound, buildings):
    rng = ctx.rng
    community_id = compound.community_id
    households = []
    for number, floors, per_floor, kind in buildings:
        building = Building(compound=compound, number=number, floors=floors, kind=kind)
        db.session.add(building)
        db.session.flush()
        for floor in range(1, floors + 1):
            for door in range(1, per_floor + 1):
                unit = f"{floor:02d}{door:02d}"
                area = Decimal(rng.randrange(3800, 9800)) / 100
                households.append(Household(
                    compound_id=compound.id, building_id=building.id,
                    code=f"{compound.code}-{number}-{unit}", unit=unit, floor=floor,
                    area_m2=area,
                    occupancy=rng.choices(list(Occupancy), weights=[80, 15, 5])[0]))
    db.session.add_all(households)
    db.session.flush()
    # Owners: institutions in 长青园 hold several units each; some persons own two.
    index = 0
    if compound.code.startswith("CQY"):
        for name, count in INSTITUTIONS:
            owner = Owner(community_id=community_id, kind=OwnerKind.institution, name=name)
            db.session.add(owner)
            for household in households[index:index + count]:
                household.owner = owner
            index += count
    rest = households[index:]
    owners = []
    i = 0
    while i < len(rest):
        owner = Owner(community_id=community_id, kind=OwnerKind.person, name=_person_name(rng))
        owners.append(owner)
        take = 2 if rng.random() < 0.06 and i + 1 < len(rest) else 1
        for household in rest[i:i + take]:
            household.owner = owner
        i += take
    db.session.add_all(owners)
    db.session.flush()


def _load_organisations(ctx):
    office = db.session.scalar(db.select(StreetOffice).where(StreetOffice.name == "东四街道"))
    orgs = [
        ("北京城建建设工程有限公司", OrganisationKind.construction, "010-64000001"),
        ("东城物业管理有限公司", OrganisationKind.property_manager, "010-64000002"),
        ("北京市政管网工程有限公司", OrganisationKind.construction, "010-64000003"),
    ]
    for name, kind, phone in orgs:
        org = _get_or_create(Organisation, name=name, defaults={"kind": kind, "phone": phone})
        for compound in ctx.compounds():
            if compound not in org.compounds:
                org.compounds.append(compound)
    for community in db.session.scalars(db.select(Community)):
        _get_or_create(Organisation, name=f"{community.name}居委会",
                       defaults={"kind": OrganisationKind.community,
                                 "community_id": community.id})
    if office is not None:
        _get_or_create(Organisation, name="东四街道办事处",
                       defaults={"kind": OrganisationKind.street_office,
                                 "street_office_id": office.id})
    db.session.flush()


def _place(kind, name):
    if kind == "resident":
        return {"household": db.session.scalar(
            db.select(Household).where(Household.code == name))}
    if kind == "secretary":
        return {"community": db.session.scalar(db.select(Community).where(Community.name == name))}
    if kind == "staff":
        return {"organisation": db.session.scalar(
            db.select(Organisation).where(Organisation.name == name))}
    return {"street_office": db.session.scalar(
        db.select(StreetOffice).where(StreetOffice.name == name))}


def _resident_relation(household):
    owner = household.owner
    return Relation.tenant if owner is not None and owner.kind is OwnerKind.institution \
        else Relation.owner


def _load_accounts(ctx):
    for phone, name, kind, place_name in ACCOUNTS:
        user = ctx.user(phone)
        place = _place(kind, place_name)
        if user is not None:
            if kind == "resident":      # demo data loaded before issue 14.6: the relation
                for role in user.resident_roles():
                    if role.household_id == place["household"].id:
                        role.relation = _resident_relation(role.household)
            continue
        user = User(phone=phone, name=name, password_hash=ctx.password_hash)
        db.session.add(user)
        relation = _resident_relation(place["household"]) if kind == "resident" else None
        db.session.add(RoleAssignment(user=user, kind=RoleKind[kind], relation=relation, **place))
        if kind == "resident" and relation is Relation.owner and phone not in UNCONFIRMED:
            owner = place["household"].owner
            if owner is not None:
                owner.name = name
                owner.phone = phone
    db.session.flush()
    for phone, _name, kind, place_name in ACCOUNTS:
        household = _place(kind, place_name).get("household")
        if household is not None and household.owner is not None and phone not in UNCONFIRMED \
                and household.owner.kind is OwnerKind.person:
            _link(ctx, household.owner, ctx.user(phone), LinkCapacity.owner,
                  "演示：已核验不动产权证书")
    _load_representatives(ctx)
    _oversee_every_street(ctx)
    _load_resident_accounts(ctx)


def _secretary_of(ctx, community_id):
    return db.session.scalar(db.select(User).join(RoleAssignment).where(
        RoleAssignment.kind == RoleKind.secretary, RoleAssignment.community_id == community_id)
        .order_by(User.id).limit(1))


def _link(ctx, owner, user, capacity, authorisation, linked_by=None):
    """The community office links ``user`` to ``owner`` (once)."""
    if db.session.scalar(db.select(OwnerLink.id).where(
            OwnerLink.owner_id == owner.id, OwnerLink.user_id == user.id)) is not None:
        return
    linked_by = linked_by or _secretary_of(ctx, owner.community_id)
    db.session.add(OwnerLink(owner_id=owner.id, user_id=user.id, capacity=capacity,
                             authorisation=authorisation,
                             linked_by_id=linked_by.id if linked_by else None))
    db.session.flush()


def _load_representatives(ctx):
    """长青园's institutional owners vote through a representative each: an
    account with no household, linked by the community office to the
    institution as the owner register names it."""
    community = db.session.scalar(db.select(Community).where(Community.name == "长青园社区"))
    if community is None:
        return
    for phone, name, institution in REPRESENTATIVES:
        owner = db.session.scalar(db.select(Owner).where(
            Owner.community_id == community.id, Owner.name == institution,
            Owner.kind == OwnerKind.institution))
        if owner is None:
            continue
        user = ctx.user(phone)
        if user is None:
            user = User(phone=phone, name=name, password_hash=ctx.password_hash)
            db.session.add(user)
            db.session.flush()
        _link(ctx, owner, user, LinkCapacity.representative,
              "演示：单位授权委托书（加盖公章），原件存社区居委会")


def _oversee_every_street(ctx):
    """The demo street-office admin also watches the other two streets, so the
    dashboard across compounds has all three demo compounds to compare."""
    admin = ctx.user("13600000001")
    have = {r.street_office_id for r in admin.roles if r.kind is RoleKind.street_admin}
    for office in db.session.scalars(db.select(StreetOffice).order_by(StreetOffice.id)):
        if office.id not in have:
            db.session.add(RoleAssignment(user=admin, kind=RoleKind.street_admin,
                                          street_office=office))
    db.session.flush()


def _load_resident_accounts(ctx):
    """Accounts for about a third of person-owned households, so votes and
    tickets have real voters. Phones 151xxxxxxxx, password as the demo."""
    existing = set(db.session.scalars(db.select(User.phone).where(User.phone.like("151%"))))
    linked = set(db.session.scalars(db.select(OwnerLink.owner_id)))
    rows = db.session.execute(
        db.select(Household.id, Owner.id, Owner.name, Owner.community_id)
        .join(Owner, Household.owner_id == Owner.id)
        .where(Owner.kind == OwnerKind.person)
        .order_by(Household.id)).all()
    seen_owners = set()
    secretaries = {}
    new = []
    for n, (household_id, owner_id, owner_name, community_id) in enumerate(rows):
        # Every third row, decided on the full list so reruns pick the same owners.
        if n % 3 or owner_id in seen_owners:
            continue
        seen_owners.add(owner_id)
        phone = f"151{household_id:08d}"
        if phone in existing or owner_id in linked:
            continue
        if community_id not in secretaries:
            secretary = _secretary_of(ctx, community_id)
            secretaries[community_id] = secretary.id if secretary else None
        new.append((User(phone=phone, name=owner_name, password_hash=ctx.password_hash),
                    household_id, owner_id, community_id))
    if not new:
        return
    # In bulk, one flush and one statement each (a district has tens of
    # thousands of these accounts; one UPDATE per account made it quadratic).
    db.session.add_all([user for user, *_ in new])
    db.session.flush()
    db.session.add_all([RoleAssignment(user_id=user.id, kind=RoleKind.resident,
                                       relation=Relation.owner, household_id=household_id)
                        for user, household_id, _o, _c in new])
    db.session.execute(db.update(Owner), [{"id": owner_id, "phone": user.phone}
                                          for user, _h, owner_id, _c in new])
    # the office checked their property certificate: they vote in owners' ballots
    db.session.execute(db.insert(OwnerLink.__table__), [
        {"owner_id": owner_id, "user_id": user.id, "capacity": LinkCapacity.owner.name,
         "authorisation": "演示：已核验不动产权证书", "linked_by_id": secretaries[community_id],
         "created_at": utcnow()} for user, _h, owner_id, community_id in new])
    db.session.flush()


def demo_password_hash():
    return generate_password_hash(DEMO_PASSWORD)

"""CLI contract (DESIGN §6): flask demo (idempotent, the three compounds and one
account per role) and flask users create."""
from decimal import Decimal

from residentvoice.auth.models import RoleKind, User
from residentvoice.directory.models import Compound, Household, Owner, OwnerKind
from residentvoice.extensions import db as _db


def _counts():
    return {model.__name__: _db.session.scalar(_db.select(_db.func.count()).select_from(model))
            for model in (Compound, Household, Owner, User)}


def test_demo_loads_the_three_compounds_idempotently(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    first = _counts()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert _counts() == first
    names = set(_db.session.scalars(_db.select(Compound.name)))
    assert {"东四十条甲34号院", "北官厅胡同2号院", "长青园22、24号楼"} <= names


def test_demo_household_counts_follow_the_district_report(runner):
    runner.invoke(args=["demo"])

    def households(code):
        return _db.session.scalar(_db.select(_db.func.count(Household.id)).join(Compound)
                                  .where(Compound.code == code))
    assert households("BGT2") == 273
    assert households("CQY") == 189


def test_demo_institutions_hold_several_units_in_changqingyuan(runner):
    """Art. 278 headcount: each institution is one owner holding many units."""
    runner.invoke(args=["demo"])
    institutions = _db.session.scalars(_db.select(Owner).where(
        Owner.kind == OwnerKind.institution)).all()
    assert len(institutions) == 3
    for owner in institutions:
        assert len(owner.households) > 1
        assert {h.compound.code for h in owner.households} == {"CQY"}
        assert all(h.area_m2 > Decimal("0") for h in owner.households)


def test_demo_has_one_account_per_role_with_the_readme_password(runner):
    runner.invoke(args=["demo"])
    readme = open("README.md", encoding="utf-8").read()
    for kind in RoleKind:
        users = _db.session.scalars(_db.select(User).where(User.phone.in_(
            ["13800000001", "13900000001", "13700000001", "13600000001"]))).all()
        assert any(u.has_any_role(kind) for u in users), kind
    for phone in ("13800000001", "13900000001", "13700000001", "13600000001"):
        user = _db.session.scalar(_db.select(User).where(User.phone == phone))
        assert user.check_password("demo1234")
        assert f"| {phone} | demo1234 |" in readme


def test_users_create_with_a_role(runner, factory):
    community = factory.community(name="测试社区")
    result = runner.invoke(args=["users", "create", "--phone", "13512345678", "--name", "测试",
                                 "--password", "a-long-password", "--role", "secretary",
                                 "--place", "测试社区"])
    assert result.exit_code == 0, result.output
    user = _db.session.scalar(_db.select(User).where(User.phone == "13512345678"))
    assert user.is_secretary_of(community.id)
    assert user.check_password("a-long-password")


def test_users_create_refuses_bad_input(runner, factory):
    bad_phone = runner.invoke(args=["users", "create", "--phone", "12345", "--name", "x",
                                    "--password", "a-long-password"])
    assert bad_phone.exit_code != 0 and "11-digit" in bad_phone.output
    unknown_place = runner.invoke(args=["users", "create", "--phone", "13512345679", "--name",
                                        "x", "--password", "a-long-password", "--role",
                                        "secretary", "--place", "没有这个社区"])
    assert unknown_place.exit_code != 0
    weak = runner.invoke(args=["users", "create", "--phone", "13512345670", "--name", "x",
                               "--password", "short"])
    assert weak.exit_code != 0
    assert _db.session.scalar(_db.select(User).where(User.phone.in_(
        ["13512345679", "13512345670"]))) is None

"""Spreadsheet import: the dry run lists every bad row with its line number
and imports nothing; a clean file imports in one go; owners are matched by
exact name and kind, else created once."""
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from residentvoice.audit.models import AuditEntry
from residentvoice.directory import importer, spreadsheet
from residentvoice.directory.models import Building, Household, Occupancy, Owner, OwnerKind
from residentvoice.errors_domain import InvalidInput

pytestmark = pytest.mark.usefixtures("english")

HEADER = "building,unit,floor,area_m2,code,owner_name,owner_kind,occupancy\n"


def csv_bytes(*lines, header=HEADER, encoding="utf-8"):
    return (header + "\n".join(lines) + "\n").encode(encoding)


def xlsx_bytes(rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def households(db, compound):
    return db.session.scalars(db.select(Household).where(Household.compound_id == compound.id)
                              .order_by(Household.code)).all()


def problems(plan):
    return [(p.line, p.column.split(" ")[0], p.message) for p in plan.problems]


def test_clean_csv_imports_every_row(factory, db):
    w = factory.world()
    data = csv_bytes("1,0101,1,60.5,,王芳,person,rented",
                     "1,0102,1,61.25,CUSTOM-1,王芳,person,",
                     "1,0103,1,58,,北京天坛置业发展集团有限公司,institution,vacant")
    plan = importer.plan_import(w.compound_a, data)
    assert plan.clean and len(plan.rows) == 3
    assert plan.new_owners == {("王芳", OwnerKind.person),
                               ("北京天坛置业发展集团有限公司", OwnerKind.institution)}
    counts = importer.apply_import(w.secretary, w.compound_a, plan, "list.csv")
    assert counts == {"households": 3, "buildings": 0, "new_owners": 2, "matched_owners": 0}
    codes = {h.code: h for h in households(db, w.compound_a)}
    default = f"{w.compound_a.code}-1-0101".upper()
    assert codes[default].area_m2 == Decimal("60.50")
    assert codes[default].occupancy is Occupancy.rented
    assert codes["CUSTOM-1"].owner_id == codes[default].owner_id  # one owner, two households
    institution = db.session.scalar(db.select(Owner).where(Owner.kind == OwnerKind.institution))
    assert institution.households[0].occupancy is Occupancy.vacant
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.action == "household.imported"))
    assert entry.community_id == w.community_a.id and "3 households" in entry.summary


def test_chinese_headers_and_values_in_gb18030(factory, db):
    w = factory.world()
    header = "楼号,单元/房号,楼层,面积(㎡),业主,业主类型,居住状态\n"
    data = csv_bytes("1号楼,0501室,5层,72.30,中国工商银行北京体育馆路支行,单位,出租",
                     header=header, encoding="gb18030")
    plan = importer.plan_import(w.compound_a, data)
    assert plan.clean, problems(plan)
    row = plan.rows[0]
    assert (row.building, row.unit, row.floor) == ("1", "0501", 5)
    assert row.owner_kind is OwnerKind.institution and row.occupancy is Occupancy.rented


def test_xlsx_with_numeric_cells(factory, db):
    w = factory.world()
    data = xlsx_bytes([["楼号", "单元/房号", "楼层", "面积", "业主"],
                       [1, "0201", 2, 66.75, "李四"], [None, None, None, None, None],
                       [1, "0202", 2, 70, None]])
    plan = importer.plan_import(w.compound_a, data)
    assert plan.clean, problems(plan)
    assert [r.area_m2 for r in plan.rows] == [Decimal("66.75"), Decimal("70.00")]
    assert [r.line for r in plan.rows] == [2, 4]


def test_missing_columns_are_named_in_one_message(factory, db):
    w = factory.world()
    with pytest.raises(InvalidInput) as error:
        importer.plan_import(w.compound_a, csv_bytes("1,0101", header="building,unit\n"))
    message = str(error.value.message)
    assert "floor (楼层)" in message and "area_m2 (面积)" in message and "building" not in \
        message.split(":")[1].replace("area_m2", "")


def test_every_bad_row_is_listed_with_its_line_and_nothing_is_imported(factory, db):
    w = factory.world()
    before = len(households(db, w.compound_a))
    data = csv_bytes(
        "1,0101,1,60,,,,",                    # line 2: fine
        "1,0102,1,-5,,,,",                    # 3: negative area
        "1,0103,1,abc,,,,",                   # 4: not a number
        "1,0104,x,60,,,,",                    # 5: floor not a number
        "1,0105,99,60,,,,",                   # 6: floor above the building
        "7,0101,1,60,,,,",                    # 7: unknown building
        "1,0101,1,60,,,,",                    # 8: same unit as line 2
        "1,0106,1,60,DUP-1,,,",               # 9: fine
        "1,0107,1,60,dup-1,,,",               # 10: same code as line 9
        f"1,0108,1,60,{w.household_a.code},,,",  # 11: code already in the database
        "1,0301,3,60,NEW-0301,,,",            # 12: unit already in the database
        "1,0109,1,60,,\"" + "名" * 121 + "\",,",  # 13: over-long owner name
        "1,0110,1,60,,王,robot,",              # 14: unknown owner kind
        "1,0111,1,60,,,,sold",                # 15: unknown occupancy
        ",,1,60,,,,",                         # 16: empty building and unit
        "1,<script>,1,60,,,,",                # 17: markup in the unit
    )
    plan = importer.plan_import(w.compound_a, data)
    assert not plan.clean
    lines = sorted({p.line for p in plan.problems})
    assert lines == [3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17]
    found = problems(plan)
    assert (3, "area_m2", "The area must be more than 0 m².") in found
    assert (4, "area_m2", "The area must be a number of m², e.g. 68.25.") in found
    assert any(p[0] == 7 and "Building 7 does not exist" in p[2] for p in found)
    assert any(p[0] == 8 and "line 2" in p[2] for p in found)
    assert any(p[0] == 10 and "line 9" in p[2] for p in found)
    assert any(p[0] == 11 and "already exists" in p[2] for p in found)
    assert any(p[0] == 12 and "already exists" in p[2] for p in found)
    assert any(p[0] == 13 and "At most 120" in p[2] for p in found)
    with pytest.raises(InvalidInput):
        importer.apply_import(w.secretary, w.compound_a, plan)
    assert len(households(db, w.compound_a)) == before


def test_unknown_buildings_can_be_created_on_request(factory, db):
    w = factory.world()
    data = csv_bytes("5,0101,1,60,,,,", "5,0901,9,61,,,,", "6号楼,0101,2,62,,,,")
    assert not importer.plan_import(w.compound_a, data).clean
    plan = importer.plan_import(w.compound_a, data, create_buildings=True)
    assert plan.clean and plan.new_buildings == {"5": 9, "6": 2}
    counts = importer.apply_import(w.secretary, w.compound_a, plan)
    assert counts["buildings"] == 2
    five = db.session.scalar(db.select(Building).where(Building.compound_id == w.compound_a.id,
                                                       Building.number == "5"))
    assert five.floors == 9 and len(five.households) == 2


def test_owners_match_by_exact_name_and_kind(factory, db):
    w = factory.world()
    existing = factory.owner(w.community_a, name="张三")
    factory.owner(w.community_b, name="李四")  # another community: not matched
    factory.owner(w.community_a, name="天坛", kind=OwnerKind.institution)
    data = csv_bytes("1,0101,1,60,,张三,person,", "1,0102,1,60,,张三,,",
                     "1,0103,1,60,,李四,person,", "1,0104,1,60,,天坛,person,")
    plan = importer.plan_import(w.compound_a, data)
    assert plan.matched_owners == {("张三", OwnerKind.person)}
    assert plan.new_owners == {("李四", OwnerKind.person), ("天坛", OwnerKind.person)}
    importer.apply_import(w.secretary, w.compound_a, plan)
    assert len(existing.households) == 2


def test_ambiguous_owner_names_are_refused(factory, db):
    w = factory.world()
    factory.owner(w.community_a, name="王伟")
    factory.owner(w.community_a, name="王伟")
    plan = importer.plan_import(w.compound_a, csv_bytes("1,0101,1,60,,王伟,,"))
    assert any("Several owners" in p.message for p in plan.problems)


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40, "not a spreadsheet"),
    (b"PK\x03\x04 this is not really a zip", "not a spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel"),
    (b"\xff\xfe\xfd\x80\x81", "not a spreadsheet"),
    (b"building,unit,floor,area_m2\n", "no households"),
    (b"\n\n", "no rows"),
])
def test_files_that_are_not_spreadsheets_are_refused(factory, db, data, message):
    w = factory.world()
    with pytest.raises(InvalidInput) as error:
        importer.plan_import(w.compound_a, data)
    assert message in str(error.value.message)
    assert error.value.field == "file"


def test_too_many_rows_are_refused(factory, db):
    w = factory.world()
    lines = [f"1,{n:05d},1,60,,,," for n in range(spreadsheet.MAX_ROWS + 1)]
    with pytest.raises(InvalidInput) as error:
        importer.plan_import(w.compound_a, csv_bytes(*lines))
    assert "more than 5000" in str(error.value.message)


def test_size_limit_and_empty_uploads(factory, db):
    from werkzeug.datastructures import FileStorage
    big = FileStorage(io.BytesIO(b"a" * (spreadsheet.MAX_BYTES + 1)), "big.csv")
    with pytest.raises(InvalidInput) as error:
        spreadsheet.read_upload(big)
    assert "larger than 2 MB" in str(error.value.message)
    with pytest.raises(InvalidInput):
        spreadsheet.read_upload(FileStorage(io.BytesIO(b""), "empty.csv"))


def test_the_stash_belongs_to_one_user_and_compound(app, factory, db):
    w = factory.world()
    token = spreadsheet.stash(b"data", user_id=w.secretary.id, compound_id=w.compound_a.id,
                              filename="a.csv", create_buildings=True)
    data, meta = spreadsheet.unstash(token, user_id=w.secretary.id, compound_id=w.compound_a.id)
    assert data == b"data" and meta["create_buildings"] is True
    assert spreadsheet.unstash(token, user_id=w.street_admin.id,
                               compound_id=w.compound_a.id) is None
    assert spreadsheet.unstash(token, user_id=w.secretary.id, compound_id=w.compound_b.id) is None
    assert spreadsheet.unstash("../../etc/passwd", user_id=w.secretary.id,
                               compound_id=w.compound_a.id) is None
    spreadsheet.drop_stash(token)
    assert spreadsheet.unstash(token, user_id=w.secretary.id, compound_id=w.compound_a.id) is None

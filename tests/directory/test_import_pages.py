"""The import pages: upload → dry run listing every bad row (nothing
imported) → confirm (all rows at once); files checked by content."""
import io
import re

from residentvoice.directory.models import Household, Owner

from ..translated import page, zh

HEADER = "楼号,单元/房号,楼层,面积,业主,业主类型\n"


def _login(auth, user, locale="en"):
    user.locale = locale
    auth.login(user)


def _upload(client, w, content, name="households.csv", **extra):
    data = {"file": (io.BytesIO(content), name)}
    data.update(extra)
    return client.post(f"/directory/compounds/{w.compound_a.id}/import", data=data,
                       content_type="multipart/form-data")


def _households(db):
    return db.session.scalar(db.select(db.func.count(Household.id)))


def test_bad_rows_are_listed_escaped_and_nothing_is_imported(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    before = _households(db)
    content = (HEADER + "1,0101,1,60.00,张三,个人\n"
               "1,0102,1,-3,李四,个人\n"
               "1,<b>1</b>,1,60,王五,robot\n"
               "1,0104,1,60,<script>alert(1)</script>,\n"
               "1,0105,1,60," + "名" * 121 + ",\n").encode()
    html = page(_upload(client, w, content))
    assert "4 problems found. Nothing has been imported" in html
    assert "Line 3" in html and "The area must be more than 0 m²." in html
    assert "Line 4" in html and "Use only letters, digits and hyphens (-)." in html
    assert "Use one of: person, 个人" in html
    assert "&lt;b&gt;1&lt;/b&gt;" in html and "<b>1</b>" not in html
    assert "Line 6" in html and "At most 120 characters." in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the clean row, shown escaped
    assert "<script>alert(1)</script>" not in html
    assert not re.search(r'action="/directory/compounds/\d+/import/', html)  # no confirm
    assert _households(db) == before


def test_a_clean_file_is_imported_after_confirmation(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    before = _households(db)
    content = (HEADER + "1,0101,1,60.00,张三,个人\n1,0102,1,61.5,张三,个人\n"
               "2,0101,1,70,天坛置业,单位\n").encode()
    html = page(_upload(client, w, content, create_buildings="y"))
    assert "The file is correct." in html and "Import 3 households" in html
    assert _households(db) == before  # the dry run imports nothing
    action = re.search(r'action="(/directory/compounds/\d+/import/[^"]+)"', html).group(1)
    # another secretary of the same community cannot use this user's token
    colleague = factory.secretary(w.community_a)
    auth.logout()
    _login(auth, colleague)
    assert client.post(action).status_code == 404
    auth.logout()
    _login(auth, w.secretary)
    assert "Import 3 households" in page(client.get(action))
    response = client.post(action)
    assert response.status_code == 302
    flashed = page(client.get(response.headers["Location"]))
    assert "Imported 3 households (1 new buildings, 2 new owners, 0 existing owners)." in flashed
    assert _households(db) == before + 3
    zhang = db.session.scalar(db.select(Owner).where(Owner.name == "张三"))
    assert len(zhang.households) == 2
    assert client.post(action).status_code == 404  # the stash is gone: no second import


def test_confirm_checks_again_against_the_directory(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    html = page(_upload(client, w, (HEADER + "1,0101,1,60,,\n").encode()))
    action = re.search(r'action="(/directory/compounds/\d+/import/[^"]+)"', html).group(1)
    factory.household(w.building_a, unit="0101")  # someone adds the same unit meanwhile
    before = _households(db)
    html = page(client.post(action))
    assert "already exists in the directory" in html
    assert _households(db) == before


def test_missing_columns_and_renamed_binaries_are_refused_at_the_field(client, auth,
                                                                       factory, db):
    w = factory.world()
    _login(auth, w.secretary, locale="zh_Hans")
    html = page(_upload(client, w, "楼号,房号\n1,0101\n".encode()))
    assert 'id="file-error"' in html and "楼层" in html and "面积" in html
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
    html = page(_upload(client, w, png, name="households.xlsx"))
    assert zh("This file is not a spreadsheet we can read. Upload a CSV file or an Excel "
              ".xlsx file.") in html
    html = page(_upload(client, w, b"x" * (2 * 1024 * 1024 + 10)))
    assert zh("The file is larger than %(mb)d MB. Split it into smaller files.", mb=2) in html
    html = page(client.post(f"/directory/compounds/{w.compound_a.id}/import", data={}))
    assert zh("Choose a file.") in html


def test_unknown_buildings_can_be_created_from_the_preview(client, auth, factory, db):
    w = factory.world()
    _login(auth, w.secretary)
    html = page(_upload(client, w, (HEADER + "9,0101,1,60,,\n9,0201,2,60,,\n").encode()))
    assert "Building 9 does not exist in this compound." in html
    assert "Buildings not in the directory: 9." in html
    link = re.search(r'href="([^"]+create_buildings=1)"', html).group(1).replace("&amp;", "&")
    html = page(client.get(link))
    assert "The file is correct." in html and "Building 9 (2 floors)" in html
    action = re.search(r'action="(/directory/compounds/\d+/import/[^"]+)"', html).group(1)
    assert client.post(action).status_code == 302
    assert _households(db) == 5

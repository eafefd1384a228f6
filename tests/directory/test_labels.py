"""A flat as people say it (issue 17 §2): building, stairwell (单元) when the
register has one, and the flat without the register's leading zeros."""
import pytest

from residentvoice.directory.labels import flat_label, room_label


@pytest.mark.parametrize("building, unit, zh, en", [
    ("1", "0601", "1号楼601", "Building 1, flat 601"),
    ("1", "2-0601", "1号楼2单元601", "Building 1, entrance 2, flat 601"),
    ("3号楼", "2单元0601", "3号楼2单元601", "Building 3, entrance 2, flat 601"),
    ("A", "101", "A号楼101", "Building A, flat 101"),
    ("5", "B12", "5号楼B12", "Building 5, flat B12"),
])
def test_flat_label_in_both_languages(app, building, unit, zh, en):
    for locale, expected in (("zh_Hans", zh), ("en", en)):
        with app.test_request_context(headers={"Cookie": f"rv_lang={locale}"}):
            assert flat_label(building, unit) == expected


def test_room_label_drops_the_register_zeros():
    assert room_label("0601") == "601" and room_label("2-0601") == "2-601"
    assert room_label("0000") == "0000" and room_label("B12") == "B12"

"""Search in a phone-sized browser, in Chinese and English: a resident of
东四十条甲34号院 opens the menu, searches for a two-character word (车棚, below
the trigram minimum), narrows to proposals and opens one."""
import pytest

from tests.e2e.conftest import (browser, layout_problems, live, login, new_page,  # noqa: F401
                                shoot, submit)

pytestmark = pytest.mark.browser

RESIDENT = "13800000001"    # 王秀兰, DSST34-1-0601


def test_a_resident_searches_from_the_menu(new_page, live, login, shoot, submit,
                                            layout_problems):
    page = new_page()
    login(page, RESIDENT)
    page.locator("details.menu summary").click()
    submit(page, "nav a[href='/search/']")
    page.fill("input[name=q]", "车棚")
    submit(page, "main form.search-form button[type=submit]")
    results = page.locator("ol.search-results > li.card")
    assert results.count() >= 1
    assert "车棚" in page.locator("ol.search-results mark").first.inner_text()
    assert layout_problems(page) == []
    shoot(page, "search-zh-results")

    page.locator("details.search-filters summary").click()
    page.select_option("select[name=kind]", "proposal")
    submit(page, "main form.search-form button[type=submit]")
    badges = page.locator("ol.search-results li.card .meta .badge:first-child").all_inner_texts()
    assert badges and set(badges) == {"提案"}
    assert layout_problems(page) == []
    shoot(page, "search-zh-filtered")
    submit(page, "ol.search-results li.card h2 a")
    assert "/spaces/proposals/" in page.url

    # English by the language cookie, as a visitor's choice: the header's button
    # would store the choice on the demo account, which the browser tests share.
    page.context.add_cookies([{"name": "rv_lang", "value": "en", "url": live.base}])
    page.goto("/search/?q=车棚")
    assert "Filters" in page.inner_text("main")
    assert page.locator("ol.search-results > li.card").count() >= 1
    shoot(page, "search-en-results")

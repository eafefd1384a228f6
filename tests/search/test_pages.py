"""The search page: in the menu, results linked, filters, both languages."""
import pytest

from residentvoice.extensions import db
from residentvoice.search.models import SearchDocument
from residentvoice.search.services import matching, words_of

from ..factories import sign_in


def test_the_search_page_lists_what_the_user_may_see(client, data):
    sign_in(client, data.w.resident)
    page = client.get("/search/?q=电梯").get_data(as_text=True)
    assert f'href="/tickets/{data.mine.id}"' in page
    assert f'href="/tickets/{data.public.id}"' in page
    assert f'href="/tickets/{data.private.id}"' not in page
    assert f'href="/meetings/{data.old.id}/minutes"' in page
    assert "<mark>电梯</mark>" in page
    assert "搜索" in client.get("/").get_data(as_text=True)          # in the menu


def test_filters_come_through_the_query_string(client, data):
    sign_in(client, data.w.resident)
    page = client.get("/search/?q=电梯&kind=ballot&state=active").get_data(as_text=True)
    assert f'href="/ballots/{data.ballot.id}"' in page
    assert "/tickets/" not in page.split("search-results", 1)[1]


def test_a_bad_filter_redisplays_the_form_with_its_message(client, data):
    sign_in(client, data.w.resident)
    response = client.get("/search/?q=电梯&since=not-a-date")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'value="电梯"' in page and 'class="error"' in page
    assert "search-results" not in page


def test_english_page(client, data):
    sign_in(client, data.w.resident)
    client.post("/language", data={"lang": "en", "next": "/search/"})
    page = client.get("/search/?q=bike").get_data(as_text=True)
    assert "Filters" in page and "Proposal" in page
    assert f'href="/spaces/proposals/{data.bike_shed.id}"' in page


def test_anonymous_is_asked_to_log_in(client, db):
    response = client.get("/search/?q=电梯")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _plan(statement):
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
        rows = db.session.execute(db.text(f"EXPLAIN {compiled}")).all()
        return " ".join(r[0] for r in rows)
    rows = db.session.execute(db.text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return " ".join(str(r[-1]) for r in rows)


def test_words_of_three_characters_or_more_use_the_trigram_index(data):
    """SQLite: the FTS5 trigram table; PostgreSQL: the GIN pg_trgm index."""
    plan = _plan(db.select(SearchDocument.id).where(matching("电梯井漏水")))
    if db.engine.dialect.name == "postgresql":
        assert "ix_search_document_text_trgm" in plan
    else:
        assert "search_fts" in plan and "VIRTUAL TABLE INDEX" in plan


@pytest.mark.parametrize("query,expected", [("电梯  漏水 电梯", ["电梯", "漏水"]),
                                            ("", []), ("a b c d e f g h", list("abcdef"))])
def test_words_are_split_on_spaces_deduplicated_and_capped(query, expected):
    assert words_of(query) == expected


def _statements(run):
    from sqlalchemy import event
    statements = []

    def count(*_args):
        statements.append(1)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_search_page_costs_the_same_number_of_queries_for_more_results(client, data):
    from residentvoice.tickets import services as tickets
    sign_in(client, data.w.secretary)
    before = _statements(lambda: client.get("/search/?q=电梯"))
    for n in range(6):
        tickets.create_ticket(data.w.resident, compound_id=data.w.compound_a.id,
                              category="other", description=f"电梯按钮{n}坏了",
                              household_id=data.w.household_a.id, public=True)
    after = _statements(lambda: client.get("/search/?q=电梯"))
    assert after == before

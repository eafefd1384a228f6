"""Search (issue 19 §3): words in Chinese and English, scoped to what each
user may see, with filters.  The same tests run on SQLite (FTS5 trigram) and
PostgreSQL (pg_trgm): ``RV_TEST_DB=postgresql``."""
from datetime import timedelta

from residentvoice.extensions import db
from residentvoice.models import utcnow
from residentvoice.search import indexing, services
from residentvoice.search.models import SearchDocument
from residentvoice.search.services import Filters
from residentvoice.tickets import services as tickets
from residentvoice.voting import services as voting


def found(user, query, **filters):
    pagination, results = services.search(user, query, Filters(**filters), per_page=100)
    return {(r.document.kind, r.document.ref_id) for r in results}


def test_a_two_character_chinese_word_is_found_below_the_trigram_minimum(data):
    """电梯 (lift) is two characters: the trigram index cannot hold it, and
    the LIKE fallback over the user's documents finds it."""
    got = found(data.w.resident, "电梯")
    assert ("ticket", data.mine.id) in got
    assert ("ticket", data.public.id) in got          # a public ticket of the compound
    assert ("ballot", data.ballot.id) in got
    assert ("minutes", data.old.id) in got


def test_a_longer_chinese_phrase_is_found_inside_text_without_spaces(data):
    assert found(data.w.resident, "电梯井漏水") == {("ticket", data.mine.id)}
    assert found(data.w.resident, "东侧建车棚") == {("minutes", data.old.id)}


def test_english_words_match_in_any_case_and_all_words_must_match(data):
    assert ("proposal", data.bike_shed.id) in found(data.w.resident, "BIKE shed")
    assert ("meeting", data.meeting.id) in found(data.w.resident, "bike")
    assert found(data.w.resident, "bike elevator") == set()
    assert found(data.w.resident, "elevator RETROFIT") == {("ballot", data.ballot.id)}


def test_each_user_finds_only_what_their_features_let_them_see(data):
    w = data.w
    resident = found(w.resident, "电梯")
    # the neighbour's private ticket, the secretary's draft meeting, the
    # neighbour's proposal awaiting review and compound B's proposal: not hers
    assert ("ticket", data.private.id) not in resident
    assert ("meeting", data.draft_meeting.id) not in resident
    assert ("proposal", data.elsewhere.id) not in resident
    assert ("proposal", data.submitted.id) not in found(w.resident, "充电桩")
    # her own draft proposal is hers alone
    assert ("proposal", data.draft.id) in resident
    assert ("proposal", data.draft.id) not in found(data.neighbour, "电梯")
    assert ("ticket", data.private.id) in found(data.neighbour, "电梯")
    # the secretary sees what she manages, not drafts of residents
    secretary = found(w.secretary, "电梯")
    assert {("ticket", data.private.id), ("meeting", data.draft_meeting.id)} <= secretary
    assert ("proposal", data.submitted.id) in found(w.secretary, "充电桩")
    assert ("proposal", data.draft.id) not in secretary
    # compound B's resident sees compound B's proposal and nothing of A
    assert found(w.other_resident, "电梯") == {("proposal", data.elsewhere.id)}


def test_filters_narrow_by_kind_compound_state_and_date(data):
    w = data.w
    assert found(w.secretary, "电梯", kind="ticket") == {
        ("ticket", t.id) for t in (data.mine, data.public, data.private)}
    assert found(w.street_admin, "电梯", compound_id=w.compound_b.id) == set()
    assert ("proposal", data.elsewhere.id) not in found(w.secretary, "电梯",
                                                      compound_id=w.compound_a.id)
    finished = found(w.secretary, "电梯", state="finished")
    assert finished == {("minutes", data.old.id)}
    assert ("minutes", data.old.id) not in found(w.secretary, "电梯", state="active")
    tomorrow = (utcnow() + timedelta(days=1)).date()
    upcoming = found(w.secretary, "电梯", since=tomorrow)
    assert ("meeting", data.draft_meeting.id) in upcoming          # starts in 3 days
    assert not {kind for kind, _id in upcoming} & {"ticket", "ballot"}   # filed before
    until = found(w.secretary, "电梯", until=tomorrow)
    assert ("meeting", data.draft_meeting.id) not in until
    assert ("ticket", data.mine.id) in until


def test_like_wildcards_in_the_words_are_taken_literally(data):
    assert found(data.w.resident, "100%") == {("ticket", data.public.id)}
    assert found(data.w.resident, "%") == {("ticket", data.public.id)}
    assert found(data.w.resident, "_") == set()


def test_the_index_follows_changes_to_the_records(data):
    w = data.w
    tickets.redact(w.secretary, data.mine, "3号楼某处漏水")      # staff redact the text
    db.session.flush()
    assert ("ticket", data.mine.id) not in found(w.resident, "电梯井")
    assert ("ticket", data.mine.id) in found(w.resident, "某处漏水")
    ballot = data.ballot
    voting.close_ballot(w.secretary, ballot)
    db.session.flush()
    assert ("ballot", ballot.id) in found(w.resident, "加装电梯", state="finished")


def test_reindex_rebuilds_the_same_documents(data):
    before = found(data.w.secretary, "电梯")
    count = indexing.reindex()
    assert count == db.session.scalar(db.select(db.func.count()).select_from(SearchDocument))
    assert found(data.w.secretary, "电梯") == before


def test_no_words_finds_nothing(data):
    assert services.search(data.w.resident, "   ") == (None, [])


def test_the_reindex_command_rebuilds_the_index(runner, data):
    db.session.execute(db.delete(SearchDocument))
    assert found(data.w.resident, "电梯") == set()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "search documents written" in result.output
    assert ("ticket", data.mine.id) in found(data.w.resident, "电梯")

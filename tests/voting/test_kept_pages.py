"""Ballot pages kept by the page cache end when the ballot closes by the clock
(pagecache.keep_until), not 60 s later."""
import time
from datetime import timedelta

import pytest

from residentvoice import pagecache
from residentvoice.models import utcnow

from .helpers import make_ballot


@pytest.fixture
def store(app):
    app.config.update(PAGE_CACHE=True, PAGE_CACHE_SECONDS=60)
    pagecache.store.clear()
    yield pagecache.store
    pagecache.store.clear()


def lifetimes(store):
    now = time.monotonic()
    return [entry[1] - now for entry in store.entries.values()]


def test_a_ballot_page_is_kept_no_longer_than_until_it_closes(store, factory, auth, client):
    w = factory.world()
    ballot = make_ballot(w.secretary, w.compound_a, closes_at=utcnow() + timedelta(seconds=20))
    auth.login(w.resident)
    client.get("/")  # the welcome message
    assert client.get(f"/ballots/{ballot.id}").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/ballots/").status_code == 200
    assert len(store.entries) == 3
    assert all(0 < seconds <= 20 for seconds in lifetimes(store))


def test_a_page_without_open_ballots_is_kept_the_usual_time(store, factory, auth, client):
    w = factory.world()
    ballot = make_ballot(w.secretary, w.compound_a, state="closed")
    auth.login(w.resident)
    client.get("/")
    assert client.get(f"/ballots/{ballot.id}").status_code == 200
    assert [round(s) for s in lifetimes(store)] == [60]

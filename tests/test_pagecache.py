"""The page cache (residentvoice/pagecache.py): a kept page is served only to
the same user, for the same URL and language, until anything is written."""
import pytest
from sqlalchemy import event, text

from residentvoice import pagecache
from residentvoice.extensions import db as _db


@pytest.fixture
def cache_on(app):
    app.config.update(PAGE_CACHE=True, PAGE_CACHE_SECONDS=60)
    pagecache.store.clear()
    yield pagecache.store
    app.config["PAGE_CACHE_SECONDS"] = 60
    pagecache.store.clear()


@pytest.fixture
def world(factory):
    return factory.world()


@pytest.fixture
def statements(db):
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(_db.engine, "before_cursor_execute", count)
    yield seen
    event.remove(_db.engine, "before_cursor_execute", count)


def reads(seen):
    return [s for s in seen if s.lstrip().upper().startswith("SELECT")]


def test_a_kept_page_is_served_without_running_the_view(cache_on, world, auth, client,
                                                        statements):
    auth.login(world.resident)
    assert "欢迎" in client.get("/").text  # the welcome message: not kept
    assert len(cache_on.entries) == 0
    first = client.get("/")
    assert first.status_code == 200 and len(cache_on.entries) == 1
    statements.clear()
    second = client.get("/")
    assert second.data == first.data
    # Only the generation is read: no user, no sections.
    assert [s for s in reads(statements) if "page_generation" not in s] == []


def test_every_write_shows_at_once(cache_on, world, auth, client, db):
    auth.login(world.resident)
    assert "王秀兰" in client.get("/").text
    world.resident.name = "王秀芝"
    db.session.commit()
    assert "王秀芝" in client.get("/").text


def test_a_raw_sql_write_also_renews_the_pages(cache_on, world, auth, client, db):
    auth.login(world.resident)
    client.get("/")
    db.session.execute(text("UPDATE user SET name = '王秀芝' WHERE id = :id"
                            if db.engine.dialect.name == "sqlite" else
                            'UPDATE "user" SET name = \'王秀芝\' WHERE id = :id'),
                       {"id": world.resident.id})
    db.session.commit()
    db.session.expire_all()
    assert "王秀芝" in client.get("/").text


def test_a_request_that_writes_renews_the_pages(cache_on, world, auth, client):
    auth.login(world.resident)
    assert 'lang="zh' in client.get("/").text
    client.post("/language", data={"lang": "en", "next": "/"})
    page = client.get("/")
    assert 'lang="en' in page.text and "Hello, 王秀兰" in page.text


def test_pages_are_kept_per_user(cache_on, world, app, auth, client):
    auth.login(world.resident)
    assert "王秀兰" in client.get("/").text
    other = app.test_client()
    other.post("/login", data={"phone": world.other_resident.phone, "password": world.password})
    page = other.get("/").text
    assert "李建国" in page and "王秀兰" not in page


def test_an_anonymous_visitor_never_gets_a_kept_page(cache_on, world, app, auth, client):
    auth.login(world.staff)
    assert client.get("/tickets/queue").status_code == 200
    anonymous = app.test_client()
    assert anonymous.get("/tickets/queue").status_code == 302
    assert "王秀兰" not in anonymous.get("/").text


def test_a_flashed_message_is_shown_once_and_never_kept(cache_on, world, auth, client):
    auth.login(world.resident)
    client.get("/")
    client.post("/language", data={"lang": "xx", "next": "/"})
    flashed = client.get("/").text
    assert "不支持该语言" in flashed or "This language is not available" in flashed
    again = client.get("/").text
    assert "不支持该语言" not in again and "This language is not available" not in again


def test_kept_pages_expire(cache_on, app, world, auth, client, statements):
    app.config["PAGE_CACHE_SECONDS"] = 0
    auth.login(world.resident)
    client.get("/")
    statements.clear()
    client.get("/")
    assert [s for s in reads(statements) if "page_generation" not in s]


def test_a_refused_request_keeps_the_generation(cache_on, world, auth, client, db):
    auth.login(world.resident)
    client.get("/")
    token = db.session.execute(text("SELECT token FROM page_generation")).scalar()
    client.post("/language", data={"lang": "xx", "next": "/"})  # nothing written
    assert db.session.execute(text("SELECT token FROM page_generation")).scalar() == token


def test_each_visitor_of_a_kept_form_gets_their_own_working_csrf_token(cache_on, app, world):
    import re
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        first, second = app.test_client(), app.test_client()
        page_one = first.get("/login").text
        page_two = second.get("/login").text
        assert len(cache_on.entries) == 1  # the second visitor was served the kept page
        token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
        one, two = token.search(page_one).group(1), token.search(page_two).group(1)
        assert one != two
        assert token.sub("", page_one) == token.sub("", page_two)
        refused = second.post("/login", data={"phone": world.resident.phone,
                                               "password": world.password, "csrf_token": one})
        assert refused.status_code == 400  # the other visitor's token does not pass
        accepted = second.post("/login", data={"phone": world.resident.phone,
                                                "password": world.password, "csrf_token": two})
        assert accepted.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_write_inside_a_savepoint_renews_the_pages(cache_on, world, auth, client, db):
    auth.login(world.resident)
    client.get("/")
    assert "王秀兰" in client.get("/").text
    with db.session.begin_nested():
        world.resident.name = "王秀芝"
    db.session.commit()
    assert "王秀芝" in client.get("/").text


@pytest.mark.postgres_only
def test_postgresql_reads_the_token_on_its_own_autocommit_connection():
    """Not through the pool (whose ping, BEGIN and ROLLBACK made four round
    trips of one); it sees each commit at once, and a connection that breaks
    is replaced at the next read."""
    from .ops.apps import private_app, private_pg_database
    with private_pg_database() as (_name, url), private_app(url) as app:
        with app.app_context():
            engine = _db.engine
            with engine.begin() as conn:    # outside a session: no new token on commit
                conn.execute(text("INSERT INTO page_generation (id, token) VALUES (1, 'a')"))
            checkouts = []
            _listen = event.listens_for(engine, "checkout")(
                lambda *args: checkouts.append(1))
            try:
                assert pagecache.current_generation() == "a"
                with engine.begin() as conn:
                    conn.execute(text("UPDATE page_generation SET token = 'b'"))
                checkouts.clear()
                assert pagecache.current_generation() == "b"
                assert checkouts == []
                pagecache.token_reader.conn.close()      # the server dropped it, say
                assert pagecache.current_generation() is None     # rendered this once
                assert pagecache.current_generation() == "b"      # and reconnected
            finally:
                event.remove(engine, "checkout", _listen)
                pagecache.token_reader.close()

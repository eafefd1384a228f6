"""Which tests are left out of the quick loop (issue 16 §6): ``make check``
runs ``-m "not browser and not fuzz and not slow"``; ``make test`` runs them all.

``browser`` is marked where the tests drive Chromium (``pytestmark`` in their
modules). ``fuzz`` is every test in ``tests/fuzz/``. ``slow`` is this table:
the tests that take seconds each, by what makes them slow (measured with
``--durations``; a test that grows past a second joins it with its reason)."""
import pytest

FUZZ_FOLDER = "tests/fuzz/"

SLOW = {
    # Real servers and subprocesses: gunicorn, a second app server, Redis going
    # away, pg_dump / restore, `flask` run as a program.
    "tests/ops/test_production.py": "starts gunicorn and app servers",
    "tests/ops/test_backup.py": "backs up and restores through the CLI",
    "tests/test_app.py::test_database_url_comes_from_the_environment": "a subprocess",
    "tests/test_migrations.py": "runs every migration, up and down",
    "tests/test_i18n.py::test_catalogue_covers_every_message_in_the_code":
        "extracts the messages of the whole tree",
    "tests/test_security.py::test_production_cookies_are_secure": "builds a production app",
    "tests/test_account_takeover.py::"
    "test_an_unknown_phone_costs_one_password_hash_like_a_known_one":
        "password hashes at production cost",
    # The demo data, loaded whole (`flask demo`).
    "tests/test_cli.py": "loads the demo",
    "tests/test_readme.py": "loads the demo",
    "tests/tickets/test_demo.py": "loads the demo",
    "tests/renovation/test_demo.py": "loads the demo",
    "tests/voting/test_demo.py": "loads the demo",
    "tests/spaces/test_demo.py": "loads the demo",
    "tests/meetings/test_demo.py": "loads the demo",
    # Every route (or every field) for every role.
    "tests/test_access.py::test_each_route_for_each_role": "every route for every role",
    "tests/test_hostile_requests.py::test_reserved_query_arguments_never_answer_5xx":
        "every route with hostile query arguments",
    "tests/test_dates.py::test_every_page_renders_with_dates_at_the_ends_of_the_calendar":
        "every page, twice",
    "tests/test_hostile_requests.py::"
    "test_deeply_nested_json_answers_400_on_every_api_route_that_takes_a_body":
        "every API route with a body nested 100,000 deep",
    "tests/test_pages.py::test_every_page_is_light_and_loads_nothing_from_another_host":
        "every page",
    "tests/directory/test_directory_access.py::test_directory_routes_for_each_role":
        "every directory route for every role",
    "tests/directory/test_bad_input.py::test_junk_in_every_field": "junk in every field",
    # Many examples, threads racing, pages that must not grow with the data.
    "tests/voting/test_judge_properties.py": "property-based, hundreds of ballots",
    "tests/voting/test_concurrency.py": "fifty threads on one SQLite file",
    "tests/voting/test_large_owner.py": "an owner of 600 units",
    "tests/voting/test_pages.py::test_result_page_queries_do_not_grow_with_votes": "many votes",
    "tests/meetings/test_queries.py::test_live_pages_do_not_grow_with_the_room":
        "fills a meeting room, per role",
    "tests/tickets/test_views.py::test_queue_pages_keep_the_filters": "every queue filter",
    "tests/tickets/test_views.py::test_queue_query_count_does_not_grow": "grows the queue",
    "tests/tickets/test_deadlines.py::"
    "test_queue_order_and_overdue_filter_match_the_old_expressions": "many tickets",
}


def mark(items):
    """Add the ``fuzz`` and ``slow`` marks to the collected ``items``."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path.startswith(FUZZ_FOLDER):
            item.add_marker(pytest.mark.fuzz)
        base = item.nodeid.split("[", 1)[0]
        if path in SLOW or base in SLOW:
            item.add_marker(pytest.mark.slow)

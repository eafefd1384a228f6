"""Fuzzing runs in the SQLite pass: on PostgreSQL the same thousands of
requests take minutes, and the PostgreSQL pass runs the race and fault tests
(tests/test_faults.py) instead."""
import pytest

from .. import databases


def pytest_collection_modifyitems(config, items):
    if databases.wanted() != "postgresql":
        return
    for item in items:
        if "tests/fuzz/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.skip(reason="fuzzing runs in the SQLite pass"))

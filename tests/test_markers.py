"""The quick loop's table of slow tests (tests/markers.py) names tests that
exist: a renamed or moved test would otherwise drop silently into
``make check`` (issue 16 §6)."""
import re
from pathlib import Path

import pytest

from .markers import FUZZ_FOLDER, SLOW

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("node", sorted(SLOW))
def test_each_slow_entry_names_a_test_that_exists(node):
    path, _, name = node.partition("::")
    source = ROOT / path
    assert source.is_file(), f"{node}: no such file"
    if name:
        assert re.search(rf"^def {re.escape(name)}\(", source.read_text(encoding="utf-8"),
                         re.M), f"{node}: no such test"


def test_the_fuzz_folder_exists():
    assert (ROOT / FUZZ_FOLDER).is_dir()

"""The allowed edges between features (issue 16), written as import-linter
contracts in setup.cfg: domain features import only the features below them,
the platform imports no domain feature, and the modules of a feature import
each other without cycles.  Where a lower feature must reach a higher one it
sends a signal (residentvoice/signals.py)."""
import subprocess
import sys

from residentvoice.config import ROOT


def lint_imports():
    return subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command;"
                           "lint_imports_command()", "setup.cfg", "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True)


def test_the_import_contracts_hold():
    result = lint_imports()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


def test_every_signal_has_its_receivers(app):
    """A signal nobody answers would switch a rule off silently (what the old
    service locator did to warranty routing)."""
    from residentvoice import signals
    assert signals.ballot_closed.receivers
    assert signals.problem_observed.receivers
    assert signals.open_tickets_wanted.receivers
    for kind in ("proposal", "ballot", "meeting", "space"):
        assert signals.links_wanted.has_receivers_for(kind), kind

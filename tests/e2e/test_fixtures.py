"""The browser fixtures' own rule: without Chromium the browser tests fail
under CI=true (CI must really run them) and skip elsewhere, with the reason."""
import pytest

from . import conftest


def test_missing_chromium_fails_on_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        conftest._unavailable("no Chromium at /nowhere")


def test_missing_chromium_skips_elsewhere(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        conftest._unavailable("no Chromium at /nowhere")

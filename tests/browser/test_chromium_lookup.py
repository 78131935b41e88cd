"""The one Chromium lookup (tests/conftest.py): under CI a missing browser fails, elsewhere it
skips."""

from __future__ import annotations

import pytest

from tests import conftest


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.setattr(conftest.shutil, "which", lambda name: None)


def test_missing_chromium_fails_under_ci(no_chromium, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Chromium is missing"):
        conftest.locate_chromium()


def test_ci_takes_only_debians_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr(conftest, "CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.setattr(conftest.shutil, "which", lambda name: "/opt/elsewhere/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        conftest.locate_chromium()
    monkeypatch.setenv("CI", "false")
    assert conftest.locate_chromium() == "/opt/elsewhere/chromium"


def test_missing_chromium_skips_on_a_developer_machine(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="did not run"):
        conftest.locate_chromium()


def test_debians_chromium_is_found(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("")
    monkeypatch.setattr(conftest, "CHROMIUM", str(fake))
    monkeypatch.setenv("CI", "true")
    assert conftest.locate_chromium() == str(fake)

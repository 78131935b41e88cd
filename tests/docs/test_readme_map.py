"""The README's map names only paths that exist, and names every app.

The map is the table between ``<!-- map:start -->`` and ``<!-- map:end -->``;
every backticked token in its first column that looks like a path (has a ``/``
or a file suffix) must exist in the repository.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAP = README.split("<!-- map:start -->")[1].split("<!-- map:end -->")[0]
APPS = (
    "core",
    "staff",
    "inspections",
    "training",
    "reform",
    "reports",
    "notifications",
    "workspace",
)


def _paths() -> list[str]:
    paths = []
    for line in MAP.strip().splitlines()[2:]:
        cells = line.strip().strip("|").split("|")
        for token in re.findall(r"`([^`]+)`", cells[0]):
            if "/" in token or re.search(r"\.(py|md|toml|json)$", token) or token == "Makefile":
                paths.append(token)
    return paths


PATHS = _paths()


def test_the_map_names_paths():
    assert len(PATHS) >= 60


@pytest.mark.parametrize("path", PATHS)
def test_path_exists(path):
    assert (ROOT / path).exists(), f"README map names {path}, which does not exist"


@pytest.mark.parametrize("app", APPS)
def test_every_app_is_on_the_map(app):
    assert re.search(rf"`{app}/", MAP), app


def test_readme_stays_short():
    assert len(README.splitlines()) <= 170


@pytest.mark.parametrize("chapter", sorted(p.name for p in (ROOT / "docs").glob("*.md")))
def test_every_chapter_is_listed(chapter):
    # The README's "Documentation" list has one line per chapter of docs/.
    assert f"](docs/{chapter})" in README, f"docs/{chapter} is not listed in the README"

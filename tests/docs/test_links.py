"""Every relative link in the README, the CHANGELOG and docs/ points at a file that exists.

A link with an anchor (``docs/security.md#settings``) must also name a heading of
that Markdown file, spelled as GitHub turns headings into anchors.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    [p for p in (ROOT / "README.md", ROOT / "CHANGELOG.md") if p.exists()]
    + list((ROOT / "docs").rglob("*.md"))
)
# [text](target) and ![alt](target); the target ends at a space (a title) or ")".
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`[^`\n]*`")


def _links(page: Path) -> list[str]:
    text = INLINE_CODE.sub("", FENCE.sub("", page.read_text(encoding="utf-8")))
    return [t for t in LINK.findall(text) if not re.match(r"^[a-z][a-z0-9+.-]*:", t)]


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to dashes."""
    text = unicodedata.normalize("NFC", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    anchors = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        anchor = github_anchor(heading)
        count = seen.get(anchor, 0)
        anchors.add(anchor if count == 0 else f"{anchor}-{count}")
        seen[anchor] = count + 1
    return anchors


CASES = [(page, target) for page in PAGES for target in _links(page)]


def test_pages_have_links():
    # The README links its chapters; finding none means the pattern broke, not that all is well.
    assert sum(1 for page, _ in CASES if page.name == "README.md") >= 10


@pytest.mark.parametrize(
    ("page", "target"), CASES, ids=[f"{p.relative_to(ROOT)}->{t}" for p, t in CASES]
)
def test_relative_link_resolves(page, target):
    path, _, anchor = target.partition("#")
    file = (page.parent / path).resolve() if path else page
    assert file.exists(), f"{page.relative_to(ROOT)} links to missing {target}"
    if anchor and file.suffix == ".md":
        assert anchor in _anchors(file), f"{page.relative_to(ROOT)}: no heading #{anchor} in {path}"


def test_anchor_spelling():
    assert github_anchor("Where the contract was silent: decisions") == (
        "where-the-contract-was-silent-decisions"
    )
    assert github_anchor("Huyện Đạ Huoai in 2019") == "huyện-đạ-huoai-in-2019"

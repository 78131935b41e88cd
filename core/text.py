"""Unicode normalisation and accent-free search keys for Vietnamese text.

Names are stored in NFC (the form Vietnamese keyboards and most databases
expect) and searched through a key that is lower case, free of diacritics and
of runs of white space. "Đ/đ" is a letter of its own, not D with a combining
mark, so NFD does not strip it: it is mapped explicitly.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_D_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def nfc(value: str | None) -> str:
    """NFC-normalise, trim and collapse inner white space."""
    if value is None:
        return ""
    value = str(value)
    if value.isascii():
        # NFC leaves ASCII as it is; ``split()`` splits on the same white space as
        # ``\s+`` (``str.isspace``) and drops it at both ends: the same result, faster
        # (a 500,000-row import normalises every cell).
        return " ".join(value.split())
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def search_key(value: str | None) -> str:
    """Lower-case, diacritic-free key: ``search_key("Nguyễn Thị Ánh") == "nguyen thi anh"``."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", str(value).translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.translate(_D_MAP).casefold()).strip()


def search_terms(query: str | None) -> list[str]:
    """Split a user's query into keys; every term must match (AND)."""
    return [term for term in search_key(query).split(" ") if term]

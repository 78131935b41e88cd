"""Numbers as people read them in the report: integers as integers, rates as percentages.

One place for the page, the charts and the PDF. Vietnamese writes the
decimal comma and the dot between thousands ("1.234,5"), English the other
way round; the language is the active one unless given.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

DASH = "\u2013"

# Plural nouns of the levels, for "10th of 10 communes" and the peer groups' names.
LEVEL_PLURALS = {
    "province": _("provinces"),
    "district": _("districts"),
    "department": _("departments"),
    "commune": _("communes"),
}


def _is_vietnamese(language: str | None) -> bool:
    return (language or translation.get_language() or "vi").startswith("vi")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(
    value: Any, decimals: int = 0, *, language: str | None = None, sign: bool = False
) -> str:
    """``1234.5`` -> ``"1.234,5"`` (vi) or ``"1,234.5"`` (en); ``None``/NaN -> an en dash."""
    if _missing(value):
        return DASH
    value = float(value)
    if decimals == 0:
        value = round(value)
    text = f"{value:{'+' if sign and value != 0 else ''},.{decimals}f}"
    if _is_vietnamese(language):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def count(value: Any, *, language: str | None = None) -> str:
    """A count: an integer, thousands grouped (training hours keep one decimal when they have
    one)."""
    if _missing(value):
        return DASH
    if float(value).is_integer():
        return number(value, 0, language=language)
    return number(value, 1, language=language)


def percent(rate: Any, decimals: int = 1, *, language: str | None = None) -> str:
    """A rate 0..1 as a percentage: ``0.4452`` -> ``"44,5%"``."""
    if _missing(rate):
        return DASH
    return number(100 * float(rate), decimals, language=language) + "%"


def score(value: Any, *, language: str | None = None, sign: bool = False) -> str:
    """A score or points, two decimals: ``44.52`` -> ``"44,52"``."""
    return number(value, 2, language=language, sign=sign)


def peer_group_name(group: str) -> str:
    """``"commune/district"`` -> "communes under districts" (translated)."""
    level, _sep, parent = group.partition("/")
    units = str(LEVEL_PLURALS.get(level, level))
    if not parent:
        return units
    return str(
        _("%(units)s under %(parents)s")
        % {"units": units, "parents": LEVEL_PLURALS.get(parent, parent)}
    )


def rank_text(rank: Any, peers: Any, group: str) -> str:
    """ "10th of 10 communes under districts" / "thứ 10/10 xã thuộc huyện"; a dash when not
    ranked."""
    if _missing(rank) or _missing(peers):
        return DASH
    return str(
        _("%(rank)s of %(peers)s %(group)s")
        % {
            "rank": int(rank),
            "peers": int(peers),
            "group": peer_group_name(group),
        }
    )

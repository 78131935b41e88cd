"""The API's JSON parser: DRF's, with a bound on nesting depth.

Python's JSON decoder recurses once per ``[`` or ``{``; a body of 50,000
brackets (a few kilobytes) exhausts the interpreter's stack and DRF's parser,
which only catches ``ValueError``, lets the ``RecursionError`` through as a
500. No request of ours nests more than a few levels, so anything deeper
than ``MAX_JSON_DEPTH`` is refused as a parse error (400, with a message
that names the limit) before any serializer sees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


def json_depth(value, *, limit: int) -> int:
    """The nesting depth of a decoded JSON value (a scalar is 0), counted without recursion; stops
    past ``limit``."""
    deepest = 0
    stack = [(value, 0)]
    children: Iterable[Any]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest


def _too_deep() -> ParseError:
    return ParseError(
        _("JSON parse error - nested too deeply: at most %(limit)d levels of arrays and objects.")
        % {"limit": MAX_JSON_DEPTH}
    )


class JSONParser(parsers.JSONParser):
    """``rest_framework.parsers.JSONParser`` refusing bodies nested deeper than
    ``MAX_JSON_DEPTH``."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        if json_depth(data, limit=MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
            raise _too_deep()
        return data

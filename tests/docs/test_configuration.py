"""docs/configuration.md lists exactly the environment variables config/settings.py reads.

The variables are found in the settings module's source: every call of a
``config.env`` reader (``env_str``, ``env_int``, ...) or ``os.environ.get`` whose
first argument is a string. For each, the page's table must name the Django
setting(s) it feeds (which must exist) and, when the code's default is a plain
value, write that default.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
SETTINGS = ROOT / "config" / "settings.py"
READERS = {"env_str", "env_bool", "env_int", "env_list", "env_rate", "env_choice", "env_url"}


def variables_read() -> dict[str, list[ast.expr | None]]:
    """Variable name -> the default expressions it is read with (None: no default given)."""
    found: dict[str, list[ast.expr | None]] = {}
    for node in ast.walk(ast.parse(SETTINGS.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = ast.unparse(node.func)
        if name not in READERS and name != "os.environ.get":
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.setdefault(first.value, [])
            if name in READERS:  # os.environ.get only asks whether a variable is set
                found[first.value].append(node.args[1] if len(node.args) > 1 else None)
    return found


def documented() -> dict[str, dict[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- settings:start -->")[1].split("<!-- settings:end -->")[0]
    rows: dict[str, dict[str, str]] = {}
    for line in table.strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`([A-Z0-9_]+)`", cells[0])
        if not match:  # a group heading row
            continue
        assert match[1] not in rows, f"{match[1]} is listed twice"
        rows[match[1]] = {"setting": cells[1], "default": cells[2], "meaning": cells[3]}
    return rows


def expected_default(expr: ast.expr | None) -> str | None:
    """How the page writes a plain default; None when the code computes it."""
    if expr is None:
        return "empty"
    try:
        value = eval(compile(ast.Expression(expr), "<default>", "eval"), {"__builtins__": {}})  # noqa: S307 - constants only
    except NameError:
        return None
    if isinstance(value, bool):
        return "on" if value else "off"
    if value == "":
        return "empty"
    return f"`{value}`"


READ = variables_read()
DOCUMENTED = documented()


def test_every_variable_read_is_documented_and_nothing_else():
    assert len(READ) >= 50
    assert sorted(set(READ) - set(DOCUMENTED)) == [], (
        "read by config/settings.py, missing from the page"
    )
    assert sorted(set(DOCUMENTED) - set(READ)) == [], "on the page, not read by config/settings.py"


@pytest.mark.parametrize("variable", sorted(DOCUMENTED))
def test_named_settings_exist(variable):
    names = re.findall(r"`([A-Z][A-Z0-9_]*)`", DOCUMENTED[variable]["setting"])
    assert names, f"{variable}: no setting named"
    for name in names:
        assert hasattr(settings, name), f"{variable}: no setting {name}"


@pytest.mark.parametrize("variable", sorted(READ))
def test_plain_defaults_match_the_code(variable):
    for expr in READ[variable]:
        expected = expected_default(expr)
        if expected is None:
            continue
        assert DOCUMENTED[variable]["default"].startswith(expected), (
            f"{variable}: the code's default is {expected}, the page says "
            f"{DOCUMENTED[variable]['default']!r}"
        )


def test_computed_defaults_are_explained():
    # DATABASE_URL, DJANGO_HTTPS, CACHE_URL, ... default to an expression: the page says what it
    # gives.
    computed = [v for v, exprs in READ.items() if any(expected_default(e) is None for e in exprs)]
    assert "DJANGO_HTTPS" in computed
    for variable in computed:
        assert len(DOCUMENTED[variable]["default"]) > 3, variable

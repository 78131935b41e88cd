"""docs/INTERFACES.md names functions other apps may call: each must exist with those parameters.

Every backticked ``package.module.name(params)`` on the page is imported and its
``inspect.signature`` parameter names (``self`` and ``*args``/``**kwargs`` aside)
are compared with the ones the page writes, in order. Backticked dotted names
without parentheses whose first two parts are a module of the project (such as
``staff.access.RestrictedAdminMixin``) must import too. Each model bullet
(``- `Course`: `code`, ...``) may name only that model's fields and choice values.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "INTERFACES.md"
PACKAGES = ("core", "staff", "inspections", "training", "reform", "reports", "notifications")
SPAN = re.compile(r"`([^`]+)`")
CALL = re.compile(r"^(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\((?P<params>[^()]*)\)$")
DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")


def _spans() -> list[str]:
    return SPAN.findall(DOC.read_text(encoding="utf-8"))


def _resolve(dotted: str):
    """Import the longest module prefix of ``dotted`` and walk the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


def _written_params(text: str) -> list[str]:
    names = []
    for raw in text.split(","):
        name = raw.split("=")[0].strip()
        if name and name not in ("*", "/", "..."):
            names.append(name)
    return names


def _code_params(func) -> list[str]:
    return [
        p.name
        for p in inspect.signature(func).parameters.values()
        if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


CALLS = [m for s in _spans() if (m := CALL.match(s)) and m["name"].split(".")[0] in PACKAGES]
NAMES = [
    s
    for s in _spans()
    if DOTTED.match(s)
    and s.split(".")[0] in PACKAGES
    and importlib.util.find_spec(".".join(s.split(".")[:2])) is not None
]


def test_the_page_names_functions():
    # A rewrite that loses the `module.function(params)` form would pass every check vacuously.
    assert len(CALLS) >= 15


@pytest.mark.parametrize("match", CALLS, ids=[m["name"] for m in CALLS])
def test_named_function_has_the_written_parameters(match):
    func = _resolve(match["name"])
    assert callable(func), match["name"]
    assert _code_params(func) == _written_params(match["params"]), match.group(0)


@pytest.mark.parametrize("name", NAMES)
def test_named_object_exists(name):
    assert _resolve(name) is not None


# "- `Model`: `field`, `field` (`choice`, `choice`), ..." bullets: every backticked word is
# a field of that model (or its column name) or one of the choice values of its fields.
BULLET = re.compile(r"^- `([A-Z]\w+)`: (.*?)(?=^- |^## |\Z)", re.S | re.M)
MODEL_BULLETS = BULLET.findall(DOC.read_text(encoding="utf-8"))


def test_the_page_names_models():
    assert len(MODEL_BULLETS) >= 12


@pytest.mark.parametrize(("model_name", "body"), MODEL_BULLETS, ids=[m for m, _ in MODEL_BULLETS])
def test_named_fields_and_values_exist(model_name, body):
    from django.apps import apps

    [model] = [m for m in apps.get_models() if m.__name__ == model_name]
    known = {model.__name__}
    for field in model._meta.get_fields():
        known.add(field.name)
        known.add(getattr(field, "attname", field.name))
        known.update(str(value) for value, _ in getattr(field, "choices", None) or [])
    words = re.findall(r"`([A-Za-z_]\w*)`", body)
    assert words
    assert [w for w in words if w not in known] == []

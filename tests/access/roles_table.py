"""The roles table of docs/access.md, parsed: what each role reads, writes and may do.

The generated API and admin tests take every expectation from here, so the
table in the documentation is the source of truth of the access tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings

DOC = Path(settings.BASE_DIR) / "docs" / "access.md"
ROLES = ("anonymous", "admin", "inspector", "hr", "auditor", "head", "orphan")


@dataclass(frozen=True)
class Role:
    name: str
    sees: str  # "nothing", "whole tree", "own subtree"
    reads: frozenset[str]  # "*", "domain" or app.model labels
    writes: frozenset[str]  # "*" or app.model labels
    workflow: frozenset[str]  # "*" or app.model.action

    def may_read(self, model) -> bool:
        label = model._meta.label_lower
        if "*" in self.reads or label in self.reads:
            return True
        return "domain" in self.reads and is_domain(model)

    def may_write(self, model) -> bool:
        return "*" in self.writes or model._meta.label_lower in self.writes

    def may_do(self, model, action: str) -> bool:
        return "*" in self.workflow or f"{model._meta.label_lower}.{action}" in self.workflow


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _names(cell: str) -> frozenset[str]:
    if cell in ("nothing", ""):
        return frozenset()
    return frozenset(name.strip().strip("`") for name in cell.split(",") if name.strip())


def load() -> dict[str, Role]:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- roles-table:start -->\n(.*?)<!-- roles-table:end -->", text, re.S)
    assert block, "docs/access.md has no roles table"
    lines = [line for line in block.group(1).splitlines() if line.startswith("|")][2:]
    roles = {}
    for line in lines:
        name, sees, reads, writes, workflow = _cells(line)
        name = name.strip("`")
        roles[name] = Role(name, sees, _names(reads), _names(writes), _names(workflow))
    assert set(roles) == set(ROLES), f"the roles table must name exactly {ROLES}"
    return roles


def local_apps() -> set[str]:
    root = str(settings.BASE_DIR)
    return {
        c.label
        for c in apps.get_app_configs()
        if c.path.startswith(root) and "/.venv/" not in c.path
    }


def is_domain(model) -> bool:
    from staff.roles import RESTRICTED_MODELS

    opts = model._meta
    return (
        opts.app_label in local_apps()
        and (opts.app_label, opts.model_name) not in RESTRICTED_MODELS
    )


def identity_roles() -> set[str]:
    """The roles the table names as seeing reporters' identity."""
    line = re.search(r"Reporters' identity: (.*)", DOC.read_text(encoding="utf-8"))
    assert line, "docs/access.md must say who sees reporters' identity"
    return set(re.findall(r"`([a-z_]+)`", line.group(1)))


# Admin pages that show reporters' identity, readable by the identity roles only.
IDENTITY_MODELS = {"inspections.feedbackattachment"}
